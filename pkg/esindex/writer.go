package esindex

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"go.uber.org/zap"

	"github.com/wirestream/wirestream/pkg/article"
)

// Op is one article revision to write. Done is called exactly once, from a
// writer goroutine, when the operation is settled; it must not block and
// must not call Add.
type Op struct {
	Article *article.Article
	Done    func(Result)
}

// Result is how an Op was settled.
type Result struct {
	Outcome Outcome
	// Reason is the Elasticsearch error text ("type: reason") for
	// Rejected and Stale, or why an op was Abandoned.
	Reason string
}

// WriterConfig configures a Writer. Zero fields take the defaults shown.
type WriterConfig struct {
	// Alias is the write alias (DefaultPrefix).
	Alias string
	// MaxDocs caps the operations of one bulk request (500).
	MaxDocs int
	// MaxBytes caps the body of one bulk request (5 MiB). A single larger
	// operation is sent alone.
	MaxBytes int
	// FlushInterval is the longest an operation waits for its batch to
	// fill before it is sent (200ms).
	FlushInterval time.Duration
	// MaxInFlight is the number of concurrent bulk requests (3). Add
	// blocks once MaxInFlight full batches are in flight and another is
	// full.
	MaxInFlight int
	// RetryMin and RetryMax bound the exponential backoff between retries
	// of failed items (100ms and 30s); each wait is jittered.
	RetryMin, RetryMax time.Duration
	// OnBulk, when set, is told the operations of every bulk request sent
	// and the items it has to retry (for metrics). It must not block.
	OnBulk func(ops, retried int)
}

func (c WriterConfig) withDefaults() WriterConfig {
	if c.Alias == "" {
		c.Alias = DefaultPrefix
	}
	if c.MaxDocs <= 0 {
		c.MaxDocs = 500
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = 5 << 20
	}
	if c.FlushInterval <= 0 {
		c.FlushInterval = 200 * time.Millisecond
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 3
	}
	if c.RetryMin <= 0 {
		c.RetryMin = 100 * time.Millisecond
	}
	if c.RetryMax < c.RetryMin {
		c.RetryMax = max(30*time.Second, c.RetryMin)
	}
	return c
}

var requireAlias = true

// ErrClosed is returned by Add after Close.
var ErrClosed = errors.New("esindex: writer closed")

// Stats counts what a Writer did since it was created.
type Stats struct {
	Indexed, Deleted, Stale, Rejected, Abandoned int64
	// Requests is the number of bulk requests sent, Retries the number of
	// operations sent again after a transient failure.
	Requests, Retries int64
}

// pending is one encoded operation waiting for Elasticsearch: its action
// and document lines are buf[start:end] of its batch, and line once the
// batch is dispatched.
type pending struct {
	op         Op
	start, end int
	line       []byte
}

// batch is a set of operations sent in one bulk request. buf holds their
// NDJSON, in order; it is not modified after dispatch.
type batch struct {
	items []pending
	buf   bytes.Buffer
	timer *time.Timer
}

// Writer writes articles to Elasticsearch with the bulk API, asynchronously:
// Add queues an operation and returns; Done reports the outcome later.
// Transient failures (429, 5xx, connection errors, also per item inside a
// 200 answer) are retried, only for the failed items, with backoff until
// they succeed or the writer is closed; nothing is dropped.
type Writer struct {
	es  *elasticsearch.Client
	cfg WriterConfig
	log *zap.Logger

	// budget counts operations accepted and not yet settled: its
	// capacity bounds memory and gives Add its backpressure.
	budget *budget
	ready  chan *batch
	wg     sync.WaitGroup

	runCtx    context.Context
	cancelRun context.CancelFunc

	mu     sync.Mutex
	cur    *batch
	closed bool

	failing atomic.Int64

	indexed, deleted, stale, rejected, abandoned, requests, retries atomic.Int64
}

// NewWriter returns a running Writer that indexes into cfg.Alias through es.
// Close it to flush and stop its goroutines. The client's own retries (by
// default up to 3 on 502/503/504 and connection errors) come first; the
// writer's backoff takes over when they give up, so a client created with
// DisableRetry reports trouble through Healthy sooner.
func NewWriter(es *elasticsearch.Client, cfg WriterConfig, log *zap.Logger) *Writer {
	cfg = cfg.withDefaults()
	if log == nil {
		log = zap.NewNop()
	}
	capacity := (cfg.MaxInFlight + 1) * cfg.MaxDocs
	w := &Writer{
		es:     es,
		cfg:    cfg,
		log:    log,
		budget: newBudget(capacity),
		// Every queued batch holds at least one budget unit, so this channel
		// never fills.
		ready: make(chan *batch, capacity),
	}
	w.runCtx, w.cancelRun = context.WithCancel(context.Background())
	for range cfg.MaxInFlight {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for b := range w.ready {
				w.send(b)
			}
		}()
	}
	return w
}

