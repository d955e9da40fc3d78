// Package pipeline is the Kafka consumer loop shared by the enrich and index
// services: fetch from a consumer group, hand each message to a Handler,
// and commit offsets only for messages whose outcome is final.
//
// # Delivery guarantee
//
// At least once. A message's offset is committed only when it and every
// message fetched before it on the same partition has been acked as
// delivered or dead-lettered (the contiguous watermark, see Tracker).
// Transient failures are retried by the runner with exponential backoff and
// jitter; permanent ones go to the dead-letter topic (synchronously, acks=all)
// before they count as acked. After a crash, a rebalance or a failed commit,
// messages after the last committed offset are delivered again; the
// consumers downstream are idempotent (enrich re-produces the same article
// id, index writes with the article id as document id), so redelivery
// yields no duplicates.
//
// # Rebalances
//
// The reader is kafka-go's consumer-group Reader. When a partition moves to
// another member, messages this runner already fetched from it are still
// handled and acked, but a watermark is never committed when the group's
// committed offset is already at or past it (that would move the group back).
// When the reader goes back to an earlier offset (a partition re-assigned,
// resuming from the last commit) the partition's tracking restarts. A failed
// commit is logged and retried at the next interval.
//
// # Backpressure and readiness
//
// At most MaxInFlight messages are un-acked at any time: when the limit is
// reached the runner stops fetching. Pause and Resume stop and restart
// fetching on request (for example while Elasticsearch rejects bulks).
// Ready is false while paused, after a failed fetch, or while the broker
// does not answer a metadata request.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/wirestream/wirestream/pkg/dlq"
	"github.com/wirestream/wirestream/pkg/kafkaio"
	"github.com/wirestream/wirestream/pkg/obs"
)

// Handler processes one message and reports its outcome exactly once by
// calling ack, before or after Handle returns (a bulk sink acks when
// Elasticsearch confirmed). Later calls of ack are ignored. Handle must not
// keep m's byte slices after acking. ctx is cancelled when the runner gives
// up waiting at shutdown.
type Handler interface {
	Handle(ctx context.Context, m kafka.Message, ack func(Outcome))
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, m kafka.Message, ack func(Outcome))

// Handle implements Handler.
func (f HandlerFunc) Handle(ctx context.Context, m kafka.Message, ack func(Outcome)) { f(ctx, m, ack) }

// Outcome is the result of handling one message.
type Outcome struct {
	// Err is nil on success.
	Err error
	// DeadLetter marks Err as permanent: the message goes to the
	// dead-letter topic with Err's text. Without it a non-nil Err is
	// transient and the message is handled again after a backoff.
	DeadLetter bool
}

// Config configures a Runner. Zero values take the defaults given.
type Config struct {
	// Kafka is how to reach the brokers.
	Kafka kafkaio.Config
	// GroupID is the consumer group, Topic the input topic.
	GroupID, Topic string
	// DLQTopic receives dead letters.
	DLQTopic string
	// Service names the service in dead letters and metrics.
	Service string
	// MaxInFlight bounds the un-acked messages (default 1000).
	MaxInFlight int
	// Workers is the number of goroutines calling Handle (default 4).
	Workers int
	// KeyOrdered sends messages with the same key to the same worker, so
	// Handle is called in fetch order per key. With a synchronous ack
	// (before Handle returns) retries also happen in order; with an
	// asynchronous ack a retried message may be handled after later
	// messages with its key.
	KeyOrdered bool
	// CommitInterval is how often watermarks are committed (default 1 s);
	// they are also committed at shutdown.
	CommitInterval time.Duration
	// MaxAttempts dead-letters a message after that many transient
	// failures (0: retry until shutdown).
	MaxAttempts int
	// RetryBackoff and MaxRetryBackoff bound the exponential backoff
	// between attempts (defaults 200 ms and 30 s); each delay is drawn at
	// random between half and all of the exponential value.
	RetryBackoff, MaxRetryBackoff time.Duration
	// DrainTimeout bounds the wait for in-flight acks at shutdown
	// (default 30 s).
	DrainTimeout time.Duration
	// PingInterval is how often the broker is asked for metadata to
	// decide readiness (default 10 s).
	PingInterval time.Duration
	// LagInterval is how often consumer lag is read from the broker into
	// the metrics (default 15 s; negative disables).
	LagInterval time.Duration
	// SummaryInterval is how often a summary line is logged (default
	// 1 min; negative disables).
	SummaryInterval time.Duration
}

