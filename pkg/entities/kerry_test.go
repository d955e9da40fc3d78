package entities

import (
	"os"
	"strings"
	"testing"

	"github.com/wirestream/wirestream/pkg/testenv"
	"github.com/wirestream/wirestream/pkg/text"
)

// kerrySpans is a tagging of kerry-moscow with the errors a real tagger
// makes: the Kremlin and Peskov's name in one ORG span, "Russian" and
// "Foreign Ministry" apart, "Mr Kerry" and one "Lavrov" missed.
var kerrySpans = []struct{ typ, text string }{
	{"LOC", "US"}, {"PER", "John Kerry"}, {"MISC", "Russian"}, {"LOC", "Moscow"}, {"MISC", "Russian"},
	{"PER", "Sergey Lavrov"}, {"MISC", "Syrian"}, {"MISC", "Russian"}, {"ORG", "Foreign Ministry"},
	{"PER", "Kerry"}, {"MISC", "Russian"}, {"PER", "Vladimir Putin"}, {"ORG", "Kremlin Dmitry Peskov"},
	{"PER", "Putin"}, {"PER", "Peskov"}, {"ORG", "United States Department of State"},
	{"PER", "John Kirby"}, {"PER", "Kerry"}, {"LOC", "Russia"}, {"LOC", "Syria"}, {"MISC", "Russian"},
	{"MISC", "Russian"}, {"PER", "Sergey Lavrov"}, {"LOC", "US"}, {"MISC", "Azerbaijani"},
	{"MISC", "Azerbaijani"}, {"LOC", "Baku"}, {"PER", "Lavrov"}, {"ORG", "Al-Nusra Front"},
	{"ORG", "Al-Nusra Front"}, {"PER", "John Kerry"}, {"LOC", "Moscow"}, {"LOC", "US"},
	{"ORG", "Al-Nusra Front"}, {"LOC", "Baku"}, {"ORG", "UN"}, {"PER", "Staffan de Mistura"},
	{"PER", "de Mistura"}, {"MISC", "Italian"}, {"LOC", "Syria"}, {"LOC", "Russia"},
	{"LOC", "United States"}, {"PER", "De Mistura"},
}

func TestKerryMoscowHandTagged(t *testing.T) {
	b, err := os.ReadFile(testenv.SharedDir(t, "fixtures", "wire", "kerry-moscow.txt"))
	if err != nil {
		t.Fatal(err)
	}
	body := string(b)
	toks := text.Tokenize(body)
	var spans []Span
	k := 0
	for _, s := range kerrySpans {
		words := text.Tokenize(s.text)
		for ; k+len(words) <= len(toks); k++ {
			match := true
			for j, w := range words {
				match = match && toks[k+j].Text == w.Text
			}
			if match {
				spans = append(spans, Span{Type: s.typ, From: k, To: k + len(words)})
				k += len(words)
				break
			}
		}
	}
	if len(spans) != len(kerrySpans) {
		t.Fatalf("placed %d of %d spans", len(spans), len(kerrySpans))
	}
	ents := Resolve(body, toks, text.Sentences(body, toks), spans)
	checkInvariants(t, body, ents)
	people := map[string]struct {
		role  string
		count int
	}{
		"John Kerry":         {"US Secretary of State", 6}, // with "Mr Kerry" and "the US Secretary of State"
		"Sergey Lavrov":      {"Russian Foreign Minister", 5},
		"Vladimir Putin":     {"Russian President", 2},
		"Dmitry Peskov":      {"spokesman for the Kremlin", 2},
		"John Kirby":         {"Spokesperson for the United States Department of State", 1},
		"Staffan de Mistura": {"UN envoy", 3},
	}
	nPER := 0
	for _, e := range ents {
		if e.Type != "PER" {
			continue
		}
		nPER++
		w, ok := people[e.Name]
		if !ok {
			t.Errorf("spurious person %q", e.Name)
			continue
		}
		if e.Role != w.role || e.Count != w.count {
			t.Errorf("%s: role %q count %d, want %q %d", e.Name, e.Role, e.Count, w.role, w.count)
		}
		last := e.Name[strings.LastIndexByte(e.Name, ' ')+1:]
		for _, m := range e.Mentions {
			if !strings.HasSuffix(m.Text, last) && !strings.Contains(w.role, m.Text) {
				t.Errorf("%s: odd mention %q", e.Name, m.Text)
			}
		}
	}
	if nPER != len(people) {
		t.Errorf("%d people, want %d", nPER, len(people))
	}
	for name, typ := range map[string]string{
		"Russian Foreign Ministry": "ORG", "Kremlin": "ORG", "United States Department of State": "ORG",
		"Al-Nusra Front": "ORG", "UN": "ORG", "Moscow": "LOC", "Russia": "LOC", "Syria": "LOC",
		"Baku": "LOC", "United States": "LOC",
	} {
		if e := find(ents, name); e == nil || e.Type != typ {
			t.Errorf("%s %q missing: %+v", typ, name, e)
		}
	}
	if e := find(ents, "United States"); e != nil && e.Count != 4 {
		t.Errorf("United States: %d mentions, want 4 (US x3 and the long form)", e.Count)
	}
}