// Add queues op. It blocks while the writer holds as many unsettled
// operations as it may (backpressure) and returns ctx's error if ctx ends
// first, in which case op was not accepted and Done will not be called. An
// article that cannot be encoded is settled at once as Rejected.
func (w *Writer) Add(ctx context.Context, op Op) error {
	if op.Done == nil {
		return errors.New("esindex: Op.Done is nil")
	}
	if err := w.budget.acquire(ctx); err != nil {
		return fmt.Errorf("esindex: add: %w", err)
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		w.budget.release(1)
		return ErrClosed
	}
	if w.cur == nil {
		w.newBatchLocked()
	}
	// Encode straight into the batch's request body: no per-document
	// buffer, no copy when the batch is sent.
	b := w.cur
	start := b.buf.Len()
	if _, err := encodeOp(&b.buf, op.Article, time.Now()); err != nil {
		w.mu.Unlock()
		w.settle(pending{op: op}, Result{Outcome: Rejected, Reason: err.Error()})
		w.budget.release(1)
		return nil
	}
	end := b.buf.Len()
	if len(b.items) > 0 && end > w.cfg.MaxBytes {
		// This operation overflows the batch: send the batch without it
		// and start the next one with it.
		line := bytes.Clone(b.buf.Bytes()[start:end])
		b.buf.Truncate(start)
		w.dispatchLocked()
		w.newBatchLocked()
		b = w.cur
		start = 0
		b.buf.Write(line)
		end = b.buf.Len()
	}
	b.items = append(b.items, pending{op: op, start: start, end: end})
	if len(b.items) >= w.cfg.MaxDocs || end >= w.cfg.MaxBytes {
		w.dispatchLocked()
	}
	w.mu.Unlock()
	return nil
}

// newBatchLocked starts an empty current batch whose timer sends it after
// FlushInterval. w.mu is held.
func (w *Writer) newBatchLocked() {
	b := &batch{}
	b.buf.Grow(64 << 10)
	b.timer = time.AfterFunc(w.cfg.FlushInterval, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.cur == b {
			w.dispatchLocked()
		}
	})
	w.cur = b
}

// dispatchLocked hands the current batch to the senders. w.mu is held.
func (w *Writer) dispatchLocked() {
	b := w.cur
	w.cur = nil
	if b == nil {
		return
	}
	b.timer.Stop()
	if len(b.items) == 0 {
		return
	}
	data := b.buf.Bytes()
	for i := range b.items {
		b.items[i].line = data[b.items[i].start:b.items[i].end]
	}
	w.ready <- b
}

// Flush sends the operations queued so far and waits until every operation
// accepted before and during the call is settled, or ctx ends.
func (w *Writer) Flush(ctx context.Context) error {
	kick := func() {
		w.mu.Lock()
		w.dispatchLocked()
		w.mu.Unlock()
	}
	if err := w.budget.drain(ctx, kick); err != nil {
		return fmt.Errorf("esindex: flush: %w", err)
	}
	return nil
}

// Close stops accepting operations, flushes, and waits until every
// operation is settled. If ctx ends first, the operations still unsettled
// are settled as Abandoned and Close returns ctx's error.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		w.wg.Wait()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	err := w.Flush(ctx)
	if err != nil {
		w.cancelRun()
	}
	w.mu.Lock()
	w.dispatchLocked()
	close(w.ready)
	w.mu.Unlock()
	w.wg.Wait()
	w.cancelRun()
	return err
}

// Healthy reports whether Elasticsearch is accepting writes: it is false
// while some batch is being retried because of transient failures. The
// writer learns about Elasticsearch only through its requests, so an idle
// writer stays healthy.
func (w *Writer) Healthy() bool { return w.failing.Load() == 0 }

// Stats returns the writer's counters.
func (w *Writer) Stats() Stats {
	return Stats{
		Indexed: w.indexed.Load(), Deleted: w.deleted.Load(), Stale: w.stale.Load(),
		Rejected: w.rejected.Load(), Abandoned: w.abandoned.Load(),
		Requests: w.requests.Load(), Retries: w.retries.Load(),
	}
}

// settle reports the outcome of p. The caller releases its budget unit.
func (w *Writer) settle(p pending, r Result) {
	switch r.Outcome {
	case Indexed:
		w.indexed.Add(1)
	case Deleted:
		w.deleted.Add(1)
	case Stale:
		w.stale.Add(1)
	case Rejected:
		w.rejected.Add(1)
	case Abandoned:
		w.abandoned.Add(1)
	}
	p.op.Done(r)
}

