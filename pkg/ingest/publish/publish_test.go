package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirestream/wirestream/pkg/article"
)

func sample(guid string) *article.Article {
	a := &article.Article{
		SchemaVersion: article.SchemaVersion,
		Version:       1,
		Source:        "test-wire",
		SourceGUID:    guid,
		Headline:      "Headline " + guid,
		Body:          "Body of " + guid,
		IngestedAt:    time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
		Status:        article.StatusUsable,
		Format:        article.FormatJSON,
	}
	a.AssignID()
	return a
}

func TestMessageKeyValueHeaders(t *testing.T) {
	a := sample("urn:1")
	a.TraceID = "abc"
	m, err := Message(a)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Key) != a.ID {
		t.Errorf("key %q, want article id %q", m.Key, a.ID)
	}
	back, err := article.Decode(m.Value)
	if err != nil {
		t.Fatalf("value does not decode: %v", err)
	}
	if back.ID != a.ID || back.Headline != a.Headline {
		t.Errorf("value round trip changed the article: %+v", back)
	}
	want := map[string]string{
		article.HeaderSchemaVersion: "1",
		article.HeaderFormat:        "wirestream-json",
		article.HeaderSource:        "test-wire",
		article.HeaderTraceID:       "abc",
	}
	got := map[string]string{}
	for _, h := range m.Headers {
		got[h.Key] = string(h.Value)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("header %s = %q, want %q", k, got[k], v)
		}
	}
}

func TestClassify(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), ErrUnavailable},
		{"eof", io.ErrUnexpectedEOF, ErrUnavailable},
		{"no leader", kafka.LeaderNotAvailable, ErrUnavailable},
		{"not enough replicas", kafka.NotEnoughReplicas, ErrUnavailable},
		{"unknown topic", kafka.UnknownTopicOrPartition, ErrUnavailable},
		{"deadline", context.DeadlineExceeded, ErrUnavailable},
		{"too large", kafka.MessageSizeTooLarge, ErrRejected},
		{"invalid record", fmt.Errorf("x: %w", kafka.InvalidRecord), ErrRejected},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := classify(ctx, c.err); !errors.Is(got, c.want) {
				t.Errorf("classify(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if got := classify(cancelled, context.Canceled); errors.Is(got, ErrUnavailable) || !errors.Is(got, context.Canceled) {
		t.Errorf("caller cancellation classified as %v", got)
	}
}

func TestItemErrors(t *testing.T) {
	e := ItemErrors{nil, fmt.Errorf("%w: x", ErrRejected), nil, fmt.Errorf("%w: y", ErrUnavailable)}
	if e.Failed() != 2 {
		t.Errorf("Failed() = %d", e.Failed())
	}
	if !errors.Is(e, ErrUnavailable) || !errors.Is(e, ErrRejected) {
		t.Error("errors.Is must see inside ItemErrors")
	}
	var err error = fmt.Errorf("wrapped: %w", e)
	if ItemError(err, 0, 4) != nil || !errors.Is(ItemError(err, 1, 4), ErrRejected) {
		t.Error("ItemError picks the wrong entry")
	}
	if got := ItemError(ErrUnavailable, 2, 4); got != ErrUnavailable {
		t.Errorf("a whole-call error applies to every item, got %v", got)
	}
	if !strings.Contains(e.Error(), "2 of 4") {
		t.Errorf("message %q", e.Error())
	}
}

func TestTraceIDs(t *testing.T) {
	a, b := sample("1"), sample("2")
	b.TraceID = "given"
	id := StampTrace([]*article.Article{a, b}, "")
	if len(id) != 32 || a.TraceID != id || b.TraceID != "given" {
		t.Errorf("stamp: id %q, a %q, b %q", id, a.TraceID, b.TraceID)
	}
	for s, ok := range map[string]bool{"": false, "abc-123_x.y:z": true, "a b": false, strings.Repeat("a", 129): false} {
		if ValidTraceID(s) != ok {
			t.Errorf("ValidTraceID(%q) != %v", s, ok)
		}
	}
}

func TestKafkaRejectsOversizeWithoutWriting(t *testing.T) {
	k, err := NewKafka(KafkaConfig{Brokers: []string{"127.0.0.1:1"}, Topic: "t", MaxMessageBytes: 500, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	big := sample("big")
	big.Body = strings.Repeat("x", 1000)
	err = k.Publish(context.Background(), []*article.Article{big})
	if !errors.Is(ItemError(err, 0, 1), ErrTooLarge) || !errors.Is(err, ErrRejected) || errors.Is(err, ErrUnavailable) {
		t.Errorf("oversize article: %v", err)
	}
}

func TestKafkaUnreachableIsUnavailable(t *testing.T) {
	// Port 1 on loopback refuses connections at once.
	k, err := NewKafka(KafkaConfig{Brokers: []string{"127.0.0.1:1"}, Topic: "t", Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	arts := []*article.Article{sample("1"), sample("2")}
	err = k.Publish(context.Background(), arts)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("unreachable broker gave %v, want ErrUnavailable", err)
	}
	for i := range arts {
		if !errors.Is(ItemError(err, i, len(arts)), ErrUnavailable) {
			t.Errorf("item %d not marked unavailable", i)
		}
	}
}

func TestNewKafkaNeedsBrokersAndTopic(t *testing.T) {
	if _, err := NewKafka(KafkaConfig{Topic: "t"}); err == nil {
		t.Error("no brokers accepted")
	}
	if _, err := NewKafka(KafkaConfig{Brokers: []string{"x:1"}}); err == nil {
		t.Error("no topic accepted")
	}
}

func TestMemoryPartialFailure(t *testing.T) {
	m := &Memory{}
	m.SetFail(func(a []*article.Article) error {
		return ItemErrors{nil, fmt.Errorf("%w: no", ErrRejected)}
	})
	err := m.Publish(context.Background(), []*article.Article{sample("1"), sample("2")})
	if err == nil || len(m.Articles()) != 1 || m.Articles()[0].SourceGUID != "1" {
		t.Errorf("partial failure: err %v, kept %d", err, len(m.Articles()))
	}
}

func BenchmarkMessage(b *testing.B) {
	a := sample("bench")
	a.Body = strings.Repeat("Lorem ipsum dolor sit amet. ", 150)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Message(a); err != nil {
			b.Fatal(err)
		}
	}
}