// withDefaults fills in the zero values.
func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 1000
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	def(&c.CommitInterval, time.Second)
	def(&c.RetryBackoff, 200*time.Millisecond)
	def(&c.MaxRetryBackoff, 30*time.Second)
	def(&c.DrainTimeout, 30*time.Second)
	def(&c.PingInterval, 10*time.Second)
	def(&c.LagInterval, 15*time.Second)
	def(&c.SummaryInterval, time.Minute)
	return c
}

// validate names the first missing setting.
func (c Config) validate() error {
	var errs []error
	if c.GroupID == "" {
		errs = append(errs, errors.New("pipeline: group id empty"))
	}
	if c.Topic == "" {
		errs = append(errs, errors.New("pipeline: topic empty"))
	}
	if c.DLQTopic == "" {
		errs = append(errs, errors.New("pipeline: dead-letter topic empty"))
	}
	if c.DLQTopic != "" && c.DLQTopic == c.Topic {
		errs = append(errs, errors.New("pipeline: dead-letter topic equals the input topic"))
	}
	if c.Service == "" {
		errs = append(errs, errors.New("pipeline: service empty"))
	}
	return errors.Join(errs...)
}

// fetcher is the part of *kafka.Reader the runner uses.
type fetcher interface {
	FetchMessage(ctx context.Context) (kafka.Message, error)
	CommitMessages(ctx context.Context, msgs ...kafka.Message) error
	Close() error
}

// writer is the part of *kafka.Writer the runner uses for dead letters.
type writer interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
	Close() error
}

// Runner runs the consumer loop. Create it with New; Run it once.
type Runner struct {
	cfg  Config
	h    Handler
	log  *zap.Logger
	m    *obs.Metrics
	r    fetcher
	dlqw writer
	ping func(context.Context) error
	// brokerCommitted reads the group's committed offsets; nil skips the
	// no-regression guard in commit.
	brokerCommitted func(context.Context) (map[int]int64, error)
	now             func() time.Time

	tracker  *Tracker
	sem      chan struct{}
	inflight atomic.Int64
	workCtx  context.Context // handlers' context, cancelled after the drain
	stopCtx  context.Context // Run's context: retries stop when it ends

	pmu      sync.Mutex
	resumeCh chan struct{} // non-nil while paused

	running   atomic.Bool
	fetchedOK atomic.Bool
	reachable atomic.Bool
	used      atomic.Bool
}

// New builds a Runner with a kafka-go consumer-group reader on cfg.Topic and
// a synchronous acks=all writer for dead letters. log and m may be nil.
func New(cfg Config, h Handler, log *zap.Logger, m *obs.Metrics) (*Runner, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := cfg.Kafka.Validate(); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	rd, err := cfg.Kafka.NewReader(cfg.GroupID, cfg.Topic)
	if err != nil {
		return nil, fmt.Errorf("pipeline reader: %w", err)
	}
	w, err := cfg.Kafka.NewWriter(cfg.DLQTopic)
	if err != nil {
		_ = rd.Close()
		return nil, fmt.Errorf("pipeline dead-letter writer: %w", err)
	}
	kc := cfg.Kafka
	rn := newRunner(cfg, h, log, m, rd, w, func(ctx context.Context) error { return kafkaio.Ping(ctx, kc) })
	rn.brokerCommitted = func(ctx context.Context) (map[int]int64, error) {
		return kafkaio.Committed(ctx, kc, cfg.GroupID, cfg.Topic)
	}
	return rn, nil
}

