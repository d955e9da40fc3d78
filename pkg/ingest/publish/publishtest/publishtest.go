// Package publishtest helps integration tests of the ingest sources: it
// creates a throw-away topic on the real Kafka broker and reads a topic
// back to check what was published.
package publishtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/publish"
	"github.com/wirestream/wirestream/pkg/kafkaio"
	"github.com/wirestream/wirestream/pkg/testenv"
)

var unsafeChars = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

// Topic creates a topic with the given number of partitions, named after
// the test and unique per call, and deletes it when the test ends.
func Topic(t testing.TB, brokers []string, partitions int) string {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := unsafeChars.ReplaceAllString(t.Name(), "-")
	if len(name) > 150 {
		name = name[:150]
	}
	topic := "it-" + strings.ToLower(name) + "-" + hex.EncodeToString(b[:])
	cfg := kafkaio.Config{Brokers: brokers, ClientID: "wirestream-ingest-test"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := kafkaio.EnsureTopics(ctx, cfg, []kafkaio.TopicSpec{{Name: topic, Partitions: partitions}}); err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	// Wait until every partition has a leader, so the first write does not
	// race topic creation.
	for {
		if ids, err := kafkaio.Partitions(ctx, cfg, topic); err == nil && len(ids) == partitions {
			if _, _, err := kafkaio.Offsets(ctx, cfg, topic); err == nil {
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("topic %s not ready", topic)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Cleanup(func() {
		cl, err := cfg.Client()
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = cl.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Addr: cl.Addr, Topics: []string{topic}})
	})
	return topic
}

// Record is one message read back, with its partition.
type Record struct {
	Partition int
	Offset    int64
	Key       string
	Headers   map[string]string
	Article   *article.Article
}

// ReadAll reads every message of topic from the first offset to the
// current end of each partition. Call it after the writes were
// acknowledged; it fails the test when a value is not a valid article.
func ReadAll(t testing.TB, brokers []string, topic string) []Record {
	t.Helper()
	cfg := kafkaio.Config{Brokers: brokers, ClientID: "wirestream-ingest-test"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	first, end, err := kafkaio.Offsets(ctx, cfg, topic)
	if err != nil {
		t.Fatalf("offsets of %s: %v", topic, err)
	}
	var out []Record
	for p, endOff := range end {
		if endOff <= first[p] {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, Partition: p, MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 200 * time.Millisecond})
		if err := r.SetOffset(first[p]); err != nil {
			t.Fatalf("seek %s/%d: %v", topic, p, err)
		}
		for {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				r.Close()
				t.Fatalf("read %s/%d: %v", topic, p, err)
			}
			a, err := article.Decode(m.Value)
			if err != nil {
				r.Close()
				t.Fatalf("%s/%d@%d is not a valid article: %v", topic, p, m.Offset, err)
			}
			rec := Record{Partition: m.Partition, Offset: m.Offset, Key: string(m.Key), Headers: map[string]string{}, Article: a}
			for _, h := range m.Headers {
				rec.Headers[h.Key] = string(h.Value)
			}
			out = append(out, rec)
			if m.Offset >= endOff-1 {
				break
			}
		}
		r.Close()
	}
	return out
}

// RevisionKey names one revision: article id and version.
func RevisionKey(id string, version int64) string { return fmt.Sprintf("%s@%d", id, version) }

// CheckExactlyOnce fails the test unless the records hold each revision in
// want exactly once and nothing else, keyed by article id, with the
// contract headers present and matching the article, and with every
// revision of one id on one partition.
func CheckExactlyOnce(t testing.TB, recs []Record, want []string) {
	t.Helper()
	count := map[string]int{}
	partition := map[string]int{}
	for _, r := range recs {
		a := r.Article
		k := RevisionKey(a.ID, a.Version)
		count[k]++
		if r.Key != a.ID {
			t.Errorf("message key %q, article id %q", r.Key, a.ID)
		}
		if p, ok := partition[a.ID]; ok && p != r.Partition {
			t.Errorf("revisions of %s on partitions %d and %d", a.ID, p, r.Partition)
		}
		partition[a.ID] = r.Partition
		for h, v := range map[string]string{
			article.HeaderSchemaVersion: fmt.Sprint(a.SchemaVersion),
			article.HeaderFormat:        string(a.Format),
			article.HeaderSource:        a.Source,
			article.HeaderTraceID:       a.TraceID,
		} {
			if got, ok := r.Headers[h]; !ok || got != v || v == "" {
				t.Errorf("%s: header %s = %q, want %q", k, h, got, v)
			}
		}
	}
	wanted := map[string]bool{}
	for _, k := range want {
		wanted[k] = true
		if count[k] != 1 {
			t.Errorf("revision %s on the topic %d times, want once", k, count[k])
		}
	}
	for k, n := range count {
		if !wanted[k] {
			t.Errorf("unexpected revision %s on the topic (%d times)", k, n)
		}
	}
}

// Publisher returns the real Kafka publisher on a new throw-away topic (see
// Topic), with the broker addresses and the topic name; it is closed when
// the test ends.
func Publisher(t testing.TB, partitions int) (k *publish.Kafka, brokers []string, topic string) {
	t.Helper()
	brokers = testenv.KafkaBrokers(t)
	topic = Topic(t, brokers, partitions)
	k, err := publish.NewKafka(publish.KafkaConfig{Brokers: brokers, Topic: topic})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k, brokers, topic
}
