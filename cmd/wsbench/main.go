// Command wsbench is the end-to-end benchmark harness (`make bench`). Against
// the local stack (KAFKA_BROKERS, ELASTICSEARCH_URL) it runs the three
// services as processes on topics and an index of their own and measures:
//
//   - latency from ingest's acknowledgement to searchable, at a fixed rate of
//     single-article POSTs (p50, p95, p99);
//   - sustained throughput from ingest to searchable for a large batch, with
//     the time each stage caught up;
//   - each service's resident memory (peak).
//
// The stories come from pkg/storygen (realistic length and quote density).
// Results are printed and, with --out, appended to BENCHMARKS.md together
// with the machine, the date and the micro-benchmark output given by --micro.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/kafkaio"
	"github.com/wirestream/wirestream/pkg/storygen"
	"github.com/wirestream/wirestream/pkg/svcproc"
)

type options struct {
	rate             int
	latencyDuration  time.Duration
	throughputN      int
	indexN           int
	indexOnly        bool
	out, micro, root string
}

func main() {
	var o options
	flag.IntVar(&o.rate, "rate", 200, "single-article POSTs per second in the latency run")
	flag.DurationVar(&o.latencyDuration, "latency-duration", 30*time.Second, "length of the latency run")
	flag.IntVar(&o.throughputN, "throughput-stories", 20000, "stories in the throughput run")
	flag.BoolVar(&o.indexOnly, "index-only", false, "run only the index-versus-direct comparison")
	flag.IntVar(&o.indexN, "index-stories", 20000, "documents in the index-service-versus-direct-loader run (0: skip)")
	flag.StringVar(&o.out, "out", "", "append the results to this Markdown file (BENCHMARKS.md)")
	flag.StringVar(&o.micro, "micro", "", "file with `go test -bench` output to include")
	flag.StringVar(&o.root, "root", ".", "repository root (to build the services)")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "wsbench:", err)
		os.Exit(1)
	}
}

func uniqueName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// bench holds the running pipeline.
type bench struct {
	brokers            string
	esURL              string
	alias, raw, enrGrp string
	httpAddr           string
	svcs               []*svcproc.Service
	client             *http.Client
}

