package enrich

import (
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/testenv"
	"github.com/wirestream/wirestream/pkg/text"
)

// kerryBody reads the kerry-moscow fixture.
func kerryBody(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(testenv.SharedDir(t, "fixtures", "wire", "kerry-moscow.txt"))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return string(b)
}

// owner returns the entity with a mention covering rune offset pos, or nil.
func owner(ents []article.Entity, pos int) *article.Entity {
	for i := range ents {
		for _, m := range ents[i].Mentions {
			if m.Start <= pos && pos < m.End {
				return &ents[i]
			}
		}
	}
	return nil
}

// runeIndexes returns the rune offsets of every occurrence of sub in s.
func runeIndexes(s, sub string) []int {
	var out []int
	for off := 0; ; {
		i := strings.Index(s[off:], sub)
		if i < 0 {
			return out
		}
		out = append(out, len([]rune(s[:off+i])))
		off += i + len(sub)
	}
}

func TestKerryMoscow(t *testing.T) {
	body := kerryBody(t)
	a := &article.Article{ID: "kerry-moscow", Body: body}
	New().Enrich(a)
	if a.Body != body {
		t.Fatal("body changed")
	}
	people := []struct {
		name, role string
		surface    []string // every occurrence of these strings must be a mention of the person
	}{
		{"John Kerry", "US Secretary of State", []string{"Kerry"}},
		{"Sergey Lavrov", "Russian Foreign Minister", []string{"Lavrov"}},
		{"Vladimir Putin", "Russian President", []string{"Putin"}},
		{"Dmitry Peskov", "spokesman for the Kremlin", []string{"Peskov"}},
		{"John Kirby", "Spokesperson for the United States Department of State", []string{"Kirby"}},
		{"Staffan de Mistura", "UN envoy", []string{"Mistura"}},
	}
	var wantPER []string
	for _, p := range people {
		wantPER = append(wantPER, p.name)
		var e *article.Entity
		for i := range a.Entities {
			if a.Entities[i].Name == p.name {
				e = &a.Entities[i]
			}
		}
		if e == nil {
			t.Errorf("person %q not found", p.name)
			continue
		}
		if e.Type != article.TypePerson || e.Role != p.role {
			t.Errorf("%s: type %s role %q, want PER %q", p.name, e.Type, e.Role, p.role)
		}
		for _, s := range p.surface {
			for _, pos := range runeIndexes(body, s) {
				if o := owner(a.Entities, pos); o == nil || o.Name != p.name {
					t.Errorf("%q at %d: belongs to %v, want %s", s, pos, o, p.name)
				}
			}
		}
	}
	// "Mr Kerry" and the later bare "the US Secretary of State" are Kerry.
	for _, s := range []string{"Mr Kerry", "with the US Secretary of State"} {
		pos := runeIndexes(body, s)[0] + len([]rune(s)) - 1
		if o := owner(a.Entities, pos); o == nil || o.Name != "John Kerry" {
			t.Errorf("%q: belongs to %v, want John Kerry", s, o)
		}
	}
	var gotPER []string
	for _, e := range a.Entities {
		if e.Type == article.TypePerson {
			gotPER = append(gotPER, e.Name)
		}
	}
	sort.Strings(gotPER)
	sort.Strings(wantPER)
	if !slices.Equal(gotPER, wantPER) {
		t.Errorf("people %q, want exactly %q", gotPER, wantPER)
	}
	// The tagger's call decides whether the Kremlin is a place or an
	// institution; either is accepted.
	for _, w := range []struct{ name, typ string }{
		{"Russian Foreign Ministry", "ORG"}, {"Kremlin", "ORG|LOC"}, {"United States Department of State", "ORG"},
		{"Al-Nusra Front", "ORG"}, {"UN", "ORG"},
		{"Moscow", "LOC"}, {"Russia", "LOC"}, {"Syria", "LOC"}, {"Baku", "LOC"}, {"United States", "LOC"},
	} {
		found := false
		for _, e := range a.Entities {
			found = found || e.Name == w.name && slices.Contains(strings.Split(w.typ, "|"), e.Type)
		}
		if !found {
			t.Errorf("%s %q not found", w.typ, w.name)
		}
	}
	// The quote extractor sees the resolved people.
	speakers := map[string]bool{}
	for _, q := range a.Quotes {
		if q.Speaker != nil {
			speakers[q.Speaker.Name] = true
		}
	}
	for _, s := range []string{"Sergey Lavrov", "Staffan de Mistura"} {
		if !speakers[s] {
			t.Errorf("no quote attributed to %s (speakers %v)", s, speakers)
		}
	}
}

