//go:build integration

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirestream/wirestream/pkg/dlq"
	"github.com/wirestream/wirestream/pkg/kafkaio"
	"github.com/wirestream/wirestream/pkg/obs"
	"github.com/wirestream/wirestream/pkg/testenv"
)

// itEnv is one test's Kafka config and unique topic names.
type itEnv struct {
	kafka            kafkaio.Config
	in, out, dlq, gr string
}

func newItEnv(t *testing.T, partitions int) itEnv {
	t.Helper()
	base := fmt.Sprintf("test.pipeline.%s.%d", strings.ToLower(t.Name()), time.Now().UnixNano())
	e := itEnv{kafka: kafkaio.Config{Brokers: testenv.KafkaBrokers(t), ClientID: "pipeline-test"},
		in: base + ".in", out: base + ".out", dlq: base + ".dlq", gr: base + ".group"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := kafkaio.EnsureTopics(ctx, e.kafka, []kafkaio.TopicSpec{
		{Name: e.in, Partitions: partitions}, {Name: e.out, Partitions: partitions}, {Name: e.dlq, Partitions: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e itEnv) config() Config {
	return Config{Kafka: e.kafka, GroupID: e.gr, Topic: e.in, DLQTopic: e.dlq, Service: "pipeline-test",
		CommitInterval: 100 * time.Millisecond, RetryBackoff: 20 * time.Millisecond, MaxRetryBackoff: 200 * time.Millisecond,
		DrainTimeout: 10 * time.Second, PingInterval: time.Second, LagInterval: 500 * time.Millisecond, SummaryInterval: -1}
}

// produce writes n messages with keys k0..k9 and values v0..v(n-1).
func (e itEnv) produce(t *testing.T, n int, value func(i int) string) {
	t.Helper()
	w, err := e.kafka.NewWriter(e.in)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	msgs := make([]kafka.Message, n)
	for i := range msgs {
		msgs[i] = kafka.Message{Key: fmt.Appendf(nil, "k%d", i%10), Value: []byte(value(i)),
			Headers: []kafka.Header{{Key: "trace_id", Value: fmt.Appendf(nil, "t%d", i)}}}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
}

// consume reads n messages of topic with a fresh group, failing after a
// generous deadline.
func consume(t *testing.T, cfg kafkaio.Config, topic string, n int) []kafka.Message {
	t.Helper()
	r, err := cfg.NewReader(topic+fmt.Sprintf(".reader.%d", time.Now().UnixNano()), topic)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out []kafka.Message
	for len(out) < n {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			t.Fatalf("after %d of %d messages from %s: %v", len(out), n, topic, err)
		}
		out = append(out, m)
	}
	return out
}

// totalCommitted sums the group's committed offsets (-1 counts as 0).
func totalCommitted(t *testing.T, e itEnv) (map[int]int64, int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := kafkaio.Committed(ctx, e.kafka, e.gr, e.in)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, o := range c {
		sum += max(o, 0)
	}
	return c, sum
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// run starts r and returns a function stopping it.
func run(t *testing.T, r *Runner) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func upper(_ context.Context, in kafka.Message) (kafka.Message, error) {
	if string(in.Value) == "poison" {
		return kafka.Message{}, errors.New("article: body empty")
	}
	return kafka.Message{Value: []byte(strings.ToUpper(string(in.Value))), Headers: in.Headers}, nil
}

func TestIntegrationTransformAndDeadLetter(t *testing.T) {
	e := newItEnv(t, 2)
	const n = 300
	e.produce(t, n, func(i int) string {
		if i == 123 {
			return "poison"
		}
		return fmt.Sprintf("v%d", i)
	})
	p, err := NewAsyncProducer(e.kafka)
	if err != nil {
		t.Fatal(err)
	}
	m := obs.NewMetrics("pipeline-test")
	r, err := New(e.config(), Transform(e.out, p, upper, nil), nil, m)
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, r)
	out := consume(t, e.kafka, e.out, n-1)
	seen := map[string]bool{}
	for _, msg := range out {
		seen[string(msg.Value)] = true
		want := fmt.Sprintf("k%s", strings.TrimPrefix(string(msg.Value), "V"))
		if string(msg.Key) != "k"+want[len(want)-1:] {
			t.Fatalf("key %q for value %q", msg.Key, msg.Value)
		}
	}
	if len(seen) != n-1 || seen["POISON"] {
		t.Fatalf("%d distinct outputs", len(seen))
	}
	waitFor(t, "all input committed", func() bool { _, s := totalCommitted(t, e); return s == n })
	waitFor(t, "lag reported for both partitions, at zero", func() bool {
		return lagSeries(t, m) == 2 && m.Totals().Lag == 0
	})
	if tot := m.Totals(); tot.In != n || tot.Out != n-1 || tot.DeadLettered != 1 {
		t.Errorf("totals %+v", tot)
	}
	if !r.Ready() {
		t.Error("runner not ready")
	}
	stop()
	if err := p.Close(); err != nil {
		t.Error(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	entries, err := dlq.List(ctx, e.kafka, e.dlq, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("%d dead letters", len(entries))
	}
	d := entries[0]
	if d.Error != "article: body empty" || d.OriginalTopic != e.in || d.Service != "pipeline-test" || d.Attempts != 1 ||
		string(d.Key) != "k3" || string(d.Message.Value) != "poison" {
		t.Errorf("dead letter %+v", d)
	}
	var trace string
	for _, h := range d.Message.Headers {
		if h.Key == "trace_id" {
			trace = string(h.Value)
		}
	}
	if trace != "t123" {
		t.Errorf("original header trace_id %q not kept", trace)
	}
}

// gateProducer holds produce requests until open is closed, then passes
// them to the real producer.
type gateProducer struct {
	next Producer
	open chan struct{}
	held sync.WaitGroup
}

func (g *gateProducer) Produce(ctx context.Context, m kafka.Message, done func(error)) {
	g.held.Go(func() {
		<-g.open
		g.next.Produce(ctx, m, done)
	})
}

func TestIntegrationNoCommitBeforeProduce(t *testing.T) {
	e := newItEnv(t, 1)
	const n = 50
	e.produce(t, n, func(i int) string { return fmt.Sprintf("v%d", i) })
	p, err := NewAsyncProducer(e.kafka)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	g := &gateProducer{next: p, open: make(chan struct{})}
	m := obs.NewMetrics("pipeline-test")
	r, err := New(e.config(), Transform(e.out, g, upper, nil), nil, m)
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, r)
	waitFor(t, "every message fetched", func() bool { return m.Totals().In == n })
	time.Sleep(500 * time.Millisecond) // five commit intervals
	if c, s := totalCommitted(t, e); s != 0 {
		t.Fatalf("committed %v while no produce was acknowledged", c)
	}
	close(g.open)
	waitFor(t, "all committed after the produces", func() bool { _, s := totalCommitted(t, e); return s == n })
	stop()
	g.held.Wait()
	if got := len(consume(t, e.kafka, e.out, n)); got != n {
		t.Fatalf("%d outputs", got)
	}
}

func TestIntegrationRestartLosesNothing(t *testing.T) {
	e := newItEnv(t, 2)
	const n = 400
	e.produce(t, n, func(i int) string { return fmt.Sprintf("v%d", i) })
	type pos struct {
		p int
		o int64
	}
	var mu sync.Mutex
	first, second := map[pos]bool{}, map[pos]bool{}
	stopAt := make(chan struct{})
	var once sync.Once
	record := func(set map[pos]bool, limit int) Handler {
		return HandlerFunc(func(_ context.Context, m kafka.Message, ack func(Outcome)) {
			mu.Lock()
			set[pos{m.Partition, m.Offset}] = true
			k := len(set)
			mu.Unlock()
			if limit > 0 && k >= limit {
				once.Do(func() { close(stopAt) })
			}
			ack(Outcome{})
		})
	}
	cfg := e.config()
	cfg.MaxInFlight = 20
	r1, err := New(cfg, record(first, n/3), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop1 := run(t, r1)
	<-stopAt
	stop1() // cancel mid-run: drains, commits what was acked
	committed, sum := totalCommitted(t, e)
	if sum == 0 || sum >= n {
		t.Fatalf("committed %v after a partial run", committed)
	}
	r2, err := New(cfg, record(second, 0), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop2 := run(t, r2)
	waitFor(t, "second run commits everything", func() bool { _, s := totalCommitted(t, e); return s == n })
	stop2()
	mu.Lock()
	defer mu.Unlock()
	for q := range second {
		if q.o < committed[q.p] {
			t.Errorf("offset %d/%d redelivered though committed up to %d", q.p, q.o, committed[q.p])
		}
	}
	missing := 0
	for q := range first {
		second[q] = true
	}
	for p := range 2 {
		_, end := offsetsOf(t, e)
		for o := int64(0); o < end[p]; o++ {
			if !second[pos{p, o}] {
				missing++
			}
		}
	}
	if missing != 0 {
		t.Fatalf("%d messages never handled", missing)
	}
}

func offsetsOf(t *testing.T, e itEnv) (map[int]int64, map[int]int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f, end, err := kafkaio.Offsets(ctx, e.kafka, e.in)
	if err != nil {
		t.Fatal(err)
	}
	return f, end
}

// lagSeries counts the kafka_consumergroup_lag series gathered from m.
func lagSeries(t *testing.T, m *obs.Metrics) int {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == "kafka_consumergroup_lag" {
			return len(f.GetMetric())
		}
	}
	return 0
}

func TestIntegrationRebalanceTwoRunners(t *testing.T) {
	e := newItEnv(t, 4)
	const n = 600
	e.produce(t, n, func(i int) string { return fmt.Sprintf("v%d", i) })
	var mu sync.Mutex
	handled := map[[2]int64]int{}
	byRunner := [2]int{}
	started := make(chan struct{})
	var once sync.Once
	handler := func(id int, delay time.Duration) Handler {
		return HandlerFunc(func(_ context.Context, m kafka.Message, ack func(Outcome)) {
			mu.Lock()
			handled[[2]int64{int64(m.Partition), m.Offset}]++
			byRunner[id]++
			k := len(handled)
			mu.Unlock()
			if k >= 30 {
				once.Do(func() { close(started) })
			}
			time.Sleep(delay) // the first runner alone would need about 6 s
			ack(Outcome{})
		})
	}
	cfg := e.config()
	cfg.MaxInFlight = 10
	r1, err := New(cfg, handler(0, 30*time.Millisecond), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop1 := run(t, r1)
	<-started
	r2, err := New(cfg, handler(1, 0), nil, nil) // joining the group triggers a rebalance
	if err != nil {
		t.Fatal(err)
	}
	stop2 := run(t, r2)
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, s := totalCommitted(t, e)
		if s == n {
			break
		}
		if time.Now().After(deadline) {
			_, end := offsetsOf(t, e)
			mu.Lock()
			t.Fatalf("committed %v, end %v, handled %d by runner %v", c, end, len(handled), byRunner)
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop1()
	stop2()
	mu.Lock()
	defer mu.Unlock()
	if len(handled) != n {
		t.Fatalf("%d of %d messages handled", len(handled), n)
	}
	if byRunner[1] == 0 {
		t.Fatalf("the second runner never got a partition: %v", byRunner)
	}
	again := 0
	for _, c := range handled {
		if c > 1 {
			again++
		}
	}
	t.Logf("handled by runner: %v; %d messages handled twice around the rebalance (at least once allows it)", byRunner, again)
}
