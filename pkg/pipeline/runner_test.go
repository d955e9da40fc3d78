package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirestream/wirestream/pkg/dlq"
	"github.com/wirestream/wirestream/pkg/obs"
)

// fakeReader is an in-memory fetcher: messages are queued by the test and
// commits are recorded as Kafka would store them (next offset to read).
type fakeReader struct {
	ch      chan kafka.Message
	mu      sync.Mutex
	commits map[int]int64
	fetched int
	closed  bool
}

func newFakeReader() *fakeReader {
	return &fakeReader{ch: make(chan kafka.Message, 10000), commits: map[int]int64{}}
}

func (f *fakeReader) FetchMessage(ctx context.Context) (kafka.Message, error) {
	select {
	case m := <-f.ch:
		f.mu.Lock()
		f.fetched++
		f.mu.Unlock()
		return m, nil
	case <-ctx.Done():
		return kafka.Message{}, ctx.Err()
	}
}

func (f *fakeReader) CommitMessages(_ context.Context, msgs ...kafka.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range msgs {
		f.commits[m.Partition] = m.Offset + 1 // as Kafka: the last commit wins, even a lower one
	}
	return nil
}

func (f *fakeReader) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func (f *fakeReader) committed() map[int]int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.commits)
}

func (f *fakeReader) fetchCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fetched
}

// feed queues n messages per partition with keys k0..k4.
func (f *fakeReader) feed(topic string, partitions, n int) {
	for p := range partitions {
		for o := range n {
			f.ch <- kafka.Message{Topic: topic, Partition: p, Offset: int64(o),
				Key: fmt.Appendf(nil, "k%d", o%5), Value: fmt.Appendf(nil, "v%d-%d", p, o),
				Headers: []kafka.Header{{Key: "trace_id", Value: []byte("t")}}}
		}
	}
}

// fakeWriter records dead letters; block, when set, holds writes until closed.
type fakeWriter struct {
	mu       sync.Mutex
	msgs     []kafka.Message
	failures int // fail this many writes first
	block    chan struct{}
}

func (w *fakeWriter) WriteMessages(ctx context.Context, msgs ...kafka.Message) error {
	if w.block != nil {
		select {
		case <-w.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.failures > 0 {
		w.failures--
		return errors.New("broker not available")
	}
	w.msgs = append(w.msgs, msgs...)
	return nil
}

func (w *fakeWriter) Close() error { return nil }

func (w *fakeWriter) letters() []kafka.Message {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]kafka.Message(nil), w.msgs...)
}

func testConfig() Config {
	return Config{GroupID: "g", Topic: "in", DLQTopic: "in.dlq", Service: "test", Workers: 3,
		CommitInterval: 5 * time.Millisecond, RetryBackoff: time.Millisecond, MaxRetryBackoff: 5 * time.Millisecond,
		DrainTimeout: 2 * time.Second, LagInterval: -1, SummaryInterval: -1, PingInterval: time.Hour}
}

// start runs a runner over fakes and returns a stop function that cancels
// it and waits for Run to return.
func start(t *testing.T, cfg Config, h Handler, fr *fakeReader, fw *fakeWriter, m *obs.Metrics) (*Runner, func()) {
	t.Helper()
	r := newRunner(cfg, h, nil, m, fr, fw, func(context.Context) error { return nil })
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
	return r, stop
}

// eventually polls cond until it holds or a generous deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func ackAll() Handler {
	return HandlerFunc(func(_ context.Context, _ kafka.Message, ack func(Outcome)) { ack(Outcome{}) })
}

func TestRunnerDeliversAndCommits(t *testing.T) {
	fr, fw := newFakeReader(), &fakeWriter{}
	m := obs.NewMetrics("test")
	fr.feed("in", 3, 50)
	r, stop := start(t, testConfig(), ackAll(), fr, fw, m)
	want := map[int]int64{0: 50, 1: 50, 2: 50}
	eventually(t, "all committed", func() bool { return maps.Equal(fr.committed(), want) })
	if !r.Ready() {
		t.Error("runner not ready while fetching")
	}
	stop()
	if tot := m.Totals(); tot.In != 150 || tot.Out != 150 || tot.DeadLettered != 0 {
		t.Errorf("totals %+v", tot)
	}
	if !fr.closed {
		t.Error("reader not closed")
	}
}

