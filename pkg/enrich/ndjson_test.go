package enrich

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