// send writes one batch, retrying its failed items until every item is
// settled or the writer is shut down.
func (w *Writer) send(b *batch) {
	items := b.items
	failing := false
	defer func() {
		if failing {
			w.failing.Add(-1)
		}
	}()
	var body bytes.Buffer
	for attempt := 0; ; attempt++ {
		if err := w.runCtx.Err(); err != nil {
			for _, p := range items {
				w.settle(p, Result{Outcome: Abandoned, Reason: "writer closed before Elasticsearch accepted the operation"})
			}
			w.budget.release(len(items))
			return
		}
		data := b.buf.Bytes()
		if attempt > 0 {
			// Only the failed items go again.
			body.Reset()
			for _, p := range items {
				body.Write(p.line)
			}
			data = body.Bytes()
		}
		again, err := w.sendOnce(items, data)
		if err != nil && again == nil {
			again = items
		}
		if len(again) == 0 {
			return
		}
		if !failing {
			failing = true
			w.failing.Add(1)
		}
		w.retries.Add(int64(len(again)))
		if w.cfg.OnBulk != nil {
			w.cfg.OnBulk(0, len(again))
		}
		wait := backoff(w.cfg.RetryMin, w.cfg.RetryMax, attempt)
		if attempt == 0 || attempt%10 == 9 {
			w.log.Warn("elasticsearch bulk failed, retrying",
				zap.Int("items", len(again)), zap.Int("attempt", attempt+1),
				zap.Duration("backoff", wait), zap.Error(err))
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-w.runCtx.Done():
			t.Stop()
		}
		items = again
	}
}

// sendOnce sends items in one bulk request, settles the items whose outcome
// is final and returns those to retry with an error describing the failure.
// An error with no items means the whole request failed transiently.
func (w *Writer) sendOnce(items []pending, body []byte) ([]pending, error) {
	w.requests.Add(1)
	if w.cfg.OnBulk != nil {
		w.cfg.OnBulk(len(items), 0)
	}
	req := esapi.BulkRequest{
		Index:      w.cfg.Alias,
		Body:       bytes.NewReader(body),
		FilterPath: bulkFilterPath,
		// Never let a missing alias auto-create an index with dynamic
		// mappings under the alias's name.
		RequireAlias: &requireAlias,
	}
	resp, err := req.Do(w.runCtx, w.es)
	if err != nil {
		return nil, fmt.Errorf("bulk request: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read bulk answer: %w", err)
	}
	if resp.StatusCode != 200 {
		he := newHTTPError(resp.StatusCode, answer)
		if RetryableStatus(resp.StatusCode) || he.Type == "index_not_found_exception" {
			return nil, fmt.Errorf("bulk request: %w", he)
		}
		reason := he.Error()
		for _, p := range items {
			w.settle(p, Result{Outcome: Rejected, Reason: reason})
		}
		w.budget.release(len(items))
		return nil, nil
	}
	if allSucceeded(answer, len(items)) {
		for _, p := range items {
			o := Indexed
			if p.op.Article.Status == article.StatusCanceled {
				o = Deleted
			}
			w.settle(p, Result{Outcome: o})
		}
		w.budget.release(len(items))
		return nil, nil
	}
	got, err := ParseBulkResponse(answer)
	if err != nil {
		return nil, err
	}
	if len(got) != len(items) {
		return nil, fmt.Errorf("bulk answer has %d items for %d operations", len(got), len(items))
	}
	var again []pending
	var first string
	for i, it := range got {
		v, o, reason := classify(it)
		if v == retry {
			if first == "" {
				first = fmt.Sprintf("status %d: %s", it.Status, reason)
			}
			again = append(again, items[i])
			continue
		}
		w.settle(items[i], Result{Outcome: o, Reason: reason})
	}
	w.budget.release(len(items) - len(again))
	if len(again) > 0 {
		// The request went through; only these items are retried. The
		// error describes them for the log.
		return again, fmt.Errorf("%d bulk items failed, first with %s", len(again), first)
	}
	return nil, nil
}

// backoff returns the wait before retry number attempt+1: exponential from
// lo, capped at hi, with "equal jitter" (half fixed, half random) so
// writers that failed together do not retry together.
func backoff(lo, hi time.Duration, attempt int) time.Duration {
	d := hi
	if attempt < 30 {
		d = min(hi, lo<<attempt)
	}
	half := d / 2
	return half + rand.N(d-half+1)
}
