package quotes

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/entities"
	"github.com/wirestream/wirestream/pkg/ner"
	"github.com/wirestream/wirestream/pkg/testenv"
	"github.com/wirestream/wirestream/pkg/text"
)

// person describes a hand-made entity: its canonical name, type, role and
// the surface forms to find in the body (longest first).
type person struct {
	name, typ, role string
	forms           []string
}

// entitiesFor builds entities with every mention of their forms in body
// (rune offsets), standing in for pkg/entities in these tests.
func entitiesFor(body string, people []person) []article.Entity {
	var ents []article.Entity
	taken := map[int]bool{}
	for _, p := range people {
		e := article.Entity{Name: p.name, Type: p.typ, Role: p.role}
		for _, f := range p.forms {
			for off := 0; ; {
				i := strings.Index(body[off:], f)
				if i < 0 {
					break
				}
				b := off + i
				off = b + len(f)
				if taken[b] || taken[b+len(f)-1] {
					continue
				}
				for k := b; k < b+len(f); k++ {
					taken[k] = true
				}
				s := utf8.RuneCountInString(body[:b])
				e.Mentions = append(e.Mentions, article.Mention{Text: f, Start: s, End: s + utf8.RuneCountInString(f)})
			}
		}
		e.Count = len(e.Mentions)
		ents = append(ents, e)
	}
	return ents
}

// kerryPeople are the six people of the kerry-moscow fixture.
var kerryPeople = []person{
	{"John Kerry", article.TypePerson, "US Secretary of State", []string{"John Kerry", "Kerry"}},
	{"Sergey Lavrov", article.TypePerson, "Russian Foreign Minister", []string{"Sergey Lavrov", "Lavrov"}},
	{"Vladimir Putin", article.TypePerson, "Russian President", []string{"Vladimir Putin", "Putin"}},
	{"Dmitry Peskov", article.TypePerson, "spokesman for the Kremlin", []string{"Dmitry Peskov", "Peskov"}},
	{"John Kirby", article.TypePerson, "Spokesperson for the United States Department of State", []string{"John Kirby"}},
	{"Staffan de Mistura", article.TypePerson, "UN envoy", []string{"Staffan de Mistura", "de Mistura", "De Mistura"}},
}

// pipelineEntities runs the project's tagger and entity grouping on body,
// as the enrich service does.
func pipelineEntities(body string) ([]text.Token, []article.Entity) {
	toks := text.Tokenize(body)
	sents := text.Sentences(body, toks)
	tagged := ner.Default().TagDocument(body, toks, sents)
	spans := make([]entities.Span, 0, len(tagged))
	for _, s := range tagged {
		spans = append(spans, entities.Span{Type: s.Type, From: s.From, To: s.To})
	}
	return toks, entities.Resolve(body, toks, sents, spans)
}

// TestKerryMoscow checks the seven speech quotes of the fixture twice: with
// entities written by hand, and with the entities pkg/ner and pkg/entities
// find.
func TestKerryMoscow(t *testing.T) {
	data, err := os.ReadFile(testenv.SharedDir(t, "fixtures", "wire", "kerry-moscow.txt"))
	if err != nil {
		t.Fatal(err)
	}
	body := string(data)
	t.Run("hand-made entities", func(t *testing.T) {
		checkKerry(t, body, Extract(body, entitiesFor(body, kerryPeople)))
	})
	t.Run("tagger and entities", func(t *testing.T) {
		toks, ents := pipelineEntities(body)
		checkKerry(t, body, ExtractTokens(body, toks, ents))
	})
}

// checkKerry asserts the expected quotes of the kerry-moscow fixture.
func checkKerry(t *testing.T, body string, qs []article.Quote) {
	t.Helper()
	want := []struct {
		start   string // first words of the quote
		speaker string
		cue     string
	}{
		{"preparations are underway", "Dmitry Peskov", "said"},
		{"The problem with implementing", "Sergey Lavrov", "added"},
		{"discuss this matter", "Sergey Lavrov", "added"},
		{"make a complaint", "Sergey Lavrov", "added"},
		{"the key to the solution", "Staffan de Mistura", "said"},
		{"conditions are not yet suitable", "Staffan de Mistura", "stated"},
		{"a date to resume", "Staffan de Mistura", "stated"},
	}
	var speech []article.Quote
	for _, q := range qs {
		switch q.Type {
		case article.QuoteDirect, article.QuotePartial:
			speech = append(speech, q)
		case article.QuoteNonSpeech:
			if q.Speaker != nil {
				t.Errorf("non-speech quote %q has speaker %v", q.Text, q.Speaker)
			}
		}
		if strings.Contains(q.Text, "terrorist groups") && len(q.Text) < 20 && q.Type != article.QuoteNonSpeech {
			t.Errorf("“terrorist groups” typed %s", q.Type)
		}
	}
	if len(speech) != len(want) {
		for _, q := range speech {
			t.Logf("%s %q", q.Type, q.Text)
		}
		t.Fatalf("%d speech quotes, want %d", len(speech), len(want))
	}
	runes := []rune(body)
	for i, w := range want {
		q := speech[i]
		if !strings.HasPrefix(q.Text, w.start) {
			t.Errorf("quote %d = %q, want it to start %q", i, q.Text, w.start)
		}
		if q.Speaker == nil || q.Speaker.Name != w.speaker || q.Speaker.Type != article.TypePerson {
			t.Errorf("quote %d %q: speaker %v, want %s", i, w.start, q.Speaker, w.speaker)
		}
		if q.Cue == nil || q.Cue.Text != w.cue || string(runes[q.Cue.Start:q.Cue.End]) != w.cue {
			t.Errorf("quote %d %q: cue %v, want %s", i, w.start, q.Cue, w.cue)
		}
		for _, s := range q.Spans {
			if s.Start < 1 || !isDouble(runes[s.Start-1]) || s.End >= len(runes) || !isDouble(runes[s.End]) {
				t.Errorf("quote %d span %v is not bounded by quote marks", i, s)
			}
		}
	}
}
