//go:build integration

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/dlq"
	"github.com/wirestream/wirestream/pkg/kafkaio"
	"github.com/wirestream/wirestream/pkg/storygen"
	"github.com/wirestream/wirestream/pkg/testenv"
)

// pipeline is the three services wired to topics, groups and an index alias
// of their own.
type pipeline struct {
	brokers               []string
	esURL                 string
	raw, enriched, dlq    string
	alias                 string
	indexGroup            string
	ingest, enrich, index *service
	httpAddr              string
}

func startPipeline(t *testing.T) *pipeline {
	t.Helper()
	p := &pipeline{
		brokers:    testenv.KafkaBrokers(t),
		esURL:      testenv.ElasticsearchURL(t),
		raw:        uniqueName("e2e-raw"),
		enriched:   uniqueName("e2e-enriched"),
		dlq:        uniqueName("e2e-dlq"),
		alias:      uniqueName("e2e-articles"),
		indexGroup: uniqueName("e2e-index"),
		httpAddr:   freeAddr(t),
	}
	brokers := strings.Join(p.brokers, ",")
	p.ingest = newService(t, "ingest", "--http-addr", p.httpAddr, "--kafka-brokers", brokers, "--raw-topic", p.raw)
	p.enrich = newService(t, "enrich", "--kafka-brokers", brokers, "--raw-topic", p.raw, "--enriched-topic", p.enriched,
		"--dlq-topic", p.dlq, "--group-id", uniqueName("e2e-enrich"))
	p.index = newService(t, "index", "--kafka-brokers", brokers, "--enriched-topic", p.enriched, "--dlq-topic", p.dlq,
		"--group-id", p.indexGroup, "--es-url", p.esURL, "--index-alias", p.alias)
	p.ingest.start()
	p.enrich.start()
	p.index.start()
	return p
}

// ingestResult is the per-item answer of ingest's HTTP API.
type ingestResult struct {
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
	Results  []struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
		Status  string `json:"status"`
		Error   string `json:"error"`
	} `json:"results"`
}

