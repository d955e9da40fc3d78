package quoteeval

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/testenv"
)

// writeCorpus lays out a one-document PolNeAR-style folder.
func writeCorpus(t *testing.T, name, text string, anns map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"text", "attributions"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "text", name+".txt"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for file, body := range anns {
		if err := os.WriteFile(filepath.Join(dir, "attributions", file), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Text with code points beyond ASCII so rune and byte offsets differ:
//
//	0         1         2         3         4         5         6
//	0123456789012345678901234567890123456789012345678901234567890123
//	“Wir sind bereit,” Müller said. He called it “a mess” today.
const sample = "“Wir sind bereit,” Müller said. He called it “a mess” today."

const sampleAnn = "T1\tContent 0 18\t“Wir sind bereit,”\n" +
	"T2\tSource 19 25\tMüller\n" +
	"T3\tCue 26 30\tsaid\n" +
	"E1\tAttribution:T3 Content:T1 Cue:T3 Source:T2\n" +
	"T4\tContent 32 59\tHe called it “a mess” today\n" +
	"T5\tSource 32 34\tHe\n" +
	"T6\tCue 35 41\tcalled\n" +
	"E2\tAttribution:T6 Content:T4 Source:T5 Cue:T6\n" +
	"T7\tContent 0 5\tunlinked\n"

func TestLoadPicksFirstAnnotator(t *testing.T) {
	dir := writeCorpus(t, "doc_1", sample, map[string]string{
		"doc_1_aaaa.ann": sampleAnn,
		"doc_1_bbbb.ann": "T1\tContent 0 3\tx\nE1\tContent:T1\n",
	})
	docs, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].Name != "doc_1" || len(docs[0].Attributions) != 2 {
		t.Fatalf("got %+v", docs)
	}
	a := docs[0].Attributions[0]
	if a.Content[0] != (article.Span{Start: 0, End: 18}) || a.Source[0] != (article.Span{Start: 19, End: 25}) {
		t.Errorf("first attribution %+v", a)
	}
	if p, q := SliceSizes(docs); p != 1 || q != 2 {
		t.Errorf("slice sizes %d, %d; want 1, 2", p, q)
	}
}

func TestEvaluateScoring(t *testing.T) {
	dir := writeCorpus(t, "doc_1", sample, map[string]string{"doc_1_aaaa.ann": sampleAnn})
	m := func(s, e int) *article.Mention { return &article.Mention{Start: s, End: e} }
	cases := []struct {
		name        string
		preds       []article.Quote
		pureHits03  int
		pureHits08  int
		purePred    int
		allHits03   int
		allPred     int
		speakerPure float64
		cuePure     float64
	}{
		{"perfect direct, ignored partial", []article.Quote{
			{Type: article.QuoteDirect, Spans: []article.Span{{Start: 1, End: 16}}, SpeakerMention: m(19, 25), Cue: m(26, 30)},
			{Type: article.QuoteDirect, Spans: []article.Span{{Start: 46, End: 52}}},
		}, 1, 1, 1, 1, 2, 1, 1},
		{"half overlap, wrong speaker", []article.Quote{
			{Type: article.QuoteDirect, Spans: []article.Span{{Start: 1, End: 8}}, SpeakerMention: m(0, 3), Cue: m(26, 30)},
		}, 1, 0, 1, 1, 1, 0, 1},
		{"false positive and nonspeech", []article.Quote{
			{Type: article.QuoteDirect, Spans: []article.Span{{Start: 26, End: 30}}},
			{Type: article.QuoteNonSpeech, Spans: []article.Span{{Start: 1, End: 16}}},
		}, 0, 0, 1, 0, 1, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Evaluate(dir, func(string) []article.Quote { return c.preds })
			if err != nil {
				t.Fatal(err)
			}
			p03, p08, a03 := r.PureDirect.At(0.3), r.PureDirect.At(0.8), r.AllQuoted.At(0.3)
			if p03.Gold != 1 || a03.Gold != 2 {
				t.Fatalf("gold %d/%d", p03.Gold, a03.Gold)
			}
			if p03.Hits != c.pureHits03 || p08.Hits != c.pureHits08 || p03.Predicted != c.purePred {
				t.Errorf("pure: hits %d/%d pred %d", p03.Hits, p08.Hits, p03.Predicted)
			}
			if a03.Hits != c.allHits03 || a03.Predicted != c.allPred {
				t.Errorf("all: hits %d pred %d", a03.Hits, a03.Predicted)
			}
			if p03.SpeakerAccuracy() != c.speakerPure || p03.CueAccuracy() != c.cuePure {
				t.Errorf("speaker %v cue %v", p03.SpeakerAccuracy(), p03.CueAccuracy())
			}
			var buf bytes.Buffer
			if err := r.Write(&buf); err != nil || !strings.Contains(buf.String(), "pure direct") {
				t.Errorf("report %q, %v", buf.String(), err)
			}
		})
	}
}

func TestOverlapTrimsAndMerges(t *testing.T) {
	runes := []rune(`He said: "Yes, sir." Then "no."`)
	a := trimmed(runes, []article.Span{{Start: 9, End: 20}, {Start: 26, End: 31}})
	want := []article.Span{{Start: 10, End: 18}, {Start: 27, End: 29}}
	if len(a) != 2 || a[0] != want[0] || a[1] != want[1] {
		t.Fatalf("trimmed %v, want %v", a, want)
	}
	if n := shared(a, []article.Span{{Start: 0, End: 28}}); n != 9 {
		t.Errorf("shared %d, want 9", n)
	}
}

func TestDevSliceSizes(t *testing.T) {
	docs, err := Load(testenv.SharedDir(t, "data", "polnear", "dev"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 84 {
		t.Errorf("%d documents, want 84", len(docs))
	}
	if p, q := SliceSizes(docs); p != 355 || q != 624 {
		t.Errorf("slices: pure direct %d, all quoted %d; want 355, 624", p, q)
	}
}

func FuzzParseSpans(f *testing.F) {
	f.Add("Content 0 18")
	f.Add("Content 1 5;7 9")
	f.Add("Source -1 x")
	f.Fuzz(func(t *testing.T, field string) {
		sp, err := parseSpans(field)
		if err != nil {
			return
		}
		for _, s := range sp {
			if s.Start < 0 || s.End < s.Start {
				t.Fatalf("bad span %+v from %q", s, field)
			}
		}
	})
}

func FuzzParseAnn(f *testing.F) {
	f.Add(sampleAnn)
	f.Add("T1\tContent 0 5;7 9\tx\nE1\tContent:T1 Source:T9 Cue\n")
	f.Add("E1\tContent:T1\nT1\tContent 3\n")
	f.Fuzz(func(t *testing.T, data string) {
		atts, err := parseAnn(strings.NewReader(data))
		if err != nil {
			return
		}
		for _, a := range atts {
			if len(a.Content) == 0 {
				t.Fatal("attribution without content")
			}
			for _, s := range append(append(a.Content, a.Source...), a.Cue...) {
				if s.Start < 0 || s.End < s.Start {
					t.Fatalf("bad span %+v", s)
				}
			}
		}
	})
}
