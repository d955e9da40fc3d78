package text

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func texts(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "Kerry will arrive.", []string{"Kerry", "will", "arrive", "."}},
		{"dotted abbreviation", "the U.S. and U.N. said", []string{"the", "U.S.", "and", "U.N.", "said"}},
		{"title", "Mr. Kerry and Mrs Smith", []string{"Mr.", "Kerry", "and", "Mrs", "Smith"}},
		{"initials", "J. R. Smith", []string{"J.", "R.", "Smith"}},
		{"hyphen", "Al-Nusra Front, a two-day visit", []string{"Al-Nusra", "Front", ",", "a", "two-day", "visit"}},
		{"possessive straight", "Lavrov's remarks", []string{"Lavrov", "'s", "remarks"}},
		{"possessive curly", "Lavrov’s remarks", []string{"Lavrov", "’s", "remarks"}},
		{"negation", "don't can't", []string{"do", "n't", "ca", "n't"}},
		{"clitics", "we're I'll", []string{"we", "'re", "I", "'ll"}},
		{"irish name", "O'Brien o'clock", []string{"O'Brien", "o'clock"}},
		{"curly quotes", "“preparations are underway”", []string{"“", "preparations", "are", "underway", "”"}},
		{"straight quotes", `"Yes," he said.`, []string{`"`, "Yes", ",", `"`, "he", "said", "."}},
		{"single quotes", "'terrorist groups'", []string{"'", "terrorist", "groups", "'"}},
		{"numbers", "1,000.50 on 1996-08-22 at 10:30", []string{"1,000.50", "on", "1996-08-22", "at", "10:30"}},
		{"sentence end number", "rose 5. Then", []string{"rose", "5", ".", "Then"}},
		{"ellipsis", "wait... no", []string{"wait", "...", "no"}},
		{"dash", "yes -- no", []string{"yes", "--", "no"}},
		{"final abbreviation", "in the U.S.", []string{"in", "the", "U.S."}},
		{"accents", "José Müller-Lüdenscheidt in Zürich", []string{"José", "Müller-Lüdenscheidt", "in", "Zürich"}},
		{"brackets", "(Reuters) -", []string{"(", "Reuters", ")", "-"}},
		{"empty", "", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := texts(Tokenize(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokenizeRuneOffsets(t *testing.T) {
	body := "“Ça va,” dit Zoë à Lavrov’s aide."
	runes := []rune(body)
	toks := Tokenize(body)
	for _, tok := range toks {
		if got := string(runes[tok.Start:tok.End]); got != tok.Text {
			t.Errorf("token %q has offsets [%d,%d) covering %q", tok.Text, tok.Start, tok.End, got)
		}
	}
	want := []string{"“", "Ça", "va", ",", "”", "dit", "Zoë", "à", "Lavrov", "’s", "aide", "."}
	if got := texts(toks); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if toks[1].Start != 1 || toks[1].End != 3 {
		t.Errorf("Ça at [%d,%d), want [1,3)", toks[1].Start, toks[1].End)
	}
}

func sentTexts(body string) []string {
	toks := Tokenize(body)
	runes := []rune(body)
	var out []string
	for _, s := range Sentences(body, toks) {
		out = append(out, string(runes[s.Start:s.End]))
	}
	return out
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"two", "Kerry arrived. Lavrov met him.", []string{"Kerry arrived.", "Lavrov met him."}},
		{"title", "Mr. Kerry arrived. Dr. Who left.", []string{"Mr. Kerry arrived.", "Dr. Who left."}},
		{"initials", "J. Smith and A. B. Jones met.", []string{"J. Smith and A. B. Jones met."}},
		{"abbreviation mid", "The U.S. Senate voted on Jan. 5 to act.", []string{"The U.S. Senate voted on Jan. 5 to act."}},
		{"abbreviation end", "He lives in the U.S. The rest stayed.", []string{"He lives in the U.S.", "The rest stayed."}},
		{"quote continues", `"We will win," he said. "Never."`, []string{`"We will win," he said.`, `"Never."`}},
		{"quote bang lower", "“Go home!” she shouted. Then left.", []string{"“Go home!” she shouted.", "Then left."}},
		{"closing quote", "He said “no.” Then he left.", []string{"He said “no.”", "Then he left."}},
		{"question", "Why? Because.", []string{"Why?", "Because."}},
		{"paragraph", "Headline without stop\n\nBody starts here.", []string{"Headline without stop", "Body starts here."}},
		{"paragraph blank with spaces", "One\n  \nTwo", []string{"One", "Two"}},
		{"single newline", "A wrapped\nline.", []string{"A wrapped\nline."}},
		{"company", "Acme Inc. said profits rose.", []string{"Acme Inc. said profits rose."}},
		{"accents", "Zoë Müller spoke. José listened.", []string{"Zoë Müller spoke.", "José listened."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sentTexts(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Sentences(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSentencesEmpty(t *testing.T) {
	if s := Sentences("", nil); len(s) != 0 {
		t.Errorf("got %v, want none", s)
	}
}

// checkInvariants verifies the offset and coverage contracts.
func checkInvariants(t *testing.T, body string) {
	t.Helper()
	toks := Tokenize(body)
	runes := []rune(body)
	prev := 0
	for _, tok := range toks {
		if tok.Start < prev || tok.End <= tok.Start || tok.End > len(runes) {
			t.Fatalf("bad offsets [%d,%d) after %d in %q", tok.Start, tok.End, prev, body)
		}
		if utf8.ValidString(body) && string(runes[tok.Start:tok.End]) != tok.Text {
			t.Fatalf("token %q does not match body span %q", tok.Text, string(runes[tok.Start:tok.End]))
		}
		if strings.TrimSpace(tok.Text) == "" {
			t.Fatalf("blank token in %q", body)
		}
		prev = tok.End
	}
	sents := Sentences(body, toks)
	next := 0
	for _, s := range sents {
		if s.From != next || s.To <= s.From || s.To > len(toks) {
			t.Fatalf("sentence [%d,%d) does not continue at %d (%d tokens)", s.From, s.To, next, len(toks))
		}
		if s.Start != toks[s.From].Start || s.End != toks[s.To-1].End {
			t.Fatalf("sentence span [%d,%d) does not match its tokens", s.Start, s.End)
		}
		next = s.To
	}
	if next != len(toks) {
		t.Fatalf("sentences cover %d of %d tokens", next, len(toks))
	}
}

func FuzzTokenizeSentences(f *testing.F) {
	for _, s := range []string{
		"Mr. Kerry's U.S. visit.", "“Yes,” he said.\n\nNo!", "don't O'Brien", "1,000.5 -- ...",
		"Al-Nusra Front’s", "J. R. R. Tolkien", "a.b.c. d", "'s", "n't", "\xff\xfe", "U.", "-a-",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if !utf8.ValidString(body) {
			body = strings.ToValidUTF8(body, "\uFFFD")
		}
		checkInvariants(t, body)
	})
}

var benchBody = strings.Repeat("The US Secretary of State John Kerry will arrive in the Russian capital Moscow on Thursday evening. "+
	"“Preparations are underway,” Dmitry Peskov said, adding that Mr. Kerry’s visit to the U.S.-backed talks (1,200 delegates) wasn't confirmed.\n\n", 50)

func BenchmarkTokenize(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBody)))
	n := 0
	for b.Loop() {
		n += len(Tokenize(benchBody))
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tokens/s")
}

func BenchmarkSentences(b *testing.B) {
	toks := Tokenize(benchBody)
	b.ReportAllocs()
	for b.Loop() {
		Sentences(benchBody, toks)
	}
}
