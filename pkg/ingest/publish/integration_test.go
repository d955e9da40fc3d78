//go:build integration

package publish_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/publish"
	"github.com/wirestream/wirestream/pkg/ingest/publish/publishtest"
	"github.com/wirestream/wirestream/pkg/storygen"
	"github.com/wirestream/wirestream/pkg/testenv"
)

func story(guid string, version int64) *article.Article {
	a := &article.Article{
		SchemaVersion: article.SchemaVersion, Version: version, Source: "it-wire", SourceGUID: guid,
		Headline: "Story " + guid, Body: fmt.Sprintf("Revision %d of %s.", version, guid),
		IngestedAt: time.Now().UTC(), Status: article.StatusUsable, Format: article.FormatJSON,
	}
	a.AssignID()
	return a
}

func TestIntegrationKafkaPublish(t *testing.T) {
	k, brokers, topic := publishtest.Publisher(t, 4)
	ctx := context.Background()
	var want []string
	var batch []*article.Article
	for i := 0; i < 20; i++ {
		a := story(fmt.Sprint("urn:it:", i), 1)
		batch = append(batch, a)
		want = append(want, publishtest.RevisionKey(a.ID, a.Version))
	}
	if err := k.Publish(ctx, batch); err != nil {
		t.Fatalf("batch: %v", err)
	}
	// Later revisions of one story, one call each: same key, same partition.
	for v := int64(2); v <= 3; v++ {
		a := story("urn:it:0", v)
		a.TraceID = "trace-rev"
		if err := k.Publish(ctx, []*article.Article{a}); err != nil {
			t.Fatalf("revision %d: %v", v, err)
		}
		want = append(want, publishtest.RevisionKey(a.ID, v))
	}
	recs := publishtest.ReadAll(t, brokers, topic)
	publishtest.CheckExactlyOnce(t, recs, want)
	var versions []int64
	for _, r := range recs {
		if r.Article.SourceGUID == "urn:it:0" {
			versions = append(versions, r.Article.Version)
		}
	}
	if fmt.Sprint(versions) != "[1 2 3]" {
		t.Errorf("revisions read back in order %v", versions)
	}
}

func TestIntegrationKafkaMissingTopicIsUnavailable(t *testing.T) {
	brokers := testenv.KafkaBrokers(t)
	k, err := publish.NewKafka(publish.KafkaConfig{Brokers: brokers, Topic: "it-no-such-topic-" + publish.NewTraceID()[:8], Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	err = k.Publish(context.Background(), []*article.Article{story("urn:missing", 1)})
	if !errors.Is(err, publish.ErrUnavailable) {
		t.Fatalf("missing topic gave %v, want ErrUnavailable (and no auto-creation)", err)
	}
}

// BenchmarkIntegrationKafkaPublish publishes batches of 1,000 generated
// stories straight through the Kafka publisher (no HTTP, no parsing) and
// reports articles per second.
func BenchmarkIntegrationKafkaPublish(b *testing.B) {
	brokers := testenv.KafkaBrokers(b)
	topic := publishtest.Topic(b, brokers, 4)
	k, err := publish.NewKafka(publish.KafkaConfig{Brokers: brokers, Topic: topic})
	if err != nil {
		b.Fatal(err)
	}
	defer k.Close()
	gen := storygen.New(3, "bench-wire")
	batch := make([]*article.Article, 1000)
	for i := range batch {
		batch[i] = gen.Story(i)
		batch[i].IngestedAt = time.Now().UTC()
	}
	ctx := context.Background()
	start := time.Now()
	n := 0
	for b.Loop() {
		if err := k.Publish(ctx, batch); err != nil {
			b.Fatal(err)
		}
		n += len(batch)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "articles/s")
}

// TestIntegrationKafkaPublishLargeBatch publishes, from several goroutines at
// once, far more than the broker's message.max.bytes (1 MB) to one partition:
// the writer must split it into record batches the broker accepts.
func TestIntegrationKafkaPublishLargeBatch(t *testing.T) {
	brokers := testenv.KafkaBrokers(t)
	topic := publishtest.Topic(t, brokers, 1)
	k, err := publish.NewKafka(publish.KafkaConfig{Brokers: brokers, Topic: topic})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	filler := strings.Repeat("A paragraph of wire copy that fills the story to a realistic length. ", 45) // about 3 KB
	var want []string
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		var batch []*article.Article
		for i := 0; i < 500; i++ {
			a := story(fmt.Sprintf("urn:it:large:%d:%d", g, i), 1)
			a.Body += "\n\n" + filler
			batch = append(batch, a)
			want = append(want, publishtest.RevisionKey(a.ID, a.Version))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- k.Publish(context.Background(), batch)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("publish of 500 stories (1.5 MB): %v", err)
		}
	}
	publishtest.CheckExactlyOnce(t, publishtest.ReadAll(t, brokers, topic), want)
}
