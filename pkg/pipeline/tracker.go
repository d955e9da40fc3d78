package pipeline

import (
	"sort"
	"sync"
)

// Token identifies one fetched message in a Tracker.
type Token struct {
	Partition int
	Offset    int64
	epoch     uint64
}

// pending is one fetched message of a partition and whether it is acked.
type pending struct {
	offset int64
	acked  bool
}

// partTrack is the state of one partition.
type partTrack struct {
	epoch     uint64
	last      int64     // highest offset fetched in this epoch, -1 when none
	queue     []pending // fetched, not yet below the watermark, in offset order
	ready     int64     // next offset to commit (watermark), -1 when nothing acked
	committed int64     // last offset reported committed, -1 when none
}

// Tracker computes, per partition, the offset a consumer may commit: one
// past the highest offset below which every fetched message has been acked
// (the contiguous watermark). Offsets need not be contiguous (compaction,
// transaction markers): only fetched messages count. Fetching an offset not
// above the last fetched one means the reader went back (a rebalance or a
// restart): the partition starts a new epoch and acks of the old epoch are
// ignored. A Tracker is safe for concurrent use.
type Tracker struct {
	mu    sync.Mutex
	parts map[int]*partTrack
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker { return &Tracker{parts: map[int]*partTrack{}} }

// Add records a fetched message and returns its token; rewound reports that
// the partition went back and earlier pending messages were forgotten.
func (t *Tracker) Add(partition int, offset int64) (tok Token, rewound bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.parts[partition]
	if p == nil {
		p = &partTrack{last: -1, ready: -1, committed: -1}
		t.parts[partition] = p
	}
	if p.last >= 0 && offset <= p.last {
		p.epoch++
		p.queue = p.queue[:0]
		p.ready = -1
		rewound = true
	}
	p.last = offset
	p.queue = append(p.queue, pending{offset: offset})
	return Token{Partition: partition, Offset: offset, epoch: p.epoch}, rewound
}

// Ack marks the message acked and advances the watermark. It returns false
// for a token of an earlier epoch or one already acked.
func (t *Tracker) Ack(tok Token) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.parts[tok.Partition]
	if p == nil || p.epoch != tok.epoch {
		return false
	}
	i := sort.Search(len(p.queue), func(i int) bool { return p.queue[i].offset >= tok.Offset })
	if i == len(p.queue) || p.queue[i].offset != tok.Offset || p.queue[i].acked {
		return false
	}
	p.queue[i].acked = true
	n := 0
	for n < len(p.queue) && p.queue[n].acked {
		n++
	}
	if n > 0 {
		p.ready = p.queue[n-1].offset + 1
		p.queue = append(p.queue[:0], p.queue[n:]...)
	}
	return true
}

// Commits returns, for every partition whose watermark moved past what was
// last marked committed, the next offset to commit (Kafka's convention: the
// offset of the next message to read).
func (t *Tracker) Commits() map[int]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[int]int64{}
	for id, p := range t.parts {
		if p.ready > p.committed {
			out[id] = p.ready
		}
	}
	return out
}

// MarkCommitted records that offset (a value from Commits) was committed.
func (t *Tracker) MarkCommitted(partition int, offset int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if p := t.parts[partition]; p != nil && offset > p.committed {
		p.committed = offset
	}
}

// Pending returns the number of fetched messages of the current epochs not
// yet below a watermark (acked or not).
func (t *Tracker) Pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, p := range t.parts {
		n += len(p.queue)
	}
	return n
}
