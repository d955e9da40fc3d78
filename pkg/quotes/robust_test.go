package quotes

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/testenv"
	"github.com/wirestream/wirestream/pkg/text"
)

// checkQuotes verifies the offset contract of Extract's result.
func checkQuotes(t *testing.T, body string, qs []article.Quote) {
	t.Helper()
	runes := []rune(body)
	n := len(runes)
	prev := -1
	mention := func(what string, m *article.Mention) {
		if m == nil {
			return
		}
		if m.Start < 0 || m.End > n || m.Start >= m.End || string(runes[m.Start:m.End]) != m.Text {
			t.Fatalf("%s %+v does not match the body", what, *m)
		}
	}
	for _, q := range qs {
		if len(q.Spans) == 0 {
			t.Fatalf("quote %q without spans", q.Text)
		}
		if q.Spans[0].Start < prev {
			t.Fatalf("quotes out of order at %v", q.Spans)
		}
		prev = q.Spans[0].Start
		last := -1
		for _, s := range q.Spans {
			if s.Start < 0 || s.End > n || s.Start >= s.End || s.Start < last {
				t.Fatalf("bad span %v (body %d runes) in %v", s, n, q.Spans)
			}
			last = s.End
		}
		switch q.Type {
		case article.QuoteDirect, article.QuotePartial, article.QuoteNonSpeech:
		default:
			t.Fatalf("type %q", q.Type)
		}
		mention("speaker mention", q.SpeakerMention)
		mention("cue", q.Cue)
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"“The problem,” he said, “is this.”",
		"\"\"\"", "“", "”x“", "a'b' 'c", "‘’‘", "„Ja“, sagte er.", "«Oui» dit-il",
		"He said: \"one\n\n\"two\n\n\"three\"", "\n\n“\n\n“\n\n”", "’n’ ' ‘x",
		"“A,” said.", ", said \"x", "according to", "\"x,\" according to",
	} {
		f.Add(s)
	}
	ents := []article.Entity{{Name: "He", Type: article.TypePerson, Mentions: []article.Mention{{Text: "x", Start: 0, End: 3}, {Start: -4, End: 90}}}}
	f.Fuzz(func(t *testing.T, body string) {
		if !utf8.ValidString(body) {
			body = strings.ToValidUTF8(body, "?")
		}
		checkQuotes(t, body, Extract(body, nil))
		checkQuotes(t, body, Extract(body, ents))
	})
}

// TestPathological feeds inputs that would be quadratic for a naive
// pairing or lookahead; they must finish and keep the contract.
func TestPathological(t *testing.T) {
	cases := map[string]string{
		"200k straight marks":    strings.Repeat("\"", 200000),
		"200k curly openers":     strings.Repeat("“a ", 200000),
		"200k single openers":    strings.Repeat(" ‘word", 200000),
		"1 MB single line":       strings.Repeat("He said “yes, ", 80000),
		"many short paragraphs":  strings.Repeat("“\n\n", 100000),
		"interrupted chain":      strings.Repeat("“Yes,” he said, ", 50000),
		"marks and cue verbs":    strings.Repeat("said \" said ' said ", 60000),
		"apostrophes everywhere": strings.Repeat("don't ’90s ’n’ ", 80000),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			checkQuotes(t, body, Extract(body, nil))
		})
	}
}

func TestForeignTokens(t *testing.T) {
	body := "“We are ready,” Peskov said."
	other := text.Tokenize(strings.Repeat("A much longer text than the body. ", 10))
	checkQuotes(t, body, ExtractTokens(body, other, nil))
}

func TestConcurrentUse(t *testing.T) {
	body := strings.Repeat("“The problem,” Lavrov said, “is this.” ", 50)
	want := len(Extract(body, nil))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := len(Extract(body, nil)); got != want {
				t.Errorf("%d quotes, want %d", got, want)
			}
		}()
	}
	wg.Wait()
}

// benchBody is a news-like body built from the hard cases.
func benchBody() string {
	var sb strings.Builder
	for sb.Len() < 64*1024 {
		sb.WriteString("The talks resumed on Monday in Moscow after weeks of delay. “We are ready to talk,” Peskov said.\n\n")
		sb.WriteString("“The problem,” Lavrov said, “is that the groups keep changing their names.” He added that he would “discuss this matter with John Kerry” in Moscow.\n\n")
		sb.WriteString("The so-called “moderate rebels” watched the film “The Long Road Home” twice, don't you know.\n\n")
	}
	return sb.String()
}

func BenchmarkExtract(b *testing.B) {
	body := benchBody()
	ents := entitiesFor(body, casePeople)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Extract(body, ents)
	}
}

// BenchmarkExtractPolNeAR runs Extract over every PolNeAR dev text, real
// news with a realistic density of quotes.
func BenchmarkExtractPolNeAR(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(testenv.SharedDir(b, "data", "polnear", "dev", "text"), "*.txt"))
	if err != nil || len(files) == 0 {
		b.Skip("no PolNeAR dev texts")
	}
	var bodies []string
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, string(data))
		size += len(data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, body := range bodies {
			Extract(body, nil)
		}
	}
}