// newRunner wires a Runner over any fetcher and writer (tests use fakes).
func newRunner(cfg Config, h Handler, log *zap.Logger, m *obs.Metrics, r fetcher, w writer, ping func(context.Context) error) *Runner {
	cfg = cfg.withDefaults()
	if log == nil {
		log = zap.NewNop()
	}
	rn := &Runner{cfg: cfg, h: h, log: log, m: m, r: r, dlqw: w, ping: ping, now: time.Now,
		tracker: NewTracker(), sem: make(chan struct{}, cfg.MaxInFlight)}
	rn.reachable.Store(true)
	// An idle topic has nothing to fetch: only a failed fetch makes the
	// runner unready, not the absence of one.
	rn.fetchedOK.Store(true)
	return rn
}

// Ready reports whether the runner is fetching: it has started, its last
// fetch (if any) succeeded, it is not paused, and the broker answers.
func (r *Runner) Ready() bool {
	return r.running.Load() && r.fetchedOK.Load() && r.reachable.Load() && !r.Paused()
}

// Pause stops fetching until Resume; messages already fetched continue, and
// a fetch already waiting on the broker may still deliver one message.
func (r *Runner) Pause() {
	r.pmu.Lock()
	defer r.pmu.Unlock()
	if r.resumeCh == nil {
		r.resumeCh = make(chan struct{})
		r.log.Info("fetching paused", obs.Topic(r.cfg.Topic))
		if r.m != nil {
			r.m.Paused.Set(1)
		}
	}
}

// Resume restarts fetching after Pause.
func (r *Runner) Resume() {
	r.pmu.Lock()
	defer r.pmu.Unlock()
	if r.resumeCh != nil {
		close(r.resumeCh)
		r.resumeCh = nil
		r.log.Info("fetching resumed", obs.Topic(r.cfg.Topic))
		if r.m != nil {
			r.m.Paused.Set(0)
		}
	}
}

// Paused reports whether Pause is in effect.
func (r *Runner) Paused() bool {
	r.pmu.Lock()
	defer r.pmu.Unlock()
	return r.resumeCh != nil
}

// waitResumed blocks while paused; it returns false when ctx ends first.
func (r *Runner) waitResumed(ctx context.Context) bool {
	r.pmu.Lock()
	ch := r.resumeCh
	r.pmu.Unlock()
	if ch == nil {
		return true
	}
	select {
	case <-ch:
		return true
	case <-ctx.Done():
		return false
	}
}

// job is one fetched message on its way through the handler.
type job struct {
	msg     kafka.Message
	tok     Token
	attempt int
	start   time.Time
	done    atomic.Bool // the final outcome was settled or abandoned
}

