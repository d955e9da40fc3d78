package pipeline

import (
	"maps"
	"testing"
)

func TestTrackerWatermark(t *testing.T) {
	type step struct {
		op        string // "add", "ack", "commit" (MarkCommitted of every Commits entry)
		partition int
		offset    int64
		want      map[int]int64 // Commits() after the step
	}
	none := map[int]int64{}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"in order", []step{
			{"add", 0, 0, none}, {"add", 0, 1, none}, {"ack", 0, 0, map[int]int64{0: 1}}, {"ack", 0, 1, map[int]int64{0: 2}},
		}},
		{"gap blocks until acked", []step{
			{"add", 0, 0, none}, {"add", 0, 1, none}, {"add", 0, 2, none},
			{"ack", 0, 2, none}, {"ack", 0, 1, none}, {"ack", 0, 0, map[int]int64{0: 3}},
		}},
		{"non contiguous offsets", []step{
			{"add", 0, 10, none}, {"add", 0, 15, none}, {"ack", 0, 15, none}, {"ack", 0, 10, map[int]int64{0: 16}},
		}},
		{"partitions independent", []step{
			{"add", 0, 0, none}, {"add", 1, 5, none}, {"ack", 1, 5, map[int]int64{1: 6}}, {"ack", 0, 0, map[int]int64{0: 1, 1: 6}},
		}},
		{"committed not reported again", []step{
			{"add", 0, 0, none}, {"ack", 0, 0, map[int]int64{0: 1}}, {"commit", 0, 0, none},
			{"add", 0, 1, none}, {"ack", 0, 1, map[int]int64{0: 2}},
		}},
		{"double ack ignored", []step{
			{"add", 0, 0, none}, {"add", 0, 1, none}, {"ack", 0, 0, map[int]int64{0: 1}}, {"ack", 0, 0, map[int]int64{0: 1}},
		}},
		{"rewind forgets old epoch", []step{
			{"add", 0, 0, none}, {"add", 0, 1, none}, {"ack", 0, 0, map[int]int64{0: 1}}, {"commit", 0, 0, none},
			{"add", 0, 1, none}, // redelivered after a rebalance: new epoch
			{"ack_old", 0, 1, none},
			{"ack", 0, 1, map[int]int64{0: 2}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewTracker()
			toks := map[[2]int64]Token{}
			old := map[[2]int64]Token{}
			for i, s := range tc.steps {
				k := [2]int64{int64(s.partition), s.offset}
				switch s.op {
				case "add":
					tok, rewound := tr.Add(s.partition, s.offset)
					if prev, ok := toks[k]; ok {
						old[k] = prev
						if !rewound {
							t.Fatalf("step %d: re-adding offset %d not reported as rewind", i, s.offset)
						}
					}
					toks[k] = tok
				case "ack":
					tr.Ack(toks[k])
				case "ack_old":
					if tr.Ack(old[k]) {
						t.Fatalf("step %d: ack of the old epoch accepted", i)
					}
				case "commit":
					for p, o := range tr.Commits() {
						tr.MarkCommitted(p, o)
					}
				}
				if got := tr.Commits(); !maps.Equal(got, s.want) {
					t.Fatalf("step %d (%s %d/%d): commits %v, want %v", i, s.op, s.partition, s.offset, got, s.want)
				}
			}
		})
	}
}

func TestTrackerPending(t *testing.T) {
	tr := NewTracker()
	a, _ := tr.Add(0, 0)
	tr.Add(0, 1)
	tr.Add(2, 7)
	if tr.Pending() != 3 {
		t.Fatalf("pending %d", tr.Pending())
	}
	tr.Ack(a)
	if tr.Pending() != 2 {
		t.Fatalf("pending after ack %d", tr.Pending())
	}
}

func BenchmarkTrackerAddAck(b *testing.B) {
	tr := NewTracker()
	toks := make([]Token, 0, 64)
	var off int64
	for b.Loop() {
		toks = toks[:0]
		for range 64 {
			tok, _ := tr.Add(int(off%4), off)
			toks = append(toks, tok)
			off++
		}
		for i := len(toks) - 1; i >= 0; i-- {
			tr.Ack(toks[i])
		}
		for p, o := range tr.Commits() {
			tr.MarkCommitted(p, o)
		}
	}
}