func TestRunnerNeverCommitsPastUnacked(t *testing.T) {
	fr, fw := newFakeReader(), &fakeWriter{}
	fr.feed("in", 2, 10)
	held := make(chan func(Outcome), 1)
	var mu sync.Mutex
	acked := 0
	h := HandlerFunc(func(_ context.Context, m kafka.Message, ack func(Outcome)) {
		if m.Partition == 0 && m.Offset == 4 {
			held <- ack // acked later, asynchronously
			return
		}
		ack(Outcome{})
		mu.Lock()
		acked++
		mu.Unlock()
	})
	start(t, testConfig(), h, fr, fw, nil)
	eventually(t, "19 acks and partition 1 committed", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return acked == 19 && fr.committed()[1] == 10
	})
	// Give the commit loop several ticks: partition 0 must stay at 4.
	time.Sleep(50 * time.Millisecond)
	if got := fr.committed()[0]; got != 4 {
		t.Fatalf("partition 0 committed %d with offset 4 un-acked, want 4", got)
	}
	(<-held)(Outcome{})
	eventually(t, "partition 0 committed after the late ack", func() bool { return fr.committed()[0] == 10 })
}

func TestRunnerRetriesTransientFailures(t *testing.T) {
	fr, fw := newFakeReader(), &fakeWriter{}
	fr.feed("in", 1, 6)
	m := obs.NewMetrics("test")
	var mu sync.Mutex
	calls := map[int64]int{}
	h := HandlerFunc(func(_ context.Context, msg kafka.Message, ack func(Outcome)) {
		mu.Lock()
		calls[msg.Offset]++
		n := calls[msg.Offset]
		mu.Unlock()
		if msg.Offset == 3 && n < 3 {
			ack(Outcome{Err: errors.New("elasticsearch: 429")})
			return
		}
		ack(Outcome{})
	})
	_, stop := start(t, testConfig(), h, fr, fw, m)
	eventually(t, "all committed", func() bool { return fr.committed()[0] == 6 })
	stop()
	mu.Lock()
	defer mu.Unlock()
	if calls[3] != 3 || calls[2] != 1 {
		t.Errorf("handle calls %v, want offset 3 three times, others once", calls)
	}
	if tot := m.Totals(); tot.Failed != 2 || tot.DeadLettered != 0 || len(fw.letters()) != 0 {
		t.Errorf("totals %+v, letters %d", tot, len(fw.letters()))
	}
}

func TestRunnerDeadLetters(t *testing.T) {
	fr := newFakeReader()
	fw := &fakeWriter{failures: 2, block: make(chan struct{})}
	fr.feed("in", 1, 5)
	m := obs.NewMetrics("test")
	h := HandlerFunc(func(_ context.Context, msg kafka.Message, ack func(Outcome)) {
		if msg.Offset == 2 {
			ack(Outcome{Err: errors.New("body: empty"), DeadLetter: true})
			return
		}
		ack(Outcome{})
	})
	start(t, testConfig(), h, fr, fw, m)
	eventually(t, "offsets below the poison message committed", func() bool { return fr.committed()[0] == 2 })
	time.Sleep(50 * time.Millisecond)
	if got := fr.committed()[0]; got != 2 {
		t.Fatalf("committed %d before the dead letter was written", got)
	}
	close(fw.block) // the DLQ write now fails twice, then succeeds
	eventually(t, "everything committed after the dead letter", func() bool { return fr.committed()[0] == 5 })
	letters := fw.letters()
	if len(letters) != 1 {
		t.Fatalf("%d dead letters", len(letters))
	}
	e, err := dlq.Parse(letters[0])
	if err != nil {
		t.Fatal(err)
	}
	if e.Error != "body: empty" || e.OriginalTopic != "in" || e.OriginalOffset != 2 || e.Service != "test" || e.Attempts != 1 ||
		string(letters[0].Key) != "k2" || string(letters[0].Value) != "v0-2" {
		t.Errorf("dead letter %+v", e)
	}
	if m.Totals().DeadLettered != 1 {
		t.Errorf("dead-lettered count %d", m.Totals().DeadLettered)
	}
}

