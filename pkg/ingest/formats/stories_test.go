package formats

import (
	"strings"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
)

// TestStories parses the project's sample stories, one case per file and
// item, checking the fields each format maps.
func TestStories(t *testing.T) {
	cases := []struct {
		file, name string
		index      int // result index for multi-item inputs
		format     article.Format
		check      func(t *testing.T, a *article.Article)
	}{
		{file: "moscow-talks.newsml.xml", format: article.FormatNewsMLG2, check: func(t *testing.T, a *article.Article) {
			want(t, "headline", a.Headline, "Marsh arrives in Moscow for two days of talks on ceasefire")
			want(t, "byline", a.Byline, "By Anna Petrenko and Tom Ellery")
			want(t, "dateline", a.Dateline, "MOSCOW, Nov 26 (NNA)")
			want(t, "source", a.Source, "NNA")
			wantInt(t, "version", a.Version, 1)
			wantInt(t, "urgency", int64(a.Urgency), 3)
			wantInt(t, "paragraphs", int64(paragraphs(a.Body)), 6)
			has(t, a.Body, "“We are not coming with illusions,” Marsh said before leaving Washington.")
			has(t, a.Body, "still shelling the ports.\n\n“We will raise this")
			hasNot(t, a.Body, "trackView")
			hasNot(t, a.Body, "Marsh arrives in Moscow\n") // <head><title> dropped
			if !contains(a.Subjects, "medtop:20000638") || !contains(a.Subjects, "diplomacy") || !contains(a.Keywords, "RUSSIA-US-TALKS") {
				t.Errorf("subjects %q keywords %q", a.Subjects, a.Keywords)
			}
			if !a.PublishedAt.Equal(time.Date(2026, 11, 26, 14, 5, 0, 0, time.UTC)) {
				t.Errorf("published_at %v", a.PublishedAt)
			}
		}},
		{file: "newsmessage.newsml.xml", index: 1, name: "nitf-in-g2", format: article.FormatNewsMLG2, check: func(t *testing.T, a *article.Article) {
			want(t, "headline", a.Headline, "Wheat futures fall as Black Sea shipments resume")
			want(t, "body", a.Body, "CHICAGO, Nov 26 (NNA) - Wheat futures fell 2.1 percent on Thursday after the first convoy of grain ships in three weeks left Odesa.\n\n“The market had priced in a much longer closure,” said Owen Tate, an analyst at Harrow Commodities in London.")
		}},
		{file: "newsmessage.newsml.xml", index: 2, name: "inlineData withheld", format: article.FormatNewsMLG2, check: func(t *testing.T, a *article.Article) {
			want(t, "status", string(a.Status), "withheld")
			want(t, "language", a.Language, "de")
			wantInt(t, "version", a.Version, 4)
			want(t, "body", a.Body, "Berlin (NNA) - Die Lokführergewerkschaft hat für Freitag neue Warnstreiks angekündigt.\n\n„Wir sehen keine andere Möglichkeit“, sagte ein Sprecher.")
		}},
		{file: "harbour-strike.nitf.xml", format: article.FormatNITF, check: func(t *testing.T, a *article.Article) {
			want(t, "guid", a.SourceGUID, "NNA-20261124-HARBOUR-STRIKE")
			want(t, "headline", a.Headline, "Dockworkers in Rotterdam extend strike into second week")
			want(t, "subheadline", a.Subheadline, "Union says talks with terminal operators & port authority have stalled")
			want(t, "byline", a.Byline, "By Maarten de Wit")
			want(t, "dateline", a.Dateline, "ROTTERDAM, Nov 24")
			wantInt(t, "version", a.Version, 2)
			wantInt(t, "urgency", int64(a.Urgency), 4)
			wantInt(t, "paragraphs", int64(paragraphs(a.Body)), 4)
			has(t, a.Body, "calling the stoppage “a risk to the whole supply chain”.")
			hasNot(t, a.Body, "Cranes stand idle")
			hasNot(t, a.Body, "Reporting by")
			if !a.PublishedAt.Equal(time.Date(2026, 11, 24, 9, 15, 0, 0, time.UTC)) {
				t.Errorf("published_at %v", a.PublishedAt)
			}
			if !contains(a.Keywords, "strike") || !contains(a.Subjects, "subj:04015000") {
				t.Errorf("keywords %q subjects %q", a.Keywords, a.Subjects)
			}
		}},
		{file: "grain-deal.ninjs.json", format: article.FormatNinjs, check: func(t *testing.T, a *article.Article) {
			want(t, "headline", a.Headline, "Turkey brokers extension of Black Sea grain deal")
			want(t, "subheadline", a.Subheadline, "The agreement keeps three Ukrainian ports open for another 120 days.")
			want(t, "dateline", a.Dateline, "Istanbul, Turkey")
			wantInt(t, "version", a.Version, 3)
			wantInt(t, "paragraphs", int64(paragraphs(a.Body)), 3)
			has(t, a.Body, "Ukraine’s agriculture ministry") // &#8217; decoded
			hasNot(t, a.Body, "color:red")
			if !contains(a.Keywords, "GRAIN-DEAL") || !contains(a.Subjects, "diplomacy") {
				t.Errorf("keywords %q subjects %q", a.Keywords, a.Subjects)
			}
		}},
		{file: "flood-warning.ninjs1.json", format: article.FormatNinjs, check: func(t *testing.T, a *article.Article) {
			want(t, "headline", a.Headline, "Flood warnings issued for River Severn as storm Bert approaches")
			want(t, "byline", a.Byline, "Northwind staff")
			wantInt(t, "urgency", int64(a.Urgency), 2)
			wantInt(t, "paragraphs", int64(paragraphs(a.Body)), 2)
			if !contains(a.Subjects, "medtop:17000000") {
				t.Errorf("subjects %q", a.Subjects)
			}
		}},
		{file: "world-news.rss.xml", format: article.FormatRSS, check: func(t *testing.T, a *article.Article) {
			want(t, "headline", a.Headline, "Lisbon opens Europe’s largest floating solar farm")
			want(t, "guid", a.SourceGUID, "nna-20261125-lisbon-solar")
			want(t, "source", a.Source, "northwind.example")
			want(t, "byline", a.Byline, "Rui Matos")
			want(t, "subheadline", a.Subheadline, "The farm on the Alqueva reservoir will power 30,000 homes.")
			want(t, "body", a.Body, "LISBON (NNA) - Portugal opened Europe's largest floating solar farm on Wednesday, covering 70 hectares of the Alqueva reservoir.\n\n“Water and sun are the two things we have plenty of,” Energy Minister Sofia Lobo said at the opening.\n\nThe project cost €95 million & took two years to build.")
			wantInt(t, "version", a.Version, time.Date(2026, 11, 25, 11, 20, 0, 0, time.UTC).UnixMilli())
		}},
		{file: "world-news.rss.xml", index: 1, name: "no guid", format: article.FormatRSS, check: func(t *testing.T, a *article.Article) {
			want(t, "headline", a.Headline, "Chile's copper output rises 4% in October")
			want(t, "guid", a.SourceGUID, "https://northwind.example/world/2026/11/24/chile-copper")
			wantInt(t, "paragraphs", int64(paragraphs(a.Body)), 2)
		}},
		{file: "science.atom.xml", format: article.FormatAtom, check: func(t *testing.T, a *article.Article) {
			want(t, "headline", a.Headline, "Probe finds water ice near lunar south pole")
			want(t, "url", a.URL, "https://northwind.example/science/lunar-ice")
			want(t, "byline", a.Byline, "Priya Raman")
			wantInt(t, "paragraphs", int64(paragraphs(a.Body)), 2)
			wantInt(t, "version", a.Version, time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC).UnixMilli())
		}},
		{file: "science.atom.xml", index: 1, name: "html content", format: article.FormatAtom, check: func(t *testing.T, a *article.Article) {
			want(t, "byline", a.Byline, "Northwind Science Desk")
			want(t, "body", a.Body, "ZURICH (NNA) - Alpine glaciers are losing ice twice as fast as in 2000, researchers at ETH Zurich reported.\n\nThe study used satellite data from 1,800 glaciers.")
		}},
		{file: "moscow-talks.anpa", format: article.FormatANPA, check: func(t *testing.T, a *article.Article) {
			want(t, "headline", a.Headline, "Marsh, Orlov open talks on Black Sea ceasefire")
			want(t, "byline", a.Byline, "By ANNA PETRENKO, Northwind News Agency Writer")
			want(t, "dateline", a.Dateline, "MOSCOW (NNA)")
			want(t, "guid", a.SourceGUID, "BC-Moscow-Talks 11-26")
			want(t, "source", a.Source, "NNA")
			wantInt(t, "version", a.Version, 1)
			wantInt(t, "urgency", int64(a.Urgency), 5)
			wantInt(t, "paragraphs", int64(paragraphs(a.Body)), 3)
			has(t, a.Body, "opened talks in Moscow on Friday, with both sides")
			hasNot(t, a.Body, "(END)")
			hasNot(t, a.Body, "NNA-MOS")
			if !a.PublishedAt.Equal(time.Date(2026, 11, 26, 15, 45, 0, 0, time.UTC)) {
				t.Errorf("published_at %v", a.PublishedAt)
			}
		}},
		{file: "moscow-talks.7901", format: article.FormatIPTC7901, check: func(t *testing.T, a *article.Article) {
			want(t, "headline", a.Headline, "Marsh and Orlov agree to keep talking after Moscow meeting")
			want(t, "dateline", a.Dateline, "Moscow (NNA)")
			want(t, "source", a.Source, "NNA")
			wantInt(t, "urgency", int64(a.Urgency), 3)
			wantInt(t, "version", a.Version, 1)
			wantInt(t, "paragraphs", int64(paragraphs(a.Body)), 2)
			hasNot(t, a.Body, "nna ab xx")
			hasNot(t, a.Body, "NNNN")
			if !contains(a.Keywords, "Russia") || !contains(a.Subjects, "iptc7901-category:pol") {
				t.Errorf("keywords %q subjects %q", a.Keywords, a.Subjects)
			}
			if !a.PublishedAt.Equal(time.Date(2026, 11, 28, 14, 30, 0, 0, time.UTC)) {
				t.Errorf("published_at %v", a.PublishedAt)
			}
		}},
		{file: "articles.ndjson", format: article.FormatJSON, check: func(t *testing.T, a *article.Article) {
			want(t, "id", a.ID, article.ID("wirestream-demo", "demo-0001"))
			want(t, "status", string(a.Status), "usable")
			wantInt(t, "version", a.Version, 1)
		}},
		{file: "articles.ndjson", index: 1, name: "markup and version filled", format: article.FormatJSON, check: func(t *testing.T, a *article.Article) {
			has(t, a.Body, "called the return overdue.")
			wantInt(t, "version", a.Version, time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC).UnixMilli())
			want(t, "format", string(a.Format), "wirestream-json")
		}},
		{file: "articles.ndjson", index: 2, name: "content id", format: article.FormatJSON, check: func(t *testing.T, a *article.Article) {
			want(t, "id", a.ID, article.ContentID("wirestream-demo", "Plain article without a guid", "Its id is derived from its content."))
		}},
		{file: "kiosk-notice.txt", format: article.FormatText, check: func(t *testing.T, a *article.Article) {
			want(t, "headline", a.Headline, "Ferry services to the islands suspended for a third day")
			want(t, "source", a.Source, "unknown")
			wantInt(t, "paragraphs", int64(paragraphs(a.Body)), 2)
			wantInt(t, "version", a.Version, testNow.UnixMilli())
		}},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.name, func(t *testing.T) {
			data := story(t, c.file)
			if f, err := Detect(data, c.file, ""); err != nil || f != c.format {
				t.Fatalf("Detect = %q, %v; want %q", f, err, c.format)
			}
			res, err := ParseItems(data, Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if c.index >= len(res) {
				t.Fatalf("only %d results", len(res))
			}
			r := res[c.index]
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			checkValid(t, r.Article, testNow)
			if r.Article.Format != c.format {
				t.Errorf("format %q", r.Article.Format)
			}
			c.check(t, r.Article)
		})
	}
}

