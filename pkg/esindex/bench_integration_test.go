//go:build integration

package esindex

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/testenv"
)

// The benchmarks measure documents per second into the real Elasticsearch:
// BenchmarkWriter through the Writer, BenchmarkDirectBulk through a plain
// loader that sends pre-built NDJSON with tuned batch size and concurrency.
// Run both in one go, with a fixed document count, to get the ratio:
//
//	go test -tags integration -run '^$' -bench 'Writer|DirectBulk' -benchtime 20000x ./pkg/esindex/
//
// WIRESTREAM_BENCH_TUNE=1 makes BenchmarkDirectBulk try a grid of batch
// sizes and concurrencies instead of the tuned setting.

// Tuned direct loader setting: best of the WIRESTREAM_BENCH_TUNE grid on
// the 2-core development machine (500 and 1000 documents were within noise;
// one request in flight was 30% slower).
const (
	directBatch       = 500
	directConcurrency = 2
)

// benchLayout creates a fresh layout and returns a function removing it.
func benchLayout(b *testing.B, es *elasticsearch.Client) (Layout, func()) {
	b.Helper()
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	l := NewLayout("wsbench-" + hex.EncodeToString(rnd[:]))
	if _, err := Setup(context.Background(), es, SetupConfig{Prefix: l.Prefix}); err != nil {
		b.Fatalf("Setup: %v", err)
	}
	return l, func() {
		ctx := context.Background()
		// Wildcard deletes are refused by default
		// (action.destructive_requires_name): delete by name.
		if _, err := call(ctx, es, http.MethodDelete, "/"+l.Index(), nil); err != nil {
			b.Logf("cleanup: %v", err)
		}
		_, _ = call(ctx, es, http.MethodDelete, "/_index_template/"+l.TemplateName(), nil)
		_, _ = call(ctx, es, http.MethodDelete, "/_component_template/"+l.SettingsTemplate(), nil)
		_, _ = call(ctx, es, http.MethodDelete, "/_component_template/"+l.MappingsTemplate(), nil)
	}
}

// benchArticles returns n enriched wire-sized articles (about 2.5 kB of
// body, six entities, two quotes each).
func benchArticles(n int) []*article.Article {
	para := "Russian Foreign Minister Sergey Lavrov said on Thursday that talks with US Secretary of State John Kerry in Moscow would focus on separating the opposition from terrorist groups in Syria. "
	body := strings.Repeat(para, 13)
	t0 := time.Date(2016, 7, 14, 8, 0, 0, 0, time.UTC)
	out := make([]*article.Article, n)
	for i := range out {
		out[i] = &article.Article{
			SchemaVersion: 1, ID: fmt.Sprintf("b%07d", i), Version: 1, Source: "bench",
			Headline: fmt.Sprintf("Lavrov and Kerry meet in Moscow, story %d", i), Body: body, Language: "en",
			PublishedAt: t0.Add(time.Duration(i) * time.Second), IngestedAt: t0, Status: article.StatusUsable, Format: article.FormatText,
			Subjects: []string{"politics", "diplomacy"},
			Entities: []article.Entity{
				{Name: "Sergey Lavrov", Type: "PER", Role: "Russian Foreign Minister", Count: 13, Salience: 0.9},
				{Name: "John Kerry", Type: "PER", Role: "US Secretary of State", Count: 13, Salience: 0.8},
				{Name: "Moscow", Type: "LOC", Count: 13, Salience: 0.5},
				{Name: "Syria", Type: "LOC", Count: 13, Salience: 0.5},
				{Name: "Al-Nusra Front", Type: "ORG", Count: 1, Salience: 0.3},
				{Name: "Kremlin", Type: "ORG", Count: 1, Salience: 0.2},
			},
			Quotes: []article.Quote{
				{Text: "preparations are underway", Type: "direct", Speaker: &article.Speaker{Name: "Dmitry Peskov", Type: "PER"}, Cue: &article.Mention{Text: "said"}},
				{Text: "discuss this matter with John Kerry", Type: "partial", Speaker: &article.Speaker{Name: "Sergey Lavrov", Type: "PER"}, Cue: &article.Mention{Text: "added"}},
			},
			Enrichment: &article.Enrichment{Model: "bench", Version: "1", EnrichedAt: t0},
		}
	}
	return out
}

func reportRate(b *testing.B, n int, elapsed time.Duration) {
	b.ReportMetric(float64(n)/elapsed.Seconds(), "docs/s")
}

func BenchmarkWriter(b *testing.B) {
	es := newClient(b, testenv.ElasticsearchURL(b))
	docs := benchArticles(b.N)
	b.ResetTimer()
	elapsed, st := writerRun(b, es, docs)
	b.StopTimer()
	reportRate(b, b.N, elapsed)
	b.ReportMetric(float64(st.Requests), "requests")
}

