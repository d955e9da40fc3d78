package formats

import (
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
)

// TestIdentity checks ids and versions across repeats, corrections and
// cancellations.
func TestIdentity(t *testing.T) {
	later := testNow.Add(time.Hour)
	cases := []struct {
		name          string
		first, second string
		sameVersion   bool
		status        article.Status
	}{
		{"newsml repeat", "moscow-talks.newsml.xml", "moscow-talks.newsml.xml", true, article.StatusUsable},
		{"newsml correction", "moscow-talks.newsml.xml", "moscow-talks-correction.newsml.xml", false, article.StatusUsable},
		{"newsml cancellation", "moscow-talks-correction.newsml.xml", "moscow-talks-cancel.newsml.xml", false, article.StatusCanceled},
		{"anpa repeat", "moscow-talks.anpa", "moscow-talks.anpa", true, article.StatusUsable},
		{"anpa 1stLd-Writethru", "moscow-talks.anpa", "moscow-talks-1stld.anpa", false, article.StatusUsable},
		{"7901 correction", "moscow-talks.7901", "moscow-talks-correction.7901", false, article.StatusUsable},
		{"nitf repeat", "harbour-strike.nitf.xml", "harbour-strike.nitf.xml", true, article.StatusUsable},
		{"ninjs repeat", "grain-deal.ninjs.json", "grain-deal.ninjs.json", true, article.StatusUsable},
		{"text repeat", "kiosk-notice.txt", "kiosk-notice.txt", false, article.StatusUsable}, // version is the ingest time
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := parseOne(t, story(t, c.first), Options{Now: testNow})
			b := parseOne(t, story(t, c.second), Options{Now: later})
			if a.ID != b.ID {
				t.Fatalf("ids differ: %s %s", a.ID, b.ID)
			}
			switch {
			case c.sameVersion && a.Version != b.Version:
				t.Errorf("versions %d and %d, want equal", a.Version, b.Version)
			case !c.sameVersion && b.Version <= a.Version:
				t.Errorf("second version %d not above %d", b.Version, a.Version)
			}
			if b.Status != c.status {
				t.Errorf("status %q, want %q", b.Status, c.status)
			}
		})
	}
}

// TestSourceOption checks that the caller's source name drives the id.
func TestSourceOption(t *testing.T) {
	data := story(t, "moscow-talks.newsml.xml")
	a := parseOne(t, data, Options{Now: testNow})
	b := parseOne(t, data, Options{Now: testNow, Source: "nna-feed"})
	if b.Source != "nna-feed" || b.ID != article.ID("nna-feed", a.SourceGUID) || a.ID == b.ID {
		t.Errorf("source %q id %s", b.Source, b.ID)
	}
	// Wirestream JSON keeps its own source.
	j := parseOne(t, []byte(`{"source":"own","source_guid":"g1","headline":"H","body":"B"}`), Options{Now: testNow, Source: "other"})
	if j.Source != "own" {
		t.Errorf("json source %q", j.Source)
	}
}

// TestForcedFormat checks Options.Format overrides detection.
func TestForcedFormat(t *testing.T) {
	a := parseOne(t, story(t, "harbour-strike.nitf.xml"), Options{Now: testNow, Format: article.FormatText})
	if a.Format != article.FormatText || a.Headline == "" {
		t.Errorf("format %q headline %q", a.Format, a.Headline)
	}
}

// TestANPAKill checks that an ANPA Kill of a keyword cancels the story and
// supersedes its leads.
func TestANPAKill(t *testing.T) {
	lead := parseOne(t, story(t, "moscow-talks-1stld.anpa"), Options{Now: testNow})
	kill := parseOne(t, []byte("\x16\x16\x01a0431 nna b i BC-Moscow-Talks Kill 11-26 0030\r\n\x02^BC-Moscow-Talks, Kill,0030<\r\n^KILL: Marsh, Orlov open talks on Black Sea ceasefire<\r\n   Editors: The story has been withdrawn.\r\n   (END)\r\nNNA-MOS-11-26-26 1905GMT\r\n\x03\x04"), Options{Now: testNow})
	if kill.ID != lead.ID || kill.Status != article.StatusCanceled || kill.Version <= lead.Version {
		t.Errorf("kill id %s status %q version %d; lead id %s version %d", kill.ID, kill.Status, kill.Version, lead.ID, lead.Version)
	}
}
