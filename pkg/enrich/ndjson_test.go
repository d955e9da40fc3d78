package enrich

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
)

// fixedClock returns a constant time.
func fixedClock() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }

// testEnricher uses the fake tagger so the tests do not depend on the model.
func testEnricher(workers int) *Enricher {
	return New(WithTagger(fakeTagger{names: map[string]bool{"Ann": true, "Lee": true, "Tom": true, "Bell": true}}),
		WithClock(fixedClock), WithWorkers(workers))
}

func TestEnrichNDJSONOrderAndBody(t *testing.T) {
	var in bytes.Buffer
	var bodies []string
	for i := range 200 {
		// Bodies of very different lengths finish out of order.
		body := fmt.Sprintf("Story %d: Ann Lee said “%s” <b>&amp;</b> Tom Bell left.", i, strings.Repeat("go on ", (i*37)%400))
		bodies = append(bodies, body)
		line, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("s%03d", i), "body": body})
		in.Write(line)
		in.WriteByte('\n')
		if i%50 == 0 {
			in.WriteString("   \n") // blank lines are skipped
		}
	}
	var out bytes.Buffer
	if err := testEnricher(4).EnrichNDJSON(context.Background(), &in, &out); err != nil {
		t.Fatalf("EnrichNDJSON: %v", err)
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		a, err := article.Unmarshal(sc.Bytes())
		if err != nil {
			t.Fatalf("output line %d: %v", n+1, err)
		}
		if want := fmt.Sprintf("s%03d", n); a.ID != want {
			t.Fatalf("output line %d has id %s, want %s", n+1, a.ID, want)
		}
		if a.Body != bodies[n] {
			t.Fatalf("%s: body changed", a.ID)
		}
		if a.Enrichment == nil || len(a.Entities) != 2 {
			t.Fatalf("%s: not enriched: %+v", a.ID, a.Entities)
		}
		n++
	}
	if n != len(bodies) {
		t.Errorf("got %d output lines, want %d", n, len(bodies))
	}
}

func TestEnrichNDJSONBadLines(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a","body":"Ann Lee spoke.","headline":"kept","source":"wire","urgency":3}`,
		`{"id":"b","body":`,
		`{"body":"no id"}`,
		`{"id":"c"}`,
		`{"id":"d","body":42}`,
		`{"id":"e","body":""} {"id":"f"}`,
		`{"id":"g","body":""}`,
	}, "\n")
	var out bytes.Buffer
	err := testEnricher(2).EnrichNDJSON(context.Background(), strings.NewReader(in), &out)
	var bad *BadLinesError
	if !errors.As(err, &bad) || bad.Count != 5 || bad.First.Line != 2 {
		t.Fatalf("want BadLinesError with 5 lines, first line 2; got %v", err)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 7 {
		t.Fatalf("want 7 output lines, got %d:\n%s", len(lines), out.String())
	}
	wantErr := map[int]string{2: "malformed JSON", 3: "id: required", 4: "body: required", 5: "body: expected string", 6: "trailing data"}
	for i, l := range lines {
		var e errorLine
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		want, isErr := wantErr[i+1]
		switch {
		case isErr && (e.Line != i+1 || !strings.Contains(e.Error, want) || !strings.Contains(e.Error, fmt.Sprintf("line %d", i+1))):
			t.Errorf("line %d: got %+v, want an error naming line %d with %q", i+1, e, i+1, want)
		case !isErr && e.Error != "":
			t.Errorf("line %d: unexpected error %q", i+1, e.Error)
		}
	}
	a, err := article.Unmarshal([]byte(lines[0]))
	if err != nil || a.Headline != "kept" || a.Source != "wire" || a.Urgency != 3 || len(a.Entities) != 1 {
		t.Errorf("optional fields not carried through: %+v, %v", a, err)
	}
}

func TestEnrichNDJSONCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := strings.Repeat(`{"id":"a","body":"Ann Lee spoke."}`+"\n", 100)
	err := testEnricher(2).EnrichNDJSON(ctx, strings.NewReader(in), &bytes.Buffer{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("want context.Canceled, got %v", err)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestEnrichNDJSONWriteError(t *testing.T) {
	in := strings.Repeat(`{"id":"a","body":"Ann Lee spoke."}`+"\n", 5000)
	err := testEnricher(2).EnrichNDJSON(context.Background(), strings.NewReader(in), failWriter{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("want the write error, got %v", err)
	}
}

func BenchmarkEnrichNDJSON(b *testing.B) {
	body := kerryBody(b)
	line, _ := json.Marshal(map[string]string{"id": "k", "body": body})
	var in bytes.Buffer
	for range 64 {
		in.Write(line)
		in.WriteByte('\n')
	}
	e := New()
	b.ResetTimer()
	for b.Loop() {
		if err := e.EnrichNDJSON(context.Background(), bytes.NewReader(in.Bytes()), &bytes.Buffer{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(64*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

func TestEnrichFile(t *testing.T) {
	dir := t.TempDir()
	in := dir + "/in.ndjson"
	out := dir + "/out.ndjson"
	data := `{"id":"a","body":"Ann Lee spoke."}` + "\n" + `{"id":"b"}` + "\n"
	if err := os.WriteFile(in, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	err := testEnricher(2).EnrichFile(context.Background(), in, out)
	var bad *BadLinesError
	if !errors.As(err, &bad) || bad.Count != 1 {
		t.Fatalf("want one bad line, got %v", err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(got)), "\n"); len(lines) != 2 || !strings.Contains(lines[1], `"line":2`) {
		t.Errorf("output:\n%s", got)
	}
	// A missing input fails without creating the output.
	if err := testEnricher(1).EnrichFile(context.Background(), dir+"/nope", dir+"/out2"); err == nil {
		t.Error("want an error for a missing input")
	}
	if _, err := os.Stat(dir + "/out2"); !os.IsNotExist(err) {
		t.Errorf("output created for a failed run: %v", err)
	}
	// A cancelled run leaves no temporary or partial file behind.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := testEnricher(1).EnrichFile(ctx, in, dir+"/out3"); !errors.Is(err, context.Canceled) {
		t.Errorf("want context.Canceled, got %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("want only in and out in %s, got %d entries", dir, len(entries))
	}
}

func FuzzEnrichNDJSON(f *testing.F) {
	f.Add([]byte(`{"id":"a","body":"Ann Lee said “hi”."}` + "\n\n" + `{"id":"b","body":1}` + "\n" + `nonsense`))
	f.Add([]byte(`{"id":"a","body":"x","entities":[{"name":"y"}]}` + "\r\n" + `{"id":"","body":""}`))
	f.Add([]byte(`{"id":"a","body":"Tom Bell","version":"x"} {}` + "\n" + `[1,2]`))
	e := testEnricher(2)
	f.Fuzz(func(t *testing.T, in []byte) {
		want := 0
		for _, l := range bytes.Split(in, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				want++
			}
		}
		var out bytes.Buffer
		err := e.EnrichNDJSON(context.Background(), bytes.NewReader(in), &out)
		var bad *BadLinesError
		if err != nil && !errors.As(err, &bad) {
			t.Fatalf("unexpected error: %v", err)
		}
		got := bytes.Count(out.Bytes(), []byte("\n"))
		if got != want {
			t.Fatalf("%d output lines for %d non-blank input lines", got, want)
		}
		for _, l := range bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n")) {
			if len(l) > 0 && !json.Valid(l) {
				t.Fatalf("invalid output line %q", l)
			}
		}
	})
}