func TestRunnerMaxAttemptsAndPanic(t *testing.T) {
	fr, fw := newFakeReader(), &fakeWriter{}
	fr.feed("in", 1, 3)
	h := HandlerFunc(func(_ context.Context, msg kafka.Message, ack func(Outcome)) {
		switch msg.Offset {
		case 0:
			ack(Outcome{Err: errors.New("timeout")})
		case 1:
			panic("nil map")
		default:
			ack(Outcome{})
			ack(Outcome{Err: errors.New("second ack must be ignored")})
		}
	})
	cfg := testConfig()
	cfg.MaxAttempts = 3
	start(t, cfg, h, fr, fw, nil)
	eventually(t, "all committed", func() bool { return fr.committed()[0] == 3 })
	var errs []string
	for _, l := range fw.letters() {
		e, _ := dlq.Parse(l)
		errs = append(errs, fmt.Sprintf("%d:%d:%s", e.OriginalOffset, e.Attempts, e.Error))
	}
	if len(errs) != 2 || !strings.Contains(strings.Join(errs, "|"), "0:3:gave up after 3 attempts: timeout") ||
		!strings.Contains(strings.Join(errs, "|"), "1:1:handler panic: nil map") {
		t.Errorf("dead letters %v", errs)
	}
}

func TestRunnerKeyOrdered(t *testing.T) {
	fr, fw := newFakeReader(), &fakeWriter{}
	fr.feed("in", 1, 200)
	var mu sync.Mutex
	seen := map[string][]int64{}
	h := HandlerFunc(func(_ context.Context, msg kafka.Message, ack func(Outcome)) {
		mu.Lock()
		seen[string(msg.Key)] = append(seen[string(msg.Key)], msg.Offset)
		n := len(seen[string(msg.Key)])
		mu.Unlock()
		if n%7 == 0 { // a transient failure: the retry must happen before later messages of the key
			ack(Outcome{Err: errors.New("retry me")})
			return
		}
		ack(Outcome{})
	})
	cfg := testConfig()
	cfg.KeyOrdered, cfg.Workers = true, 4
	start(t, cfg, h, fr, fw, nil)
	eventually(t, "all committed", func() bool { return fr.committed()[0] == 200 })
	mu.Lock()
	defer mu.Unlock()
	for k, offs := range seen {
		for i := 1; i < len(offs); i++ {
			if offs[i] < offs[i-1] {
				t.Fatalf("key %s handled out of order: %v", k, offs)
			}
		}
	}
}

func TestRunnerBackpressureAndPause(t *testing.T) {
	fr, fw := newFakeReader(), &fakeWriter{}
	fr.feed("in", 1, 10)
	acks := make(chan func(Outcome), 10)
	h := HandlerFunc(func(_ context.Context, _ kafka.Message, ack func(Outcome)) { acks <- ack })
	cfg := testConfig()
	cfg.MaxInFlight = 3
	r, _ := start(t, cfg, h, fr, fw, nil)
	eventually(t, "3 fetched", func() bool { return fr.fetchCount() == 3 })
	time.Sleep(20 * time.Millisecond)
	if n := fr.fetchCount(); n != 3 {
		t.Fatalf("fetched %d with MaxInFlight 3 and nothing acked", n)
	}
	r.Pause()
	if r.Ready() {
		t.Error("ready while paused")
	}
	(<-acks)(Outcome{})
	time.Sleep(20 * time.Millisecond)
	if n := fr.fetchCount(); n != 3 {
		t.Fatalf("fetched %d while paused", n)
	}
	r.Resume()
	eventually(t, "fetching resumes", func() bool { return fr.fetchCount() == 4 && r.Ready() })
	for range 9 {
		(<-acks)(Outcome{})
	}
	eventually(t, "all committed", func() bool { return fr.committed()[0] == 10 })
}

