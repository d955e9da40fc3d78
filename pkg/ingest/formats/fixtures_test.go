package formats

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/testenv"
)

// TestNewsMLG2Fixtures parses every IPTC NewsML-G2 example and checks each
// news item's identity, headline and body.
func TestNewsMLG2Fixtures(t *testing.T) {
	dir := testenv.SharedDir(t, "fixtures", "wire", "newsml-g2")
	type item struct {
		skipped     bool
		errHas      string
		guid        string
		version     int64
		headline    string
		bodyPrefix  string
		bodySuffix  string
		paragraphs  int
		byline      string
		language    string
		source      string
		updatedAt   string
		subjectsHas string
		keyword     string
	}
	cases := []struct {
		file     string
		inputErr string // error for the whole input
		items    []item
	}{
		{file: "LISTING_1_A_NewsML-G2_News_Item.xml", items: []item{{
			guid: "urn:newsml:acmenews.com:20161018:US-FINANCE-FED", version: 11,
			headline: `Fed to halt QE to avert "bubble"`, paragraphs: 0,
			byline: "Meredith Jameson", language: "en-GB", source: "REUTERS",
			updatedAt: "2018-10-21T21:25:32Z", subjectsHas: "medtop:20000523", keyword: "US-Finance-Fed",
		}}},
		{file: "LISTING_2_NewsML-G2_Text_Document.xml", items: []item{{
			guid: "urn:newsml:acmenews.com:20161121:US-FINANCE-FED", version: 11,
			headline: `Fed to halt QE to avert "bubble"`, paragraphs: 2,
			bodyPrefix: "(New York, NY - October 21) Et, sent luptat luptat, commy Nim zzriureet",
			bodySuffix: "esto cons dolutpat, si.",
			byline:     "By Meredith Jameson, Staff Reporter", language: "en-US", source: "acmenews.com",
			subjectsHas: "central bank",
		}}},
		{file: "LISTING_22_Sports_story_in_NewsML-G2NITF.xml", items: []item{{
			guid: "tag:xmlteam.com,2016:xt.5932656-preview", version: 11,
			headline:   "Preview: Arizona Diamondbacks (29-23) at Philadelphia Phillies (26-24), 7:05 p.m.",
			paragraphs: 6, bodyPrefix: "(Sports Network) - A pair of teams coming off big weekend sweeps will square off tonight",
			bodySuffix: "Garcia has gone 0-2 over his last six starts.",
			byline:     "Sports Network", language: "en-US", source: "www.xmlteam.com", keyword: "AAV!PREVIEW-ARI-PHI",
		}}},
		{file: "LISTING_3_Photo_in_NewsML-G2.xml", items: []item{{skipped: true, errHas: "picture"}}},
		{file: "LISTING_6_Simple_NewsML-G2_Package.xml", items: []item{{skipped: true, errHas: "packageItem"}}},
		{file: "LISTING_24_News_Message_conveying_a_complete_News_Package.xml", items: []item{
			{skipped: true, errHas: "packageItem"},
			{errHas: "guid=N1: line 27: newsItem has no contentMeta/headline"},
			{errHas: "guid=N2"}, {errHas: "guid=N3"}, {errHas: "guid=N4"},
		}},
		{file: "LISTING_29_Hop_History.xml", items: []item{{errHas: "no contentMeta/headline and no text content"}}},
		{file: "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml", inputErr: "root element <contentSet> (line 1) is not a NewsML-G2 item"},
		{file: "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml", inputErr: "root element <contentMeta>"},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			res, err := ParseItems(data, Options{Now: testNow})
			if c.inputErr != "" {
				var pe *ParseError
				if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), c.inputErr) {
					t.Fatalf("error %v, want a ParseError containing %q", err, c.inputErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != len(c.items) {
				t.Fatalf("%d results, want %d", len(res), len(c.items))
			}
			for i, want := range c.items {
				r := res[i]
				if want.errHas != "" || want.skipped {
					if r.Err == nil || !strings.Contains(r.Err.Error(), want.errHas) || r.Skipped() != want.skipped {
						t.Errorf("item %d: error %v (skipped %v), want %q (skipped %v)", i, r.Err, r.Skipped(), want.errHas, want.skipped)
					}
					continue
				}
				if r.Err != nil {
					t.Fatalf("item %d: %v", i, r.Err)
				}
				a := r.Article
				checkValid(t, a, testNow)
				if a.SourceGUID != want.guid || a.Version != want.version || a.Headline != want.headline {
					t.Errorf("guid %q version %d headline %q", a.SourceGUID, a.Version, a.Headline)
				}
				if a.ID != article.ID(a.Source, want.guid) {
					t.Errorf("id %s is not ID(source, guid)", a.ID)
				}
				if n := paragraphs(a.Body); n != want.paragraphs {
					t.Errorf("%d paragraphs, want %d: %q", n, want.paragraphs, a.Body)
				}
				if !strings.HasPrefix(a.Body, want.bodyPrefix) || !strings.HasSuffix(a.Body, want.bodySuffix) {
					t.Errorf("body %q", a.Body)
				}
				if a.Byline != want.byline || a.Language != want.language || a.Source != want.source {
					t.Errorf("byline %q language %q source %q", a.Byline, a.Language, a.Source)
				}
				if want.updatedAt != "" && a.UpdatedAt.Format(time.RFC3339) != want.updatedAt {
					t.Errorf("updated_at %v", a.UpdatedAt)
				}
				if want.subjectsHas != "" && !contains(a.Subjects, want.subjectsHas) {
					t.Errorf("subjects %q lack %q", a.Subjects, want.subjectsHas)
				}
				if want.keyword != "" && !contains(a.Keywords, want.keyword) {
					t.Errorf("keywords %q lack %q", a.Keywords, want.keyword)
				}
			}
		})
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("fixture %s has no test case", filepath.Base(f))
		}
	}
}

