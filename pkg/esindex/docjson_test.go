package esindex

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
)

// stdDoc is the reference encoding: encoding/json without HTML escaping.
func stdDoc(t testing.TB, d *Doc) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n"))
}

func TestAppendDocMatchesEncodingJSON(t *testing.T) {
	full := &article.Article{
		SchemaVersion: 1, ID: "full\"id", Version: 7, Source: "wire <&> \\ \u2028 \x01", SourceGUID: "g", URL: "https://x/?a=1&b=2",
		Headline: "Quote “marks” and \t tabs\n", Subheadline: "s", Byline: "b", Dateline: "MOSCOW", Body: "Body \xff bad utf8 \u2029 end",
		Language: "en", Subjects: []string{"a", "b"}, Keywords: []string{"k"}, Urgency: 3, Status: article.StatusUsable, Format: article.FormatText,
		TraceID: "t", PublishedAt: time.Date(2026, 11, 26, 9, 30, 0, 123456789, time.FixedZone("X", 3*3600+1800)),
		UpdatedAt: time.Date(2026, 11, 26, 9, 31, 0, 0, time.UTC), IngestedAt: time.Date(2026, 11, 26, 9, 32, 0, 0, time.UTC),
		Entities: []article.Entity{{Name: "Ann Lee", Type: "PER", Role: "mayor"}, {Name: "Acme", Type: "ORG"}, {Name: "Oslo", Type: "LOC"}, {Name: "Norwegian", Type: "MISC"}},
		Quotes: []article.Quote{{Text: "We will", Type: "direct", Speaker: &article.Speaker{Name: "Ann Lee", Type: "PER"}, Cue: &article.Mention{Text: "said"}},
			{Text: "x", Type: "nonspeech"}},
		Enrichment: &article.Enrichment{Model: "m", Version: "v", EnrichedAt: time.Date(2026, 11, 26, 9, 33, 0, 0, time.UTC)},
	}
	partial := &article.Article{ID: "p", Version: 1, Body: "b", Entities: []article.Entity{{Name: "Oslo", Type: "LOC"}}}
	bare := &article.Article{ID: "bare", Version: 1}
	now := time.Date(2026, 11, 26, 10, 0, 0, 5, time.UTC)
	for _, a := range []*article.Article{full, partial, bare} {
		d := Document(a, now)
		if got, want := string(appendDoc(nil, d)), stdDoc(t, d); got != want {
			t.Errorf("%s:\ngot  %s\nwant %s", a.ID, got, want)
		}
	}
}

func FuzzAppendDoc(f *testing.F) {
	f.Add("id", "headline", "body “x” \x00 \xff", "Ann Lee", "said", int64(1), 3)
	f.Fuzz(func(t *testing.T, id, headline, body, name, cue string, version int64, urgency int) {
		a := &article.Article{ID: id, Version: version, Headline: headline, Body: body, Urgency: urgency,
			Subjects: []string{headline}, Entities: []article.Entity{{Name: name, Type: "PER", Role: cue}},
			Quotes: []article.Quote{{Text: body, Type: "direct", Speaker: &article.Speaker{Name: name, Type: "PER"}, Cue: &article.Mention{Text: cue}}}}
		d := Document(a, time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC))
		if got, want := string(appendDoc(nil, d)), stdDoc(t, d); got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