// fakeTagger tags every capitalised token of names as one PER span per run.
type fakeTagger struct{ names map[string]bool }

func (f fakeTagger) Version() string { return "fake-1" }

func (f fakeTagger) TagDocument(body string, toks []text.Token, sents []text.Sentence) []nerSpan {
	var out []nerSpan
	for i := 0; i < len(toks); i++ {
		j := i
		for j < len(toks) && f.names[toks[j].Text] {
			j++
		}
		if j > i {
			out = append(out, nerSpan{Type: "PER", From: i, To: j, Start: toks[i].Start, End: toks[j-1].End})
			i = j - 1
		}
	}
	return out
}

func TestEnrichStamp(t *testing.T) {
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	e := New(WithTagger(fakeTagger{names: map[string]bool{"Ann": true, "Lee": true}}), WithClock(func() time.Time { return at }))
	body := "Ann Lee said: “We will win.” Lee left.\n\nMore later."
	a := &article.Article{ID: "x", Headline: "h", Body: body, Source: "s"}
	e.Enrich(a)
	if a.Body != body || a.Headline != "h" || a.Source != "s" {
		t.Error("fields other than the enrichment changed")
	}
	if a.Enrichment == nil || a.Enrichment.Model != Model || a.Enrichment.Version != "fake-1+"+QuotesVersion ||
		!a.Enrichment.EnrichedAt.Equal(at) || a.Enrichment.EnrichedAt.Location() != time.UTC {
		t.Errorf("bad enrichment stamp %+v", a.Enrichment)
	}
	if e.Version() != a.Enrichment.Version {
		t.Errorf("Version() %q differs from stamp %q", e.Version(), a.Enrichment.Version)
	}
	if len(a.Entities) != 1 || a.Entities[0].Name != "Ann Lee" || a.Entities[0].Count != 2 {
		t.Errorf("entities %+v", a.Entities)
	}
	if len(a.Quotes) != 1 || a.Quotes[0].Speaker == nil || a.Quotes[0].Speaker.Name != "Ann Lee" {
		t.Errorf("quotes %+v", a.Quotes)
	}
	// Re-enriching replaces, and a nil quote function turns quotes off.
	New(WithTagger(fakeTagger{}), WithQuotes(nil, "noquotes")).Enrich(a)
	if a.Entities != nil || a.Quotes != nil || !strings.HasSuffix(a.Enrichment.Version, "+noquotes") {
		t.Errorf("re-enrichment kept old results: %+v %+v %+v", a.Entities, a.Quotes, a.Enrichment)
	}
}

func BenchmarkEnrich(b *testing.B) {
	body := kerryBody(b)
	e := New()
	n := len(text.Tokenize(body))
	b.ReportAllocs()
	for b.Loop() {
		e.Enrich(&article.Article{ID: "x", Body: body})
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkEntitiesQuotes measures the stages after the tagger: entity
// grouping and quote extraction together.
func BenchmarkEntitiesQuotes(b *testing.B) {
	body := kerryBody(b)
	e := New()
	toks := text.Tokenize(body)
	sents := text.Sentences(body, toks)
	spans := e.tagger.TagDocument(body, toks, sents)
	b.ReportAllocs()
	for b.Loop() {
		e.analyse(body, toks, sents, spans)
	}
	b.ReportMetric(float64(len(toks))*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}