func run(ctx context.Context, o options) error {
	b := &bench{brokers: os.Getenv("KAFKA_BROKERS"), esURL: strings.TrimRight(os.Getenv("ELASTICSEARCH_URL"), "/"),
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	if b.brokers == "" || b.esURL == "" {
		return errors.New(`KAFKA_BROKERS and ELASTICSEARCH_URL must be set: eval "$(make -s stack-env)"`)
	}
	work, err := os.MkdirTemp("", "wsbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	fmt.Fprintln(os.Stderr, "wsbench: building the services")
	if err := svcproc.Build(ctx, o.root, work, "ingest", "enrich", "index"); err != nil {
		return err
	}
	if o.indexOnly {
		ix, err := b.indexRun(ctx, work, o.indexN)
		if err != nil {
			return err
		}
		fmt.Printf("index service %.0f docs/s (CPU %.0f µs/doc), direct loader %.0f docs/s (%.0f%%; bulk answers alone %.0f docs/s)\n",
			float64(ix.n)/ix.service.Seconds(), float64(ix.serviceCPU.Microseconds())/float64(ix.n), float64(ix.n)/ix.direct.Seconds(),
			100*ix.direct.Seconds()/ix.service.Seconds(), float64(ix.n)/ix.directAcked.Seconds())
		return nil
	}
	b.alias = uniqueName("bench-articles")
	b.raw, b.enrGrp = uniqueName("bench-raw"), uniqueName("bench-enrich")
	enriched, dlq := uniqueName("bench-enriched"), uniqueName("bench-dlq")
	if b.httpAddr, err = svcproc.FreeAddr(); err != nil {
		return err
	}
	common := []string{"--kafka-brokers", b.brokers, "--log-level", "warn"}
	specs := [][]string{
		{"ingest", "--http-addr", b.httpAddr, "--raw-topic", b.raw},
		{"enrich", "--raw-topic", b.raw, "--enriched-topic", enriched, "--dlq-topic", dlq, "--group-id", b.enrGrp},
		{"index", "--enriched-topic", enriched, "--dlq-topic", dlq, "--group-id", uniqueName("bench-index"), "--es-url", b.esURL, "--index-alias", b.alias},
	}
	for _, spec := range specs {
		s, err := svcproc.New(work, work, spec[0], append(common, spec[1:]...)...)
		if err != nil {
			return err
		}
		if err := s.Start(2 * time.Minute); err != nil {
			return err
		}
		b.svcs = append(b.svcs, s)
	}
	defer func() {
		for _, s := range b.svcs {
			_ = s.Stop()
		}
	}()

	gen := storygen.New(20261126, uniqueName("bench"))
	next := 0
	story := func() *article.Article { a := gen.Story(next); next++; return a }

	fmt.Fprintln(os.Stderr, "wsbench: warm-up")
	var warm []*article.Article
	for i := 0; i < 500; i++ {
		warm = append(warm, story())
	}
	if err := b.postBatch(ctx, warm); err != nil {
		return err
	}
	if err := b.waitCount(ctx, 500, 3*time.Minute); err != nil {
		return err
	}

	fmt.Fprintf(os.Stderr, "wsbench: latency run, %d stories/s for %s\n", o.rate, o.latencyDuration)
	lat, err := b.latencyRun(ctx, o.rate, o.latencyDuration, story)
	if err != nil {
		return err
	}
	have := 500 + lat.sent

	fmt.Fprintf(os.Stderr, "wsbench: throughput run, %d stories\n", o.throughputN)
	tp, err := b.throughputRun(ctx, o.throughputN, have, story)
	if err != nil {
		return err
	}
	var ix indexResult
	if o.indexN > 0 {
		fmt.Fprintf(os.Stderr, "wsbench: index service from Kafka versus a direct bulk loader, %d documents\n", o.indexN)
		if ix, err = b.indexRun(ctx, work, o.indexN); err != nil {
			return err
		}
	}
	var mem []string
	for _, s := range b.svcs {
		_, peak, err := s.Memory()
		if err != nil {
			return err
		}
		mem = append(mem, fmt.Sprintf("%s %.0f MB", s.Name, float64(peak)/(1<<20)))
	}
	report := render(o, lat, tp, ix, mem)
	fmt.Print(report)
	if o.out != "" {
		f, err := os.OpenFile(o.out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := f.WriteString("\n" + report); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "wsbench: appended to", o.out)
	}
	return nil
}

// postBatch posts articles as NDJSON, retrying on 503.
func (b *bench) postBatch(ctx context.Context, arts []*article.Article) error {
	var buf bytes.Buffer
	for _, a := range arts {
		data, err := article.Marshal(a)
		if err != nil {
			return err
		}
		buf.Write(data)
		buf.WriteByte('\n')
	}
	for attempt := 0; ; attempt++ {
		resp, err := b.client.Post("http://"+b.httpAddr+"/v1/articles:batch", "application/x-ndjson", bytes.NewReader(buf.Bytes()))
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusAccepted {
				return nil
			}
			err = fmt.Errorf("batch: HTTP %d %s", resp.StatusCode, body)
			if resp.StatusCode != http.StatusServiceUnavailable {
				return err
			}
		}
		if attempt == 20 || ctx.Err() != nil {
			return err
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// count returns the documents behind the read alias (no refresh: what a
// searcher would see).
func (b *bench) count(ctx context.Context) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.esURL+"/"+b.alias+"-read/_count", nil)
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var out struct {
		Count int `json:"count"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return 0, err
	}
	return out.Count, nil
}

func (b *bench) waitCount(ctx context.Context, want int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if n, err := b.count(ctx); err == nil && n >= want {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	n, _ := b.count(ctx)
	return fmt.Errorf("only %d of %d stories searchable after %s", n, want, timeout)
}

type latencyResult struct {
	rate, sent     int
	p50, p95, p99  time.Duration
	max            time.Duration
	ackP50, ackP99 time.Duration
}

// latencyRun posts single stories at rate for d and measures, per story, the
// time from the 202 to the moment an ids query first finds it.
func (b *bench) latencyRun(ctx context.Context, rate int, d time.Duration, story func() *article.Article) (latencyResult, error) {
	var (
		mu      sync.Mutex
		acked   = map[string]time.Time{}
		seen    = map[string]time.Duration{}
		ackLat  []time.Duration
		postErr error
	)
	total := int(float64(rate) * d.Seconds())
	arts := make([]*article.Article, total)
	for i := range arts {
		arts[i] = story()
	}
	jobs := make(chan *article.Article, 1024)
	var wg sync.WaitGroup
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range jobs {
				data, _ := article.Marshal(a)
				start := time.Now()
				resp, err := b.client.Post("http://"+b.httpAddr+"/v1/articles", "application/json", bytes.NewReader(data))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusAccepted {
						err = fmt.Errorf("POST: HTTP %d", resp.StatusCode)
					}
				}
				now := time.Now()
				mu.Lock()
				if err != nil {
					postErr = err
				} else {
					acked[a.ID] = now
					ackLat = append(ackLat, now.Sub(start))
				}
				mu.Unlock()
			}
		}()
	}
	pollDone := make(chan struct{})
	stopPoll := make(chan struct{})
	go func() {
		defer close(pollDone)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopPoll:
				return
			case <-t.C:
			}
			mu.Lock()
			var pending []string
			for id := range acked {
				if _, ok := seen[id]; !ok {
					pending = append(pending, id)
				}
			}
			mu.Unlock()
			if len(pending) == 0 {
				continue
			}
			found, err := b.findIDs(ctx, pending)
			if err != nil {
				continue
			}
			now := time.Now()
			mu.Lock()
			for _, id := range found {
				if _, ok := seen[id]; !ok {
					seen[id] = now.Sub(acked[id])
				}
			}
			mu.Unlock()
		}
	}()
	tick := time.NewTicker(time.Second / time.Duration(rate))
	for _, a := range arts {
		<-tick.C
		jobs <- a
	}
	tick.Stop()
	close(jobs)
	wg.Wait()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		if n >= total {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	close(stopPoll)
	<-pollDone
	if postErr != nil {
		return latencyResult{}, postErr
	}
	if len(seen) < total {
		return latencyResult{}, fmt.Errorf("latency run: %d of %d stories searchable", len(seen), total)
	}
	lats := make([]time.Duration, 0, len(seen))
	for _, l := range seen {
		lats = append(lats, l)
	}
	slices.Sort(lats)
	slices.Sort(ackLat)
	return latencyResult{rate: rate, sent: total, p50: pct(lats, 50), p95: pct(lats, 95), p99: pct(lats, 99), max: lats[len(lats)-1],
		ackP50: pct(ackLat, 50), ackP99: pct(ackLat, 99)}, nil
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

// findIDs returns which of ids a search finds now.
func (b *bench) findIDs(ctx context.Context, ids []string) ([]string, error) {
	body, _ := json.Marshal(map[string]any{"size": len(ids), "_source": false, "query": map[string]any{"ids": map[string]any{"values": ids}}})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, b.esURL+"/"+b.alias+"-read/_search", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Hits struct {
			Hits []struct {
				ID string `json:"_id"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	found := make([]string, len(out.Hits.Hits))
	for i, h := range out.Hits.Hits {
		found[i] = h.ID
	}
	return found, nil
}

type throughputResult struct {
	n                           int
	ingestDone, enrichDone, all time.Duration
}

// throughputRun posts n stories in batches of 500 from 4 clients as fast as
// ingest takes them, and times when ingest acknowledged them all, when enrich
// had consumed them all and when they were all searchable.
func (b *bench) throughputRun(ctx context.Context, n, before int, story func() *article.Article) (throughputResult, error) {
	var batches [][]*article.Article
	for i := 0; i < n; i += 500 {
		var batch []*article.Article
		for j := i; j < min(i+500, n); j++ {
			batch = append(batch, story())
		}
		batches = append(batches, batch)
	}
	kcfg := kafkaio.Config{Brokers: strings.Split(b.brokers, ",")}
	start := time.Now()
	jobs := make(chan []*article.Article)
	errc := make(chan error, 4)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range jobs {
				if err := b.postBatch(ctx, batch); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	for _, batch := range batches {
		jobs <- batch
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		return throughputResult{}, err
	default:
	}
	res := throughputResult{n: n, ingestDone: time.Since(start)}
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		if res.enrichDone == 0 {
			if lag, err := kafkaio.Lag(ctx, kcfg, b.enrGrp, b.raw); err == nil && sum(lag) == 0 {
				res.enrichDone = time.Since(start)
			}
		}
		if c, err := b.count(ctx); err == nil && c >= before+n {
			res.all = time.Since(start)
			if res.enrichDone == 0 {
				res.enrichDone = res.all
			}
			return res, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return res, fmt.Errorf("throughput run: not all %d stories searchable after 10 minutes", n)
}

func sum(m map[int]int64) int64 {
	var s int64
	for _, v := range m {
		s += v
	}
	return s
}

func machine() string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	memGB := 0.0
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb float64
		fmt.Sscanf(strings.SplitN(string(data), "\n", 2)[0], "MemTotal: %f kB", &kb)
		memGB = kb / (1 << 20)
	}
	return fmt.Sprintf("%s, %d cores, %.0f GB RAM, %s/%s, %s", cpu, runtime.NumCPU(), memGB, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

func render(o options, lat latencyResult, tp throughputResult, ix indexResult, mem []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## End-to-end run %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "Machine: %s. Kafka and Elasticsearch (local stack) on the same machine. Command: `make bench`.\n\n", machine())
	fmt.Fprintf(&b, "| Measure | Result |\n|---|---|\n")
	fmt.Fprintf(&b, "| Ingest-ack to searchable at %d stories/s (%d single POSTs) | p50 %s, p95 %s, p99 %s, max %s |\n",
		lat.rate, lat.sent, ms(lat.p50), ms(lat.p95), ms(lat.p99), ms(lat.max))
	fmt.Fprintf(&b, "| Single POST until 202 at %d/s | p50 %s, p99 %s |\n", lat.rate, ms(lat.ackP50), ms(lat.ackP99))
	fmt.Fprintf(&b, "| Sustained end-to-end, %d stories in batches | %.0f stories/s (all searchable after %s) |\n", tp.n, float64(tp.n)/tp.all.Seconds(), tp.all.Round(100*time.Millisecond))
	fmt.Fprintf(&b, "| Stage: ingest acknowledged all | %.0f stories/s (%s) |\n", float64(tp.n)/tp.ingestDone.Seconds(), tp.ingestDone.Round(100*time.Millisecond))
	fmt.Fprintf(&b, "| Stage: enrich caught up | %.0f stories/s (%s) |\n", float64(tp.n)/tp.enrichDone.Seconds(), tp.enrichDone.Round(100*time.Millisecond))
	fmt.Fprintf(&b, "| Stage: index caught up (searchable) | %.0f stories/s (%s) |\n", float64(tp.n)/tp.all.Seconds(), tp.all.Round(100*time.Millisecond))
	if ix.n > 0 {
		sr, dr := float64(ix.n)/ix.service.Seconds(), float64(ix.n)/ix.direct.Seconds()
		fmt.Fprintf(&b, "| Index service from Kafka vs direct bulk loader, %d enriched stories, rate from first to last searchable | %.0f vs %.0f docs/s: %.0f%% (direct loader's bulk answers alone: %.0f docs/s) |\n",
			ix.n, sr, dr, 100*sr/dr, float64(ix.n)/ix.directAcked.Seconds())
	}
	fmt.Fprintf(&b, "| Peak RSS of each service | %s |\n", strings.Join(mem, ", "))
	if o.micro != "" {
		if data, err := os.ReadFile(o.micro); err == nil {
			fmt.Fprintf(&b, "\nMicro-benchmarks (`go test -bench`, same machine, same run):\n\n```\n%s```\n", filterBench(string(data)))
		}
	}
	return b.String()
}

// filterBench keeps the benchmark result lines and the package lines.
func filterBench(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "Benchmark") || strings.HasPrefix(line, "pkg:") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }
