package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/config"
	"github.com/wirestream/wirestream/pkg/enrich"
	"github.com/wirestream/wirestream/pkg/esindex"
	"github.com/wirestream/wirestream/pkg/kafkaio"
	"github.com/wirestream/wirestream/pkg/storygen"
	"github.com/wirestream/wirestream/pkg/svcproc"
)

// pidCPU returns the CPU time of the processes listed in $WSBENCH_PIDS
// (comma-separated), to see where a phase's CPU went.
func pidCPU() map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, pid := range strings.Split(os.Getenv("WSBENCH_PIDS"), ",") {
		n, err := strconv.Atoi(strings.TrimSpace(pid))
		if err != nil {
			continue
		}
		if d, err := svcproc.ProcessCPUTime(n); err == nil {
			out[pid] = d
		}
	}
	return out
}

func cpuDelta(a, b map[string]time.Duration) string {
	var parts []string
	for k, v := range b {
		parts = append(parts, fmt.Sprintf("%s:%s", k, (v-a[k]).Round(10*time.Millisecond)))
	}
	return strings.Join(parts, " ")
}

// indexResult compares the index service, consuming from Kafka, with a
// direct bulk loader sending the same documents to the same node.
type indexResult struct {
	n                 int
	service, direct   time.Duration
	serviceCPU        time.Duration
	directAcked       time.Duration // until the last bulk answer, not searchable
	directBatch, conc int
}

