package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirestream/wirestream/pkg/kafkaio"
)

// ErrSkip, returned by a transform function, acks the input without
// producing anything (a filter).
var ErrSkip = errors.New("pipeline: skip message")

// Producer writes messages and calls done exactly once per message with the
// broker's verdict (nil when every in-sync replica acknowledged it).
type Producer interface {
	Produce(ctx context.Context, m kafka.Message, done func(error))
}

// AsyncProducer is a Producer over an asynchronous kafka-go Writer: messages
// are batched, and done runs from the writer's Completion callback once the
// broker acknowledged the batch (acks=all).
type AsyncProducer struct {
	w *kafka.Writer
}

// NewAsyncProducer builds an AsyncProducer writing to the topic each message
// names.
func NewAsyncProducer(cfg kafkaio.Config) (*AsyncProducer, error) {
	w, err := cfg.NewWriter("")
	if err != nil {
		return nil, fmt.Errorf("async producer: %w", err)
	}
	w.Async = true
	w.BatchSize = 200
	w.BatchTimeout = 5 * time.Millisecond
	w.Completion = func(msgs []kafka.Message, err error) {
		for _, m := range msgs {
			if done, ok := m.WriterData.(func(error)); ok {
				done(err)
			}
		}
	}
	return &AsyncProducer{w: w}, nil
}

// Produce implements Producer.
func (p *AsyncProducer) Produce(ctx context.Context, m kafka.Message, done func(error)) {
	m.WriterData = done
	if err := p.w.WriteMessages(ctx, m); err != nil {
		// Rejected before queueing (closed writer, message too large):
		// Completion will not run for it.
		done(fmt.Errorf("produce to %s: %w", m.Topic, err))
	}
}

// Close flushes pending messages (running their callbacks) and closes the
// writer. Close it after the Runner stopped.
func (p *AsyncProducer) Close() error {
	if err := p.w.Close(); err != nil {
		return fmt.Errorf("close async producer: %w", err)
	}
	return nil
}

// TransformFunc turns one input message into one output message. Only the
// output's Value and Headers are used; the key is the input's. Return ErrSkip
// to drop the input.
type TransformFunc func(ctx context.Context, in kafka.Message) (kafka.Message, error)

// Transform returns a Handler for one-in/one-out stages: it runs fn, produces
// the result to outTopic with the input's key through p, and acks only when
// the broker acknowledged the produce. An fn error is dead-lettered when
// permanent(err) is true (or permanent is nil) and retried otherwise; a
// produce error is always retried.
func Transform(outTopic string, p Producer, fn TransformFunc, permanent func(error) bool) Handler {
	return HandlerFunc(func(ctx context.Context, in kafka.Message, ack func(Outcome)) {
		out, err := fn(ctx, in)
		if errors.Is(err, ErrSkip) {
			ack(Outcome{})
			return
		}
		if err != nil {
			ack(Outcome{Err: err, DeadLetter: permanent == nil || permanent(err)})
			return
		}
		msg := kafka.Message{Topic: outTopic, Key: in.Key, Value: out.Value, Headers: out.Headers}
		p.Produce(ctx, msg, func(err error) {
			if err != nil {
				ack(Outcome{Err: fmt.Errorf("produce to %s: %w", outTopic, err)})
				return
			}
			ack(Outcome{})
		})
	})
}
