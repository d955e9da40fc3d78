package dlq

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/wirestream/wirestream/pkg/kafkaio"
)

// List reads the dead-letter topic from the beginning of every partition
// (without a consumer group, so nothing is committed) up to the end offsets
// seen at the start, and returns at most limit entries (all when limit <= 0)
// in partition, then offset order. Messages without dlq headers are skipped.
func List(ctx context.Context, cfg kafkaio.Config, dlqTopic string, limit int) ([]Entry, error) {
	var out []Entry
	err := scan(ctx, cfg, dlqTopic, func(e Entry) bool {
		out = append(out, e)
		return limit <= 0 || len(out) < limit
	})
	return out, err
}

// Redrive produces the entries of the dead-letter topic chosen by filter (all
// when nil) back to their original topics with RedriveMessage, waiting for
// every in-sync replica, and returns how many it produced. The dead-letter
// topic itself is not modified: running Redrive twice re-drives twice, which
// the idempotent consumers downstream absorb.
func Redrive(ctx context.Context, cfg kafkaio.Config, dlqTopic string, filter func(Entry) bool) (int, error) {
	var chosen []kafka.Message
	err := scan(ctx, cfg, dlqTopic, func(e Entry) bool {
		if filter == nil || filter(e) {
			chosen = append(chosen, RedriveMessage(e))
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	if len(chosen) == 0 {
		return 0, nil
	}
	w, err := cfg.NewWriter("")
	if err != nil {
		return 0, fmt.Errorf("redrive writer: %w", err)
	}
	defer w.Close()
	const batch = 500
	n := 0
	for len(chosen) > 0 {
		k := min(batch, len(chosen))
		if err := w.WriteMessages(ctx, chosen[:k]...); err != nil {
			return n, fmt.Errorf("redrive after %d messages: %w", n, err)
		}
		n += k
		chosen = chosen[k:]
	}
	return n, nil
}

// scan reads every partition of topic from its first to its end offset
// (as of the call) and passes the parsed entries to visit until visit
// returns false.
func scan(ctx context.Context, cfg kafkaio.Config, topic string, visit func(Entry) bool) error {
	first, end, err := kafkaio.Offsets(ctx, cfg, topic)
	if err != nil {
		return fmt.Errorf("dlq scan: %w", err)
	}
	d, err := cfg.Dialer()
	if err != nil {
		return fmt.Errorf("dlq scan: %w", err)
	}
	parts := make([]int, 0, len(end))
	for p := range end {
		parts = append(parts, p)
	}
	sort.Ints(parts)
	for _, p := range parts {
		if first[p] >= end[p] {
			continue
		}
		more, err := scanPartition(ctx, cfg, d, topic, p, first[p], end[p], visit)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
	return nil
}

// scanPartition reads offsets [from, to) of one partition.
func scanPartition(ctx context.Context, cfg kafkaio.Config, d *kafka.Dialer, topic string, p int, from, to int64, visit func(Entry) bool) (bool, error) {
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: cfg.Brokers, Topic: topic, Partition: p, Dialer: d,
		MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 250 * time.Millisecond}) // a short MaxWait keeps Close fast
	defer r.Close()
	if err := r.SetOffset(from); err != nil {
		return false, fmt.Errorf("dlq scan %s/%d: %w", topic, p, err)
	}
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return false, fmt.Errorf("dlq scan %s/%d at offset %d of %d: %w", topic, p, from, to, err)
			}
			return false, fmt.Errorf("dlq scan %s/%d: %w", topic, p, err)
		}
		from = m.Offset + 1
		if e, err := Parse(m); err == nil {
			if !visit(e) {
				return false, nil
			}
		}
		if from >= to {
			return true, nil
		}
	}
}