// postBatch posts articles as NDJSON, retrying while ingest answers 503.
// It is safe to call from any goroutine (it reports errors, not t.Fatal).
func (p *pipeline) postBatch(ctx context.Context, arts []*article.Article) (ingestResult, error) {
	var buf bytes.Buffer
	for _, a := range arts {
		data, err := article.Marshal(a)
		if err != nil {
			return ingestResult{}, err
		}
		buf.Write(data)
		buf.WriteByte('\n')
	}
	for {
		var res ingestResult
		code, err := postJSON(ctx, "http://"+p.httpAddr+"/v1/articles:batch", "application/x-ndjson", buf.Bytes(), &res)
		if err == nil && code/100 == 2 {
			return res, nil
		}
		if ctx.Err() != nil {
			return res, fmt.Errorf("batch not accepted before the deadline: code %d err %v", code, err)
		}
		if code != http.StatusServiceUnavailable && err == nil {
			return res, fmt.Errorf("batch refused with %d: %+v", code, res)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// countDocs returns the number of documents behind the read alias.
func (p *pipeline) countDocs(ctx context.Context) (int, error) {
	var out struct {
		Count int `json:"count"`
	}
	code, err := esRequest(ctx, http.MethodGet, p.esURL+"/"+p.alias+"-read/_count", nil, &out)
	if err != nil {
		return 0, err
	}
	if code != http.StatusOK {
		return 0, fmt.Errorf("count: HTTP %d", code)
	}
	return out.Count, nil
}

// waitForDocs waits until the read alias holds want documents, refreshing
// the index on each poll.
func (p *pipeline) waitForDocs(t *testing.T, want int, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	last := -1
	for {
		_, _ = esRequest(ctx, http.MethodPost, p.esURL+"/"+p.alias+"-read/_refresh", nil, nil)
		n, err := p.countDocs(ctx)
		if err == nil {
			last = n
			if n >= want {
				if n > want {
					t.Fatalf("index holds %d documents, want %d", n, want)
				}
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("index holds %d documents after %s, want %d (last error %v)", last, timeout, want, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

type searchHit struct {
	ID     string         `json:"_id"`
	Source map[string]any `json:"_source"`
}

func (p *pipeline) search(t *testing.T, query map[string]any) []searchHit {
	t.Helper()
	var out struct {
		Hits struct {
			Hits []searchHit `json:"hits"`
		} `json:"hits"`
	}
	code, err := esRequest(context.Background(), http.MethodPost, p.esURL+"/"+p.alias+"-read/_search", query, &out)
	if err != nil || code != http.StatusOK {
		t.Fatalf("search: %d %v", code, err)
	}
	return out.Hits.Hits
}

func stringsOf(v any) []string {
	var out []string
	if list, ok := v.([]any); ok {
		for _, x := range list {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// TestIntegrationPipeline posts the kerry-moscow story and generated stories
// and finds them in Elasticsearch, enriched and searchable by speaker.
func TestIntegrationPipeline(t *testing.T) {
	p := startPipeline(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	kerry, err := os.ReadFile(testenv.SharedDir(t, "fixtures", "wire", "kerry-moscow.txt"))
	if err != nil {
		t.Fatal(err)
	}
	story := append([]byte("Kerry to visit Moscow for Syria talks\n\n"), kerry...)
	for i := 0; i < 2; i++ { // sent twice: still one story
		var res ingestResult
		code, err := postJSON(ctx, "http://"+p.httpAddr+"/v1/articles?source=e2e-desk", "text/plain", story, &res)
		if err != nil || code != http.StatusAccepted {
			t.Fatalf("post kerry-moscow: %d %v %+v", code, err, res)
		}
	}
	gen := storygen.New(42, "e2e")
	var arts []*article.Article
	for n := 0; n < 20; n++ {
		arts = append(arts, gen.Story(n))
	}
	if res, err := p.postBatch(ctx, arts); err != nil || res.Accepted != len(arts) {
		t.Fatalf("batch accepted %d of %d: %v %+v", res.Accepted, len(arts), err, res)
	}
	p.waitForDocs(t, 21, 90*time.Second)

	hits := p.search(t, map[string]any{"query": map[string]any{"term": map[string]any{"quote_speakers": "Sergey Lavrov"}}})
	if len(hits) != 1 {
		t.Fatalf("speaker search found %d stories, want the kerry-moscow story", len(hits))
	}
	src := hits[0].Source
	persons := stringsOf(src["entities"].(map[string]any)["person"])
	for _, want := range []string{"John Kerry", "Sergey Lavrov", "Vladimir Putin", "Dmitry Peskov", "Staffan de Mistura"} {
		if !slices.Contains(persons, want) {
			t.Errorf("entities.person %v lacks %s", persons, want)
		}
	}
	if speakers := stringsOf(src["quote_speakers"]); !slices.Contains(speakers, "Staffan de Mistura") {
		t.Errorf("quote_speakers %v lacks Staffan de Mistura", speakers)
	}
	words := p.search(t, map[string]any{"query": map[string]any{"match_phrase": map[string]any{"body": "Al-Nusra Front"}}})
	if len(words) != 1 || words[0].ID != hits[0].ID {
		t.Errorf("full-text search for Al-Nusra Front found %d stories", len(words))
	}
}

// TestIntegrationFaults sends 5,000 stories while the enrich service is
// killed and restarted, the index service is restarted and Elasticsearch is
// stopped and started; afterwards every story is in the index exactly once.
func TestIntegrationFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("fault run skipped in -short mode")
	}
	const total = 5000
	p := startPipeline(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()

	gen := storygen.New(2026, "e2e-faults")
	ids := make([]string, 0, total)
	var batches [][]*article.Article
	for n := 0; n < total; n += 50 {
		var b []*article.Article
		for i := n; i < n+50 && i < total; i++ {
			a := gen.Story(i)
			ids = append(ids, a.ID)
			b = append(b, a)
		}
		batches = append(batches, b)
	}

	var wg sync.WaitGroup
	wg.Add(1)
	accepted := 0
	var postErr error
	go func() { // about 250 stories a second for 20 seconds
		defer wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for _, b := range batches {
			<-tick.C
			res, err := p.postBatch(ctx, b)
			if err != nil {
				postErr = err
				return
			}
			accepted += res.Accepted
		}
	}()

	time.Sleep(3 * time.Second)
	t.Log("fault: kill -9 enrich, restart")
	p.enrich.kill()
	p.enrich.start()
	time.Sleep(3 * time.Second)
	t.Log("fault: restart index")
	p.index.stop()
	p.index.start()
	time.Sleep(2 * time.Second)
	t.Log("fault: stop Elasticsearch")
	stackScript(t, "es-stop")
	time.Sleep(5 * time.Second)
	t.Log("fault: start Elasticsearch")
	stackScript(t, "es-start")

	wg.Wait()
	if postErr != nil {
		t.Fatal(postErr)
	}
	if accepted != total {
		t.Fatalf("ingest accepted %d of %d stories", accepted, total)
	}
	p.waitForDocs(t, total, 4*time.Minute)

	// Every id is there: ask for them by id in chunks.
	for i := 0; i < len(ids); i += 1000 {
		chunk := ids[i:min(i+1000, len(ids))]
		var out struct {
			Count int `json:"count"`
		}
		code, err := esRequest(ctx, http.MethodPost, p.esURL+"/"+p.alias+"-read/_count",
			map[string]any{"query": map[string]any{"ids": map[string]any{"values": chunk}}}, &out)
		if err != nil || code != http.StatusOK {
			t.Fatalf("count by ids: %d %v", code, err)
		}
		if out.Count != len(chunk) {
			t.Errorf("ids %d-%d: %d of %d found", i, i+len(chunk), out.Count, len(chunk))
		}
	}
	if n := dlqSize(t, p.brokers, p.dlq); n != 0 {
		t.Errorf("%d messages were dead-lettered during the fault run", n)
	}
}

// dlqSize returns the number of messages on topic (0 if it does not exist).
func dlqSize(t *testing.T, brokers []string, topic string) int64 {
	t.Helper()
	conn, err := kafka.Dial("tcp", brokers[0])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	parts, err := conn.ReadPartitions(topic)
	if err != nil {
		return 0
	}
	var total int64
	for _, part := range parts {
		pc, err := kafka.DialLeader(context.Background(), "tcp", brokers[0], topic, part.ID)
		if err != nil {
			t.Fatal(err)
		}
		first, last, err := pc.ReadOffsets()
		pc.Close()
		if err != nil {
			t.Fatal(err)
		}
		total += last - first
	}
	return total
}

// runCLI runs one of the service binaries as a command-line tool and returns
// its standard output.
func runCLI(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(buildBinaries(t), name), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// waitLag waits until the consumer group has consumed all of topic.
func waitLag(t *testing.T, brokers []string, group, topic string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		lag, err := kafkaio.Lag(context.Background(), kafkaio.Config{Brokers: brokers}, group, topic)
		var total int64
		for _, l := range lag {
			total += l
		}
		if err == nil && len(lag) > 0 && total == 0 {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("group %s still lags on %s after %s", group, topic, timeout)
}

// TestIntegrationDeadLetterSearchReplay checks the operator's tools on the
// running pipeline: a story Elasticsearch rejects lands in the dead-letter
// topic with the reason while the others are indexed; `index search` finds
// the kerry-moscow story by speaker and by words; `index dlq list` shows the
// dead letter; and a replay of the raw topic through a new enrich group
// re-indexes every story in place, without duplicates.
func TestIntegrationDeadLetterSearchReplay(t *testing.T) {
	p := startPipeline(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	brokers := strings.Join(p.brokers, ",")

	kerry, err := os.ReadFile(testenv.SharedDir(t, "fixtures", "wire", "kerry-moscow.txt"))
	if err != nil {
		t.Fatal(err)
	}
	story := append([]byte("Kerry to visit Moscow for Syria talks\n\n"), kerry...)
	if code, err := postJSON(ctx, "http://"+p.httpAddr+"/v1/articles?source=e2e-desk", "text/plain", story, nil); err != nil || code != http.StatusAccepted {
		t.Fatalf("post kerry-moscow: %d %v", code, err)
	}
	gen := storygen.New(7, "e2e-dlq")
	arts := []*article.Article{gen.Story(0), gen.Story(1), gen.Story(2)}
	bad := arts[1]
	bad.Keywords = []string{strings.Repeat("k", 40000)} // longer than Lucene's term limit
	if res, err := p.postBatch(ctx, arts); err != nil || res.Accepted != 3 {
		t.Fatalf("batch: %v %+v", err, res)
	}
	// A poison message on the raw topic, as a broken producer would write.
	w := &kafka.Writer{Addr: kafka.TCP(p.brokers...), Topic: p.raw, RequiredAcks: kafka.RequireAll}
	if err := w.WriteMessages(ctx, kafka.Message{Key: []byte("poison"), Value: []byte(`{"id": "poison", "body": `)}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	p.waitForDocs(t, 3, 90*time.Second) // kerry-moscow and the two good stories

	// The poison message is dead-lettered by enrich, the rejected story by
	// index with Elasticsearch's reason.
	var letters []dlq.Entry
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && len(letters) < 2 {
		letters, err = dlq.List(ctx, kafkaio.Config{Brokers: p.brokers}, p.dlq, 0)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if len(letters) != 2 {
		t.Fatalf("want 2 dead letters, got %d: %+v", len(letters), letters)
	}
	byService := map[string]dlq.Entry{}
	for _, e := range letters {
		byService[e.Service] = e
	}
	if e := byService["index"]; string(e.Key) != bad.ID || !strings.Contains(e.Error, "immense term") || e.OriginalTopic != p.enriched {
		t.Errorf("index dead letter %+v", e)
	}
	if e := byService["enrich"]; string(e.Key) != "poison" || e.OriginalTopic != p.raw || e.Error == "" {
		t.Errorf("enrich dead letter %+v", e)
	}
	if out := runCLI(t, "index", "dlq", "list", "--kafka-brokers", brokers, "--dlq-topic", p.dlq); !strings.Contains(out, "2 dead letters") || !strings.Contains(out, bad.ID) {
		t.Errorf("index dlq list:\n%s", out)
	}

	// Terminal search by speaker and by words.
	search := func(args ...string) string {
		return runCLI(t, "index", append([]string{"search", "--es-url", p.esURL, "--index-alias", p.alias}, args...)...)
	}
	if out := search("--speaker", "Sergey Lavrov"); !strings.Contains(out, "Kerry to visit Moscow") || !strings.Contains(out, "Sergey Lavrov") {
		t.Errorf("search --speaker \"Sergey Lavrov\":\n%s", out)
	}
	if out := search("Al-Nusra"); !strings.Contains(out, "Kerry to visit Moscow") {
		t.Errorf("search Al-Nusra:\n%s", out)
	}

	// Replay: a new enrich group re-reads the raw topic from the start.
	group := uniqueName("e2e-enrich-replay")
	if out := runCLI(t, "enrich", "replay", "--kafka-brokers", brokers, "--topic", p.raw, "--group-id", group, "--since", "earliest"); !strings.Contains(out, "will resume") {
		t.Errorf("enrich replay:\n%s", out)
	}
	replay := newService(t, "enrich", "--kafka-brokers", brokers, "--raw-topic", p.raw, "--enriched-topic", p.enriched,
		"--dlq-topic", p.dlq, "--group-id", group)
	replay.start()
	waitLag(t, p.brokers, group, p.raw, 90*time.Second)
	waitLag(t, p.brokers, p.indexGroup, p.enriched, 90*time.Second)
	p.waitForDocs(t, 3, 30*time.Second) // still exactly three documents
}