// writerRun indexes docs into a fresh layout through a Writer with default
// settings and returns the time from the first Add to the end of Close.
func writerRun(b *testing.B, es *elasticsearch.Client, docs []*article.Article) (time.Duration, Stats) {
	l, drop := benchLayout(b, es)
	defer drop()
	w := NewWriter(es, WriterConfig{Alias: l.WriteAlias()}, nil)
	var failed sync.Once
	done := func(r Result) {
		if r.Outcome != Indexed {
			failed.Do(func() { b.Errorf("outcome %v: %s", r.Outcome, r.Reason) })
		}
	}
	ctx := context.Background()
	start := time.Now()
	for _, a := range docs {
		if err := w.Add(ctx, Op{Article: a, Done: done}); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	st := w.Stats()
	if st.Indexed != int64(len(docs)) {
		b.Fatalf("indexed %d of %d", st.Indexed, len(docs))
	}
	return elapsed, st
}

func BenchmarkDirectBulk(b *testing.B) {
	type setting struct{ batch, conc int }
	grid := []setting{{directBatch, directConcurrency}}
	if os.Getenv("WIRESTREAM_BENCH_TUNE") == "1" {
		grid = nil
		for _, batch := range []int{250, 500, 1000, 2000} {
			for _, conc := range []int{1, 2, 4} {
				grid = append(grid, setting{batch, conc})
			}
		}
	}
	for _, s := range grid {
		b.Run(fmt.Sprintf("batch=%d/conc=%d", s.batch, s.conc), func(b *testing.B) {
			es := newClient(b, testenv.ElasticsearchURL(b))
			docs := benchArticles(b.N)
			b.ResetTimer()
			elapsed := directRun(b, es, docs, s.batch, s.conc)
			b.StopTimer()
			reportRate(b, b.N, elapsed)
		})
	}
}

// directRun is the baseline: the same documents, encoded before the clock
// starts, sent as plain _bulk requests by conc goroutines. It returns the
// time from the first request to the last answer.
func directRun(b *testing.B, es *elasticsearch.Client, docs []*article.Article, batchSize, conc int) time.Duration {
	l, drop := benchLayout(b, es)
	defer drop()
	var bodies [][]byte
	var buf bytes.Buffer
	now := time.Now()
	for i, a := range docs {
		if _, err := encodeOp(&buf, a, now); err != nil {
			b.Fatal(err)
		}
		if (i+1)%batchSize == 0 || i == len(docs)-1 {
			bodies = append(bodies, bytes.Clone(buf.Bytes()))
			buf.Reset()
		}
	}
	work := make(chan []byte)
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for body := range work {
				req := esapi.BulkRequest{Index: l.WriteAlias(), Body: bytes.NewReader(body), FilterPath: []string{"errors"}}
				resp, err := req.Do(context.Background(), es)
				if err != nil {
					b.Error(err)
					continue
				}
				var out bytes.Buffer
				_, _ = out.ReadFrom(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || strings.Contains(out.String(), `"errors":true`) {
					b.Errorf("bulk: %d %s", resp.StatusCode, truncate(out.String(), 300))
				}
			}
		}()
	}
	for _, body := range bodies {
		work <- body
	}
	close(work)
	wg.Wait()
	return time.Since(start)
}

// BenchmarkWriterVsDirect alternates Writer and direct-loader runs of b.N
// documents each (five rounds) and reports the median rates and the median
// per-round ratio, so load from other processes affects both alike.
func BenchmarkWriterVsDirect(b *testing.B) {
	es := newClient(b, testenv.ElasticsearchURL(b))
	docs := benchArticles(b.N)
	var wr, dr, wcpu, dcpu []float64
	writer := func() {
		c0 := cpuTime()
		e, _ := writerRun(b, es, docs)
		wcpu = append(wcpu, (cpuTime()-c0).Seconds()*1e6/float64(b.N))
		wr = append(wr, float64(b.N)/e.Seconds())
	}
	direct := func() {
		c0 := cpuTime()
		e := directRun(b, es, docs, directBatch, directConcurrency)
		dcpu = append(dcpu, (cpuTime()-c0).Seconds()*1e6/float64(b.N))
		dr = append(dr, float64(b.N)/e.Seconds())
	}
	for round := range 5 {
		if round%2 == 0 {
			writer()
			direct()
		} else {
			direct()
			writer()
		}
	}
	b.Logf("writer docs/s %.0f; direct docs/s %.0f", wr, dr)
	// Each round's two runs are back to back, so the median of the
	// per-round ratios is the figure least moved by other load.
	ratios := make([]float64, len(wr))
	for i := range wr {
		ratios[i] = wr[i] / dr[i]
	}
	median := func(xs []float64) float64 { slices.Sort(xs); return xs[len(xs)/2] }
	b.ReportMetric(median(wr), "writer-docs/s")
	b.ReportMetric(median(dr), "direct-docs/s")
	b.ReportMetric(median(ratios), "ratio")
	b.ReportMetric(median(wcpu), "writer-client-cpu-µs/doc")
	// The direct loader's figure includes encoding the documents, which
	// its timed part does not.
	b.ReportMetric(median(dcpu), "direct-client-cpu-µs/doc")
}

// cpuTime returns the user plus system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