// Run fetches and dispatches until ctx is cancelled, then stops fetching,
// waits up to DrainTimeout for in-flight acks, commits the watermarks and
// closes the reader and the dead-letter writer. It returns nil after a clean
// shutdown, or an error when it cannot run at all. Run may be called once.
func (r *Runner) Run(ctx context.Context) error {
	if !r.used.CompareAndSwap(false, true) {
		return errors.New("pipeline: Run called twice")
	}
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	r.workCtx, r.stopCtx = workCtx, ctx
	r.running.Store(true)
	defer r.running.Store(false)
	r.log.Info("pipeline starting", obs.Topic(r.cfg.Topic), zap.String("labels.group", r.cfg.GroupID),
		zap.Int("labels.workers", r.cfg.Workers), zap.Int("labels.max_in_flight", r.cfg.MaxInFlight))

	var bg sync.WaitGroup
	bgCtx, stopBg := context.WithCancel(ctx)
	defer stopBg()
	bg.Go(func() { r.commitLoop(bgCtx) })
	bg.Go(func() { r.pingLoop(bgCtx) })
	if r.cfg.LagInterval > 0 && r.m != nil && len(r.cfg.Kafka.Brokers) > 0 {
		bg.Go(func() {
			kafkaio.CollectLag(bgCtx, r.cfg.Kafka, r.cfg.GroupID, r.cfg.Topic, r.cfg.LagInterval, func(l map[int]int64, err error) {
				if err != nil {
					r.log.Debug("consumer lag unavailable", obs.Err(err))
					return
				}
				r.m.SetLag(r.cfg.GroupID, r.cfg.Topic, l)
			})
		})
	}
	if r.cfg.SummaryInterval > 0 && r.m != nil {
		bg.Go(func() { obs.Summary(bgCtx, r.log, r.m, r.cfg.SummaryInterval) })
	}

	queues := make([]chan *job, r.cfg.Workers)
	var workers sync.WaitGroup
	for i := range queues {
		if i == 0 || r.cfg.KeyOrdered {
			queues[i] = make(chan *job, r.cfg.MaxInFlight/r.cfg.Workers+1)
		} else {
			queues[i] = queues[0] // one shared queue
		}
		workers.Go(func() {
			for j := range queues[i] {
				r.dispatch(j, true)
			}
		})
	}

	r.fetchLoop(ctx, queues)

	// Shutdown: no more fetching; let in-flight messages finish.
	r.log.Info("pipeline draining", zap.Int64("labels.in_flight", r.inflight.Load()))
	r.waitDrained(r.cfg.DrainTimeout)
	cancelWork()
	closed := map[chan *job]bool{}
	for _, q := range queues {
		if !closed[q] {
			close(q)
			closed[q] = true
		}
	}
	waitTimeout(&workers, 5*time.Second)
	stopBg()
	bg.Wait()
	r.commit(context.Background())
	var errs []error
	if err := r.r.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close reader: %w", err))
	}
	if err := r.dlqw.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close dead-letter writer: %w", err))
	}
	left := r.inflight.Load()
	r.log.Info("pipeline stopped", zap.Int64("labels.unacked", left))
	if err := errors.Join(errs...); err != nil {
		r.log.Warn("pipeline close", obs.Err(err))
	}
	return nil
}

// fetchLoop fetches until ctx ends and hands messages to the queues.
func (r *Runner) fetchLoop(ctx context.Context, queues []chan *job) {
	var rr uint64
	fails := 0
	for {
		if !r.waitResumed(ctx) {
			return
		}
		select {
		case r.sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		if r.Paused() { // paused while waiting for a slot
			<-r.sem
			continue
		}
		m, err := r.r.FetchMessage(ctx)
		if err != nil {
			<-r.sem
			if ctx.Err() != nil {
				return
			}
			fails++
			r.fetchedOK.Store(false)
			r.log.Warn("fetch failed", obs.Topic(r.cfg.Topic), obs.Err(err))
			if !sleepCtx(ctx, r.backoff(fails)) {
				return
			}
			continue
		}
		fails = 0
		r.fetchedOK.Store(true)
		r.inflight.Add(1)
		if r.m != nil {
			r.m.InFlight.Inc()
			r.m.In(m.Topic)
		}
		tok, rewound := r.tracker.Add(m.Partition, m.Offset)
		if rewound {
			r.log.Info("partition rewound (rebalance or redelivery); forgetting older pending offsets",
				obs.Topic(m.Topic), obs.Partition(m.Partition), obs.Offset(m.Offset))
		}
		j := &job{msg: m, tok: tok, start: r.now()}
		q := queues[0]
		if r.cfg.KeyOrdered {
			q = queues[r.shard(m, &rr)]
		}
		r.log.Debug("fetched", obs.Topic(m.Topic), obs.Partition(m.Partition), obs.Offset(m.Offset))
		select {
		case q <- j:
		case <-ctx.Done():
			// Fetched but never handled: it stays pending, so its
			// offset is not committed and it is fetched again later.
			r.release(j)
			return
		}
	}
}

// shard picks the worker for m: by key hash, or round robin without a key.
func (r *Runner) shard(m kafka.Message, rr *uint64) int {
	if len(m.Key) == 0 {
		*rr++
		return int(*rr % uint64(r.cfg.Workers))
	}
	h := fnv.New32a()
	_, _ = h.Write(m.Key)
	return int(h.Sum32() % uint32(r.cfg.Workers))
}

// dispatch calls the handler for j. An ack arriving before Handle returns
// is settled on this goroutine after Handle returns (so a worker retries in
// order); a later ack is settled on the acking goroutine, with retries and
// dead-lettering moved to a new goroutine so the acker is not blocked.
func (r *Runner) dispatch(j *job, inline bool) {
	if r.workCtx.Err() != nil {
		r.release(j)
		return
	}
	var (
		mu       sync.Mutex
		inHandle = true
		acked    bool
		stashed  *Outcome
	)
	ack := func(o Outcome) {
		mu.Lock()
		if acked {
			mu.Unlock()
			r.log.Warn("handler acked a message twice; ignoring the second outcome",
				obs.Topic(j.msg.Topic), obs.Partition(j.msg.Partition), obs.Offset(j.msg.Offset))
			return
		}
		acked = true
		if inHandle {
			stashed = &o
			mu.Unlock()
			return
		}
		mu.Unlock()
		r.settle(j, o, false)
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				ack(Outcome{Err: fmt.Errorf("handler panic: %v", p), DeadLetter: true})
			}
		}()
		r.h.Handle(r.workCtx, j.msg, ack)
	}()
	mu.Lock()
	inHandle = false
	s := stashed
	mu.Unlock()
	if s != nil {
		r.settle(j, *s, inline)
	}
}

