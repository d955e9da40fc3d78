package esindex

import (
	"context"
	"sync"
)

// budget counts the operations a Writer holds and not yet settled, up to a
// capacity. Acquire blocks while the budget is spent or a flush is waiting
// for it to drain; release hands back many units at once, so a blocked
// producer is woken once per settled batch rather than once per operation.
type budget struct {
	mu       sync.Mutex
	used     int
	capacity int
	flushing int
	// changed is closed (and replaced) whenever used or flushing changes.
	changed chan struct{}
}

func newBudget(capacity int) *budget {
	return &budget{capacity: capacity, changed: make(chan struct{})}
}

// notifyLocked wakes every waiter. b.mu is held.
func (b *budget) notifyLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// acquire takes one unit, waiting until one is free and no flush is
// draining the budget, or until ctx ends.
func (b *budget) acquire(ctx context.Context) error {
	for {
		b.mu.Lock()
		if b.used < b.capacity && b.flushing == 0 {
			b.used++
			b.mu.Unlock()
			return nil
		}
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// release hands back n units.
func (b *budget) release(n int) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	b.notifyLocked()
	b.mu.Unlock()
}

// drain holds new acquisitions back and waits until every unit is
// released, or ctx ends. It calls kick before each check, so the caller can
// send what an acquisition made just before the drain began.
func (b *budget) drain(ctx context.Context, kick func()) error {
	b.mu.Lock()
	b.flushing++
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.flushing--
		b.notifyLocked()
		b.mu.Unlock()
	}()
	for {
		kick()
		b.mu.Lock()
		if b.used == 0 {
			b.mu.Unlock()
			return nil
		}
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