// TestNewsMessageSkips checks that a newsMessage reports its package and
// picture as skipped and still yields its text items.
func TestNewsMessageSkips(t *testing.T) {
	res, err := ParseItems(story(t, "newsmessage.newsml.xml"), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	var skipped, ok int
	for _, r := range res {
		switch {
		case r.Skipped():
			skipped++
		case r.Err == nil:
			ok++
		default:
			t.Errorf("item %d: %v", r.Index, r.Err)
		}
	}
	if skipped != 2 || ok != 2 {
		t.Errorf("skipped %d, parsed %d; want 2 and 2", skipped, ok)
	}
	arts, err := Parse(story(t, "newsmessage.newsml.xml"), Options{Now: testNow})
	if err != nil || len(arts) != 2 {
		t.Errorf("Parse: %d articles, %v", len(arts), err)
	}
}

func want(t *testing.T, field, got, wantValue string) {
	t.Helper()
	if got != wantValue {
		t.Errorf("%s = %q, want %q", field, got, wantValue)
	}
}

func wantInt(t *testing.T, field string, got, wantValue int64) {
	t.Helper()
	if got != wantValue {
		t.Errorf("%s = %d, want %d", field, got, wantValue)
	}
}

func has(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}

func hasNot(t *testing.T, s, sub string) {
	t.Helper()
	if strings.Contains(s, sub) {
		t.Errorf("%q contains %q", s, sub)
	}
}