// enrichedStories returns n generated stories, enriched in process.
func enrichedStories(n int) []*article.Article {
	gen := storygen.New(777, uniqueName("bench-index"))
	out := make([]*article.Article, n)
	for i := range out {
		out[i] = gen.Story(i)
		out[i].IngestedAt = time.Now().UTC()
	}
	e := enrich.New()
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				e.Enrich(out[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// indexRun measures, in one run, (1) a tuned direct bulk loader (pre-built
// NDJSON, 500 documents a request, 2 in flight, external versioning as the
// service uses) into a fresh layout and (2) the index service consuming the
// same documents from a Kafka topic, filled beforehand, into another fresh
// layout. Both are timed alike by visibleRate.
func (b *bench) indexRun(ctx context.Context, work string, n int) (indexResult, error) {
	arts := enrichedStories(n)
	res := indexResult{n: n, directBatch: 500, conc: 2}

	es, err := config.Elasticsearch{URL: b.esURL}.Client()
	if err != nil {
		return res, err
	}
	direct := esindex.NewLayout(uniqueName("bench-direct"))
	if _, err := esindex.Setup(ctx, es, esindex.SetupConfig{Prefix: direct.Prefix}); err != nil {
		return res, err
	}
	now := time.Now().UTC()
	var bodies [][]byte
	var buf bytes.Buffer
	for i, a := range arts {
		fmt.Fprintf(&buf, `{"index":{"_id":%q,"version":%d,"version_type":"external_gte"}}`+"\n", a.ID, a.Version)
		doc, err := json.Marshal(esindex.Document(a, now))
		if err != nil {
			return res, err
		}
		buf.Write(doc)
		buf.WriteByte('\n')
		if (i+1)%res.directBatch == 0 || i == n-1 {
			bodies = append(bodies, bytes.Clone(buf.Bytes()))
			buf.Reset()
		}
	}
	jobs := make(chan []byte)
	errc := make(chan error, res.conc)
	var wg sync.WaitGroup
	pc0 := pidCPU()
	loaderDone := make(chan struct{})
	loadStart := time.Now()
	go func() {
		defer close(loaderDone)
		for c := 0; c < res.conc; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for body := range jobs {
					resp, err := b.client.Post(b.esURL+"/"+direct.WriteAlias()+"/_bulk?filter_path=errors", "application/x-ndjson", bytes.NewReader(body))
					if err != nil {
						errc <- err
						return
					}
					var out struct {
						Errors bool `json:"errors"`
					}
					err = json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
					if err != nil || resp.StatusCode != http.StatusOK || out.Errors {
						errc <- fmt.Errorf("direct bulk: HTTP %d, errors %v, %v", resp.StatusCode, out.Errors, err)
						return
					}
				}
			}()
		}
		for _, body := range bodies {
			jobs <- body
		}
		close(jobs)
		wg.Wait()
		res.directAcked = time.Since(loadStart)
	}()
	res.direct, err = b.visibleRate(ctx, direct.Prefix, n)
	<-loaderDone
	if os.Getenv("WSBENCH_PIDS") != "" {
		fmt.Fprintln(os.Stderr, "wsbench: direct phase CPU", cpuDelta(pc0, pidCPU()))
	}
	select {
	case err := <-errc:
		return res, err
	default:
	}
	if err != nil {
		return res, err
	}

	// The index service on a topic of its own.
	topic := uniqueName("bench-index-in")
	kcfg := kafkaio.Config{Brokers: strings.Split(b.brokers, ",")}
	if err := kafkaio.EnsureTopics(ctx, kcfg, []kafkaio.TopicSpec{{Name: topic, Partitions: 4}}); err != nil {
		return res, err
	}
	alias := uniqueName("bench-service")
	args := []string{"--kafka-brokers", b.brokers, "--log-level", "warn",
		"--enriched-topic", topic, "--dlq-topic", uniqueName("bench-index-dlq"), "--group-id", uniqueName("bench-index-svc"),
		"--es-url", b.esURL, "--index-alias", alias}
	// WSBENCH_INDEX_ARGS adds flags to the index service, for tuning.
	args = append(args, strings.Fields(os.Getenv("WSBENCH_INDEX_ARGS"))...)
	// The topic is filled first, so that producing does not compete with
	// the service for the machine.
	msgs := make([]kafka.Message, n)
	for i, a := range arts {
		v, err := article.Marshal(a)
		if err != nil {
			return res, err
		}
		msgs[i] = kafka.Message{Key: []byte(a.ID), Value: v}
	}
	w := &kafka.Writer{Addr: kafka.TCP(kcfg.Brokers...), Topic: topic, Balancer: &kafka.Hash{}, RequiredAcks: kafka.RequireAll,
		BatchSize: 1000, BatchBytes: 1_000_000, BatchTimeout: 5 * time.Millisecond}
	for i := 0; i < n; i += 1000 {
		if err := w.WriteMessages(ctx, msgs[i:min(i+1000, n)]...); err != nil {
			w.Close()
			return res, fmt.Errorf("produce: %w", err)
		}
	}
	w.Close()
	svc, err := svcproc.New(work, work, "index", args...)
	if err != nil {
		return res, err
	}
	if err := svc.Start(2 * time.Minute); err != nil {
		return res, err
	}
	defer svc.Stop()
	cpu0, _ := svc.CPUTime()
	pc1 := pidCPU()
	if path := os.Getenv("WSBENCH_INDEX_PROFILE"); path != "" {
		go func() { // a CPU profile of the index service while it works
			resp, err := http.Get("http://" + svc.AdminAddr + "/debug/pprof/profile?seconds=3")
			if err != nil {
				return
			}
			defer resp.Body.Close()
			if f, err := os.Create(path); err == nil {
				_, _ = io.Copy(f, resp.Body)
				f.Close()
			}
		}()
	}
	res.service, err = b.visibleRate(ctx, alias, n)
	if err != nil {
		return res, err
	}
	if os.Getenv("WSBENCH_PIDS") != "" {
		fmt.Fprintln(os.Stderr, "wsbench: service phase CPU", cpuDelta(pc1, pidCPU()))
	}
	if resp, err := http.Get("http://" + svc.AdminAddr + "/metrics"); err == nil {
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "wirestream_bulk_size_sum") || strings.HasPrefix(line, "wirestream_bulk_size_count") || strings.HasPrefix(line, "wirestream_bulk_retries_total") {
				fmt.Fprintln(os.Stderr, "wsbench: index service", line)
			}
		}
	}
	cpu1, _ := svc.CPUTime()
	res.serviceCPU = cpu1 - cpu0
	fmt.Fprintf(os.Stderr, "wsbench: index service %s (CPU %s), direct loader %s for %d documents\n",
		res.service.Round(time.Millisecond), res.serviceCPU, res.direct.Round(time.Millisecond), n)
	return res, nil
}

// visibleRate polls the read alias of the layout prefix until n documents
// are searchable and returns the time n documents take at the rate observed
// from the first searchable document to the last, so start-up (index setup,
// consumer group join) and refresh timing affect the loader and the service
// alike.
func (b *bench) visibleRate(ctx context.Context, prefix string, n int) (time.Duration, error) {
	saved := b.alias
	b.alias = prefix
	defer func() { b.alias = saved }()
	var first time.Time
	var c0 int
	deadline := time.Now().Add(5 * time.Minute)
	for {
		c, err := b.count(ctx)
		if err == nil && c > 0 && first.IsZero() {
			first, c0 = time.Now(), c
		}
		if err == nil && c >= n {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s: %d of %d documents searchable after 5 minutes", prefix, c, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if c0 >= n { // everything appeared in one refresh: no rate to observe
		return time.Since(first), nil
	}
	return time.Duration(float64(time.Since(first)) * float64(n) / float64(n-c0)), nil
}
