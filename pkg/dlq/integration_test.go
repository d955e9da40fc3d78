//go:build integration

package dlq

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirestream/wirestream/pkg/kafkaio"
	"github.com/wirestream/wirestream/pkg/testenv"
)

func TestIntegrationListAndRedrive(t *testing.T) {
	cfg := kafkaio.Config{Brokers: testenv.KafkaBrokers(t), ClientID: "dlq-test"}
	base := fmt.Sprintf("test.dlq.%d", time.Now().UnixNano())
	orig, dead := base+".raw", base+".dlq"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := kafkaio.EnsureTopics(ctx, cfg, []kafkaio.TopicSpec{{Name: orig, Partitions: 1}, {Name: dead, Partitions: 2}}); err != nil {
		t.Fatal(err)
	}
	w, err := cfg.NewWriter(dead)
	if err != nil {
		t.Fatal(err)
	}
	var letters []kafka.Message
	for i := range 5 {
		m := kafka.Message{Topic: orig, Partition: 0, Offset: int64(10 + i), Key: fmt.Appendf(nil, "k%d", i),
			Value: fmt.Appendf(nil, "v%d", i), Headers: []kafka.Header{{Key: "trace_id", Value: fmt.Appendf(nil, "t%d", i)}}}
		svc := "enrich"
		if i%2 == 1 {
			svc = "index"
		}
		letters = append(letters, Letter(m, errors.New("bad"), 1, svc, time.Now()))
	}
	letters = append(letters, kafka.Message{Key: []byte("stray"), Value: []byte("no dlq headers")})
	if err := w.WriteMessages(ctx, letters...); err != nil {
		t.Fatal(err)
	}
	w.Close()

	all, err := List(ctx, cfg, dead, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 {
		t.Fatalf("listed %d entries, want 5 (the stray message skipped)", len(all))
	}
	if few, err := List(ctx, cfg, dead, 2); err != nil || len(few) != 2 {
		t.Fatalf("limit 2: %d entries, %v", len(few), err)
	}
	n, err := Redrive(ctx, cfg, dead, func(e Entry) bool { return e.Service == "enrich" })
	if err != nil || n != 3 {
		t.Fatalf("redrive: %d, %v", n, err)
	}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: cfg.Brokers, Topic: orig, Partition: 0, MaxWait: 250 * time.Millisecond})
	defer r.Close()
	got := map[string]string{}
	for range 3 {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var hs []string
		for _, h := range m.Headers {
			hs = append(hs, h.Key+"="+string(h.Value))
		}
		got[string(m.Key)] = fmt.Sprintf("%s %v", m.Value, hs)
	}
	for _, k := range []string{"k0", "k2", "k4"} {
		want := fmt.Sprintf("v%s [trace_id=t%s dlq.redriven=true]", k[1:], k[1:])
		if got[k] != want {
			t.Errorf("%s re-driven as %q, want %q", k, got[k], want)
		}
	}
}