// TestNinjsFixtures parses every IPTC ninjs example.
func TestNinjsFixtures(t *testing.T) {
	dir := testenv.SharedDir(t, "fixtures", "wire", "ninjs")
	cases := []struct {
		file       string
		skipped    bool
		guid       string
		version    int64
		headline   string
		bodyPrefix string
		bodySuffix string
		paragraphs int
		byline     string
		source     string
		urgency    int
		language   string
	}{
		{file: "1.4_ninjsExSimpleText1.json", guid: "http://ninjs.example.com/newsitems/20130709simp123",
			version: time.Date(2013, 7, 9, 10, 37, 0, 0, time.UTC).UnixMilli(), headline: "Captain of wrecked cruise ship on trial in Italy",
			bodyPrefix: "GROSSETO, Italy (AP) -- The trial of the captain", bodySuffix: "Schettino has denied wrongdoing.", paragraphs: 4,
			byline: "Paulo Santalucia and Frances d'Emilio", source: "unknown"},
		{file: "3.0_ninjsExSimpleText_3.json", guid: "http://ninjs.example.com/newsitems/20130709simp123",
			version: time.Date(2013, 7, 9, 10, 37, 0, 0, time.UTC).UnixMilli(), headline: "Captain of wrecked cruise ship on trial in Italy",
			bodyPrefix: "GROSSETO, Italy (AP) -- The trial of the captain", bodySuffix: "Schettino has denied wrongdoing.", paragraphs: 4,
			byline: "Paulo Santalucia and Frances d'Emilio", source: "unknown"},
		{file: "2.1_dpa_text.json", guid: "urn:newsml:dpa.com:20090101:190510-99-167362", version: 2,
			headline: "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?", bodyPrefix: "Für Lucien Favre war es «der größte Skandal im Fußball seit Jahren».",
			bodySuffix: "Auch künftig dürfte es daher zu Diskussionen um die richtige Auslegung der Bestimmungen kommen.", paragraphs: 9,
			byline: "Von Christian Hollmann, dpa", source: "dpa", urgency: 4, language: "de"},
		{file: "3.0_dpa_text.json", guid: "urn:newsml:dpa.com:20090101:190510-99-167362", version: 2,
			headline: "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?", bodyPrefix: "Für Lucien Favre war es «der größte Skandal",
			bodySuffix: "richtige Auslegung der Bestimmungen kommen.", paragraphs: 9,
			byline: "Von Christian Hollmann, dpa", source: "dpa", urgency: 4, language: "de"},
		{file: "3.0_ntb_text.json", guid: "urn:8d19cf88-b3ab-4972-8fec-1207599f2872", version: 6,
			headline: "Google har kjøpt giganttomt i Skien", bodyPrefix: "IT-giganten Google har kjøpt en tomt på nærmere 2.000 mål i Skien",
			bodySuffix: "datasentre i Europa.", paragraphs: 1, byline: "NTB", source: "NTB", urgency: 5, language: "nb-NO"},
		{file: "3.0_20231008-anti-doping-measures-at-the-tour-down-under-will-be-the-toughest-ever-addb-ninjs-nitf.json",
			guid: "https://antidopingdatabase.com/news/anti-doping-measures-at-the-tour-down-under-will-be-the-toughest-ever", version: 2,
			headline:   "Anti-doping measures at the 'Tour Down Under' will be the toughest ever",
			bodyPrefix: "The Australian Sports Anti-Doping Authority (ASADA) today announced", bodySuffix: "Email: media@asada.gov.au",
			paragraphs: 18, byline: "Trond Husø, The Anti-Doping Database", source: "unknown", urgency: 4, language: "en"},
		{file: "3.0_ap_image.json", skipped: true},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if f, err := Detect(data, c.file, ""); err != nil || f != article.FormatNinjs {
				t.Fatalf("Detect = %q, %v", f, err)
			}
			res, err := ParseItems(data, Options{Now: testNow})
			if err != nil || len(res) != 1 {
				t.Fatalf("ParseItems: %d results, %v", len(res), err)
			}
			if c.skipped {
				if !res[0].Skipped() {
					t.Fatalf("want skipped, got %v", res[0].Err)
				}
				return
			}
			if res[0].Err != nil {
				t.Fatal(res[0].Err)
			}
			a := res[0].Article
			checkValid(t, a, testNow)
			if a.SourceGUID != c.guid || a.Version != c.version || a.Headline != c.headline {
				t.Errorf("guid %q version %d headline %q", a.SourceGUID, a.Version, a.Headline)
			}
			if !strings.HasPrefix(a.Body, c.bodyPrefix) || !strings.HasSuffix(a.Body, c.bodySuffix) {
				t.Errorf("body %q", a.Body)
			}
			if n := paragraphs(a.Body); n != c.paragraphs {
				t.Errorf("%d paragraphs, want %d", n, c.paragraphs)
			}
			if a.Byline != c.byline || a.Source != c.source || a.Urgency != c.urgency || a.Language != c.language {
				t.Errorf("byline %q source %q urgency %d language %q", a.Byline, a.Source, a.Urgency, a.Language)
			}
		})
	}
}

// paragraphs counts the paragraphs of a body.
func paragraphs(body string) int {
	if body == "" {
		return 0
	}
	return strings.Count(body, "\n\n") + 1
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
