//go:build integration

package kafkaio

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/wirestream/wirestream/pkg/testenv"
)

func TestIntegrationLag(t *testing.T) {
	cfg := Config{Brokers: testenv.KafkaBrokers(t), ClientID: "kafkaio-test"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := Ping(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	topic := fmt.Sprintf("test.kafkaio.lag.%d", time.Now().UnixNano())
	if err := EnsureTopics(ctx, cfg, []TopicSpec{{Name: topic, Partitions: 2}}); err != nil {
		t.Fatal(err)
	}
	if err := EnsureTopics(ctx, cfg, []TopicSpec{{Name: topic, Partitions: 2}}); err != nil {
		t.Fatalf("second EnsureTopics must accept the existing topic: %v", err)
	}
	w, err := cfg.NewWriter(topic)
	if err != nil {
		t.Fatal(err)
	}
	w.AllowAutoTopicCreation = false
	defer w.Close()
	var msgs []kafka.Message
	for i := range 10 {
		msgs = append(msgs, kafka.Message{Key: []byte(fmt.Sprint(i)), Value: []byte("v")})
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	group := topic + ".group"
	lag, err := Lag(ctx, cfg, group, topic)
	if err != nil {
		t.Fatal(err)
	}
	if lag[0]+lag[1] != 10 {
		t.Fatalf("lag before any commit %v, want total 10", lag)
	}
	r, err := cfg.NewReader(group, topic)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m, err := r.FetchMessage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.CommitMessages(ctx, m); err != nil {
		t.Fatal(err)
	}
	lag, err = Lag(ctx, cfg, group, topic)
	if err != nil {
		t.Fatal(err)
	}
	// One partition has a commit after its first message; the other has none.
	if lag[0]+lag[1] != 9 {
		t.Fatalf("lag after one commit %v, want total 9", lag)
	}
}