// settle applies a final or transient outcome.
func (r *Runner) settle(j *job, o Outcome, inline bool) {
	j.attempt++
	switch {
	case o.Err == nil:
		r.finish(j)
		if r.m != nil {
			r.m.Out(j.msg.Topic)
		}
	case o.DeadLetter || (r.cfg.MaxAttempts > 0 && j.attempt >= r.cfg.MaxAttempts):
		if !o.DeadLetter {
			o.Err = fmt.Errorf("gave up after %d attempts: %w", j.attempt, o.Err)
		}
		if inline {
			r.deadLetter(j, o.Err)
		} else {
			go r.deadLetter(j, o.Err)
		}
	default:
		if r.m != nil {
			r.m.Failed(j.msg.Topic)
		}
		r.log.Debug("transient failure; retrying", obs.Topic(j.msg.Topic), obs.Partition(j.msg.Partition),
			obs.Offset(j.msg.Offset), zap.Int("labels.attempt", j.attempt), obs.Err(o.Err))
		retry := func() {
			if !sleepCtx(r.stopCtx, r.backoff(j.attempt)) {
				r.release(j)
				return
			}
			r.dispatch(j, inline)
		}
		if inline {
			retry()
		} else {
			go retry()
		}
	}
}

// deadLetter writes j to the dead-letter topic, retrying until it succeeds
// or the runner gives up at shutdown, and only then acks j.
func (r *Runner) deadLetter(j *job, cause error) {
	letter := dlq.Letter(j.msg, cause, j.attempt, r.cfg.Service, r.now())
	for try := 1; ; try++ {
		ctx, cancel := context.WithTimeout(r.workCtx, 30*time.Second)
		err := r.dlqw.WriteMessages(ctx, letter)
		cancel()
		if err == nil {
			break
		}
		r.log.Warn("dead-letter write failed; retrying", obs.Topic(r.cfg.DLQTopic), obs.Offset(j.msg.Offset), obs.Err(err))
		if !sleepCtx(r.stopCtx, r.backoff(try)) {
			r.release(j)
			return
		}
	}
	r.log.Warn("message dead-lettered", obs.Topic(j.msg.Topic), obs.Partition(j.msg.Partition),
		obs.Offset(j.msg.Offset), zap.Int("labels.attempts", j.attempt), obs.Err(cause))
	if r.m != nil {
		r.m.DeadLetter(j.msg.Topic)
	}
	r.finish(j)
}

// finish acks j in the tracker and frees its in-flight slot.
func (r *Runner) finish(j *job) {
	r.tracker.Ack(j.tok)
	if r.m != nil {
		r.m.ProcessingSeconds.WithLabelValues(j.msg.Topic).Observe(r.now().Sub(j.start).Seconds())
	}
	r.release(j)
}