func TestRunnerShutdownCommitsOnlyAcked(t *testing.T) {
	fr, fw := newFakeReader(), &fakeWriter{}
	fr.feed("in", 1, 6)
	h := HandlerFunc(func(_ context.Context, msg kafka.Message, ack func(Outcome)) {
		if msg.Offset == 3 {
			return // never acked
		}
		ack(Outcome{})
	})
	cfg := testConfig()
	cfg.CommitInterval = time.Hour // only the shutdown commit
	cfg.DrainTimeout = 50 * time.Millisecond
	_, stop := start(t, cfg, h, fr, fw, nil)
	eventually(t, "all fetched", func() bool { return fr.fetchCount() == 6 })
	stop()
	if got := fr.committed()[0]; got != 3 {
		t.Fatalf("shutdown commit %d, want 3 (offset 3 never acked)", got)
	}
}

func TestRunnerRewind(t *testing.T) {
	fr, fw := newFakeReader(), &fakeWriter{}
	for _, o := range []int64{0, 1, 2, 1, 2, 3} { // redelivery after a rebalance
		fr.ch <- kafka.Message{Topic: "in", Offset: o}
	}
	start(t, testConfig(), ackAll(), fr, fw, nil)
	eventually(t, "all committed", func() bool { return fr.committed()[0] == 4 })
}

func TestConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		mod  func(*Config)
		want string
	}{
		{func(c *Config) { c.GroupID = "" }, "group id empty"},
		{func(c *Config) { c.DLQTopic = c.Topic }, "dead-letter topic equals"},
		{func(c *Config) { c.Service = "" }, "service empty"},
		{func(c *Config) {}, "kafka-brokers: empty"},
	} {
		c := testConfig()
		tc.mod(&c)
		if _, err := New(c, ackAll(), nil, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		n        int
		min, max time.Duration
	}{{1, 50 * time.Millisecond, 100 * time.Millisecond}, {3, 200 * time.Millisecond, 400 * time.Millisecond}, {20, time.Second, 2 * time.Second}} {
		for range 50 {
			if d := backoff(100*time.Millisecond, 2*time.Second, tc.n); d < tc.min || d > tc.max {
				t.Fatalf("attempt %d: %v outside [%v, %v]", tc.n, d, tc.min, tc.max)
			}
		}
	}
}

func BenchmarkRunnerSyncAck(b *testing.B) {
	fr, fw := newFakeReader(), &fakeWriter{}
	r := newRunner(testConfig(), ackAll(), nil, nil, fr, fw, func(context.Context) error { return nil })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	msg := kafka.Message{Topic: "in", Key: []byte("k"), Value: make([]byte, 1024)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ { // per message: fetch, dispatch, handle, ack, commit
		msg.Offset = int64(i)
		fr.ch <- msg
	}
	for fr.committed()[0] < int64(b.N) {
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	cancel()
	<-done
}

func TestRunnerReadyWhileIdleAndUnreachable(t *testing.T) {
	fr, fw := newFakeReader(), &fakeWriter{}
	var mu sync.Mutex
	pingErr := error(nil)
	cfg := testConfig()
	cfg.PingInterval = 5 * time.Millisecond
	r := newRunner(cfg, ackAll(), nil, nil, fr, fw, func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		return pingErr
	})
	if r.Ready() {
		t.Fatal("ready before Run")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() { cancel(); <-done }()
	eventually(t, "ready on an empty topic", r.Ready)
	mu.Lock()
	pingErr = errors.New("connection refused")
	mu.Unlock()
	eventually(t, "not ready while Kafka is unreachable", func() bool { return !r.Ready() })
	mu.Lock()
	pingErr = nil
	mu.Unlock()
	eventually(t, "ready again", r.Ready)
}

func TestRunnerDoesNotCommitBehindTheGroup(t *testing.T) {
	fr, fw := newFakeReader(), &fakeWriter{}
	fr.commits[0] = 8 // another member already committed partition 0 up to 8
	fr.feed("in", 2, 5)
	r := newRunner(testConfig(), ackAll(), nil, nil, fr, fw, func(context.Context) error { return nil })
	r.brokerCommitted = func(context.Context) (map[int]int64, error) { return fr.committed(), nil }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	eventually(t, "partition 1 committed", func() bool { return fr.committed()[1] == 5 })
	cancel()
	<-done
	if got := fr.committed()[0]; got != 8 {
		t.Fatalf("partition 0 moved back to %d", got)
	}
}
