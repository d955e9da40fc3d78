package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirestream/wirestream/pkg/testenv"
)

// TestParseIPTCFixtures runs `ingest parse` over the IPTC NewsML-G2 and
// ninjs examples and checks headline, guid, version and body of each news
// item. Fragments and items without text are reported on stderr, not
// printed.
func TestParseIPTCFixtures(t *testing.T) {
	dir := testenv.SharedDir(t, "fixtures", "wire")
	files, _ := filepath.Glob(filepath.Join(dir, "newsml-g2", "*.xml"))
	more, _ := filepath.Glob(filepath.Join(dir, "ninjs", "*.json"))
	files = append(files, more...)
	var out, errb bytes.Buffer
	err := parseCmd(files, &out, &errb)
	if err == nil {
		t.Error("fragments and picture-only items must be reported as failures")
	}
	type item struct {
		GUID     string `json:"source_guid"`
		Version  int64  `json:"version"`
		Headline string `json:"headline"`
		Body     string `json:"body"`
		Format   string `json:"format"`
	}
	got := map[string]item{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var it item
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			t.Fatalf("bad NDJSON line %q: %v", line, err)
		}
		got[it.GUID] = it
	}
	cases := []struct {
		guid, headline, bodyPrefix string
		version                    int64
	}{
		{"urn:newsml:acmenews.com:20161018:US-FINANCE-FED", `Fed to halt QE to avert "bubble"`, "", 11},
		{"urn:newsml:acmenews.com:20161121:US-FINANCE-FED", `Fed to halt QE to avert "bubble"`, "(New York, NY - October 21)", 11},
		{"tag:xmlteam.com,2016:xt.5932656-preview", "Preview: Arizona Diamondbacks", "(Sports Network) - A pair of teams", 11},
		{"http://ninjs.example.com/newsitems/20130709simp123", "Captain of wrecked cruise ship on trial in Italy", "GROSSETO, Italy (AP) -- The trial", 1373366220000},
		{"urn:newsml:dpa.com:20090101:190510-99-167362", "Faktencheck Derby-Elfmeter", "Für Lucien Favre war es «der größte Skandal", 2},
		{"urn:8d19cf88-b3ab-4972-8fec-1207599f2872", "Google har kjøpt giganttomt i Skien", "IT-giganten Google har kjøpt", 6},
	}
	for _, c := range cases {
		it, ok := got[c.guid]
		if !ok {
			t.Errorf("no article for guid %s", c.guid)
			continue
		}
		if !strings.HasPrefix(it.Headline, c.headline) || !strings.HasPrefix(it.Body, c.bodyPrefix) || it.Version != c.version {
			t.Errorf("guid %s: got headline %q, version %d, body %.60q", c.guid, it.Headline, it.Version, it.Body)
		}
	}
	if err != nil && !strings.Contains(err.Error(), "LISTING_25") {
		t.Errorf("the NITF fragment must be named in the error: %v", err)
	}
}
