package pipeline

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/segmentio/kafka-go"
)

// fakeProducer keeps the done callbacks so the test decides when the
// "broker" acknowledges.
type fakeProducer struct {
	mu    sync.Mutex
	msgs  []kafka.Message
	dones []func(error)
}

func (p *fakeProducer) Produce(_ context.Context, m kafka.Message, done func(error)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgs = append(p.msgs, m)
	p.dones = append(p.dones, done)
}

func TestTransform(t *testing.T) {
	upper := func(_ context.Context, in kafka.Message) (kafka.Message, error) {
		switch string(in.Value) {
		case "poison":
			return kafka.Message{}, errors.New("bad article")
		case "flaky":
			return kafka.Message{}, errors.New("temporary")
		case "skip":
			return kafka.Message{}, ErrSkip
		}
		return kafka.Message{Key: []byte("ignored"), Value: []byte(strings.ToUpper(string(in.Value))),
			Headers: []kafka.Header{{Key: "schema_version", Value: []byte("1")}}}, nil
	}
	permanent := func(err error) bool { return err.Error() != "temporary" }
	for _, tc := range []struct {
		value       string
		produceErr  error
		wantProduce bool
		want        Outcome
	}{
		{"hello", nil, true, Outcome{}},
		{"hello", errors.New("not enough replicas"), true, Outcome{Err: errors.New("produce to out: not enough replicas")}},
		{"poison", nil, false, Outcome{Err: errors.New("bad article"), DeadLetter: true}},
		{"flaky", nil, false, Outcome{Err: errors.New("temporary")}},
		{"skip", nil, false, Outcome{}},
	} {
		t.Run(tc.value, func(t *testing.T) {
			p := &fakeProducer{}
			h := Transform("out", p, upper, permanent)
			var got []Outcome
			h.Handle(context.Background(), kafka.Message{Topic: "in", Partition: 2, Offset: 9, Key: []byte("k1"), Value: []byte(tc.value)},
				func(o Outcome) { got = append(got, o) })
			if tc.wantProduce {
				if len(got) != 0 {
					t.Fatalf("acked before the broker acknowledged: %v", got)
				}
				if len(p.msgs) != 1 {
					t.Fatalf("%d messages produced", len(p.msgs))
				}
				m := p.msgs[0]
				if m.Topic != "out" || string(m.Key) != "k1" || string(m.Value) != "HELLO" || m.Partition != 0 || m.Offset != 0 || len(m.Headers) != 1 {
					t.Fatalf("produced %+v", m)
				}
				p.dones[0](tc.produceErr)
			} else if len(p.msgs) != 0 {
				t.Fatalf("produced %d messages", len(p.msgs))
			}
			if len(got) != 1 {
				t.Fatalf("%d acks", len(got))
			}
			o := got[0]
			if (o.Err == nil) != (tc.want.Err == nil) || o.DeadLetter != tc.want.DeadLetter ||
				(o.Err != nil && o.Err.Error() != tc.want.Err.Error()) {
				t.Errorf("outcome %+v, want %+v", o, tc.want)
			}
		})
	}
}

func TestTransformNilClassifierDeadLetters(t *testing.T) {
	h := Transform("out", &fakeProducer{}, func(context.Context, kafka.Message) (kafka.Message, error) {
		return kafka.Message{}, errors.New("x")
	}, nil)
	var o Outcome
	h.Handle(context.Background(), kafka.Message{}, func(x Outcome) { o = x })
	if !o.DeadLetter {
		t.Error("fn error without classifier not dead-lettered")
	}
}