// release frees j's in-flight slot once, without acking it.
func (r *Runner) release(j *job) {
	if j.done.CompareAndSwap(false, true) {
		r.inflight.Add(-1)
		if r.m != nil {
			r.m.InFlight.Dec()
		}
		<-r.sem
	}
}

// commitLoop commits the watermarks every CommitInterval until ctx ends.
func (r *Runner) commitLoop(ctx context.Context) {
	t := time.NewTicker(r.cfg.CommitInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.commit(ctx)
		}
	}
}

// commit commits every watermark that moved. A failure (typically during or
// after a rebalance) is logged and retried at the next tick: at worst some
// messages are delivered again.
func (r *Runner) commit(parent context.Context) {
	commits := r.tracker.Commits()
	if len(commits) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), 10*time.Second)
	defer cancel()
	r.dropStale(ctx, commits)
	if len(commits) == 0 {
		return
	}
	msgs := make([]kafka.Message, 0, len(commits))
	for p, next := range commits {
		// kafka-go commits the offset after the message's offset.
		msgs = append(msgs, kafka.Message{Topic: r.cfg.Topic, Partition: p, Offset: next - 1})
	}
	if err := r.r.CommitMessages(ctx, msgs...); err != nil {
		if r.m != nil {
			r.m.CommitErrors.Inc()
		}
		r.log.Warn("offset commit failed; will retry (messages may be redelivered)", obs.Topic(r.cfg.Topic), obs.Err(err))
		return
	}
	for p, next := range commits {
		r.tracker.MarkCommitted(p, next)
		r.log.Debug("committed", obs.Topic(r.cfg.Topic), obs.Partition(p), obs.Offset(next))
	}
}

// dropStale removes from commits the partitions where the group already
// committed at least as far. After a rebalance another member may own a
// partition this runner still holds acks for; committing our lower
// watermark would move the group back (Kafka accepts any member's commit),
// and the new owner, already done, would not commit again. The check and
// the commit are not atomic: a regression remains possible in a
// milliseconds-wide window and costs redelivery, never loss.
func (r *Runner) dropStale(ctx context.Context, commits map[int]int64) {
	if r.brokerCommitted == nil {
		return
	}
	cur, err := r.brokerCommitted(ctx)
	if err != nil {
		r.log.Debug("reading committed offsets failed; committing without the regression check", obs.Err(err))
		return
	}
	for p, next := range commits {
		if c, ok := cur[p]; ok && c >= next {
			r.tracker.MarkCommitted(p, next)
			delete(commits, p)
			r.log.Debug("not committing behind the group", obs.Topic(r.cfg.Topic), obs.Partition(p),
				obs.Offset(next), zap.Int64("labels.group_offset", c))
		}
	}
}

// pingLoop keeps the reachable flag current.
func (r *Runner) pingLoop(ctx context.Context) {
	t := time.NewTicker(r.cfg.PingInterval)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, r.cfg.PingInterval)
		err := r.ping(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if was := r.reachable.Swap(err == nil); was != (err == nil) {
			if err != nil {
				r.log.Warn("kafka unreachable", obs.Err(err))
			} else {
				r.log.Info("kafka reachable again")
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// waitDrained waits until nothing is in flight or d passed.
func (r *Runner) waitDrained(d time.Duration) {
	deadline := time.Now().Add(d)
	for r.inflight.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

// backoff returns the delay before attempt n (1-based): exponential with
// full jitter, capped at MaxRetryBackoff.
func (r *Runner) backoff(n int) time.Duration {
	return backoff(r.cfg.RetryBackoff, r.cfg.MaxRetryBackoff, n)
}

// backoff is exponential backoff with jitter: a random delay in [d/2, d]
// where d = base * 2^(n-1), capped at limit.
func backoff(base, limit time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// sleepCtx sleeps d; false when ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// waitTimeout waits for wg at most d.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}
