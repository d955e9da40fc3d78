//go:build integration

package stacktest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/segmentio/kafka-go"

	"github.com/wirestream/wirestream/pkg/testenv"
)

func uniqueName(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}

// TestIntegrationStackTopics checks that `stack.sh up` created the pipeline's
// topics with their partition counts.
func TestIntegrationStackTopics(t *testing.T) {
	brokers := testenv.KafkaBrokers(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}
	want := map[string]int{"news.articles.raw": 4, "news.articles.enriched": 4, "news.articles.dlq": 1}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	got := map[string]int{}
	for _, tp := range md.Topics {
		if tp.Error != nil {
			t.Errorf("topic %s: %v", tp.Name, tp.Error)
			continue
		}
		got[tp.Name] = len(tp.Partitions)
	}
	for n, p := range want {
		if got[n] != p {
			t.Errorf("topic %s has %d partitions, want %d", n, got[n], p)
		}
	}
}

// TestIntegrationKafkaGroupResumesFromCommit produces to a fresh topic,
// consumes part of it in a consumer group and commits, closes the reader, and
// checks that a new reader in the same group starts exactly after the commit.
func TestIntegrationKafkaGroupResumesFromCommit(t *testing.T) {
	brokers := testenv.KafkaBrokers(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	topic := uniqueName(t, "stacktest")
	group := topic + "-group"
	const partitions, total, firstBatch = 3, 30, 12
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}
	res, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{
		Topic: topic, NumPartitions: partitions, ReplicationFactor: 1,
	}}})
	if err != nil {
		t.Fatalf("create topic: %v", err)
	}
	if err := res.Errors[topic]; err != nil {
		t.Fatalf("create topic: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = client.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: []string{topic}})
	})

	w := &kafka.Writer{
		Addr:         kafka.TCP(brokers...),
		Topic:        topic,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 10 * time.Millisecond,
	}
	msgs := make([]kafka.Message, total)
	for i := range msgs {
		msgs[i] = kafka.Message{Key: []byte(fmt.Sprintf("key-%02d", i)), Value: []byte(fmt.Sprintf("value-%02d", i))}
	}
	// A just-created topic may need a moment before its leaders take writes.
	for attempt := 0; ; attempt++ {
		err = w.WriteMessages(ctx, msgs...)
		if err == nil || attempt == 20 || ctx.Err() != nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("produce: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close writer: %v", err)
	}

	newReader := func() *kafka.Reader {
		return kafka.NewReader(kafka.ReaderConfig{
			Brokers:        brokers,
			GroupID:        group,
			Topic:          topic,
			StartOffset:    kafka.FirstOffset,
			MinBytes:       1,
			MaxBytes:       1 << 20,
			MaxWait:        200 * time.Millisecond,
			CommitInterval: 0, // synchronous commits
		})
	}
	type pos struct {
		partition int
		offset    int64
	}
	seen := map[string]pos{}
	read := func(r *kafka.Reader, n int) []kafka.Message {
		t.Helper()
		var out []kafka.Message
		for len(out) < n {
			m, err := r.FetchMessage(ctx)
			if err != nil {
				t.Fatalf("fetch after %d of %d messages: %v", len(out), n, err)
			}
			if p, dup := seen[string(m.Value)]; dup {
				t.Fatalf("%s delivered twice (first at %d/%d, again at %d/%d)", m.Value, p.partition, p.offset, m.Partition, m.Offset)
			}
			seen[string(m.Value)] = pos{m.Partition, m.Offset}
			out = append(out, m)
		}
		return out
	}

	r1 := newReader()
	first := read(r1, firstBatch)
	if err := r1.CommitMessages(ctx, first...); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if err := r1.Close(); err != nil {
		t.Fatalf("close first reader: %v", err)
	}

	// The broker must hold, per partition, the offset after the last message
	// read from it.
	wantCommitted := map[int]int64{}
	for _, m := range first {
		if m.Offset+1 > wantCommitted[m.Partition] {
			wantCommitted[m.Partition] = m.Offset + 1
		}
	}
	of, err := client.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: {0, 1, 2}}})
	if err != nil {
		t.Fatalf("offset fetch: %v", err)
	}
	if of.Error != nil {
		t.Fatalf("offset fetch: %v", of.Error)
	}
	for _, p := range of.Topics[topic] {
		want, ok := wantCommitted[p.Partition]
		if !ok {
			want = -1 // nothing read, nothing committed
		}
		if p.Error != nil || p.CommittedOffset != want {
			t.Errorf("partition %d: committed offset %d (err %v), want %d", p.Partition, p.CommittedOffset, p.Error, want)
		}
	}

	// A new member of the group resumes after the commit: exactly the rest,
	// each partition continuing at its committed offset.
	r2 := newReader()
	defer r2.Close()
	rest := read(r2, total-firstBatch)
	firstOffset := map[int]int64{}
	for _, m := range rest {
		if o, ok := firstOffset[m.Partition]; !ok || m.Offset < o {
			firstOffset[m.Partition] = m.Offset
		}
	}
	for p, o := range firstOffset {
		if want := wantCommitted[p]; o != want {
			t.Errorf("partition %d: second reader started at offset %d, want %d", p, o, want)
		}
	}
	var values []string
	for v := range seen {
		values = append(values, v)
	}
	sort.Strings(values)
	if len(values) != total || values[0] != "value-00" || values[total-1] != fmt.Sprintf("value-%02d", total-1) {
		t.Errorf("read %d distinct messages %v, want value-00..value-%02d", len(values), values, total-1)
	}
	if err := r2.CommitMessages(ctx, rest...); err != nil {
		t.Fatalf("commit rest: %v", err)
	}
}

// esDo runs an esapi request and decodes a 2xx JSON response into out (when
// not nil); any other status fails the test with the body.
func esDo(t *testing.T, what string, res *esapi.Response, err error, out any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.IsError() {
		t.Fatalf("%s: %s: %s", what, res.Status(), body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s: decode %s: %v", what, body, err)
		}
	}
}

// TestIntegrationElasticsearchTemplateBulkSearch puts an index template, bulk
// indexes into an index it matches, and checks search hits and that the
// mapping came from the template. (No Info(): this distribution has no GET /.)
func TestIntegrationElasticsearchTemplateBulkSearch(t *testing.T) {
	url := testenv.ElasticsearchURL(t)
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	name := uniqueName(t, "stacktest")
	index := name + "-000001"
	template := `{
	  "index_patterns": ["` + name + `-*"],
	  "priority": 500,
	  "template": {
	    "settings": {"number_of_shards": 1, "number_of_replicas": 0},
	    "mappings": {
	      "dynamic": "strict",
	      "properties": {
	        "title":     {"type": "text"},
	        "source":    {"type": "keyword"},
	        "published": {"type": "date"},
	        "entities":  {"type": "nested", "properties": {"text": {"type": "keyword"}, "label": {"type": "keyword"}}}
	      }
	    }
	  }
	}`
	res, err := es.Indices.PutIndexTemplate(name, strings.NewReader(template), es.Indices.PutIndexTemplate.WithContext(ctx))
	esDo(t, "put index template", res, err, nil)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if res, err := es.Indices.Delete([]string{index}, es.Indices.Delete.WithContext(ctx)); err == nil {
			res.Body.Close()
		}
		if res, err := es.Indices.DeleteIndexTemplate(name, es.Indices.DeleteIndexTemplate.WithContext(ctx)); err == nil {
			res.Body.Close()
		}
	})

	docs := []map[string]any{
		{"title": "Kafka brokers elect a new controller", "source": "wire-a", "published": "2026-01-02T10:00:00Z",
			"entities": []map[string]string{{"text": "Kafka", "label": "ORG"}}},
		{"title": "Elasticsearch indexes the news", "source": "wire-b", "published": "2026-01-03T11:00:00Z",
			"entities": []map[string]string{{"text": "Elasticsearch", "label": "ORG"}}},
		{"title": "Kafka and Elasticsearch carry the wire", "source": "wire-a", "published": "2026-01-04T12:00:00Z",
			"entities": []map[string]string{{"text": "Kafka", "label": "ORG"}, {"text": "Elasticsearch", "label": "ORG"}}},
	}
	var bulk bytes.Buffer
	for i, d := range docs {
		fmt.Fprintf(&bulk, `{"index":{"_index":%q,"_id":"doc-%d"}}`+"\n", index, i)
		b, _ := json.Marshal(d)
		bulk.Write(b)
		bulk.WriteByte('\n')
	}
	var bres struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			Status int             `json:"status"`
			Error  json.RawMessage `json:"error"`
		} `json:"items"`
	}
	res, err = es.Bulk(&bulk, es.Bulk.WithContext(ctx), es.Bulk.WithRefresh("true"))
	esDo(t, "bulk", res, err, &bres)
	if bres.Errors || len(bres.Items) != len(docs) {
		t.Fatalf("bulk: errors=%v, %d items: %+v", bres.Errors, len(bres.Items), bres.Items)
	}
	for _, it := range bres.Items {
		if op := it["index"]; op.Status != http.StatusCreated {
			t.Fatalf("bulk item status %d: %s", op.Status, op.Error)
		}
	}
	res, err = es.Indices.Refresh(es.Indices.Refresh.WithIndex(index), es.Indices.Refresh.WithContext(ctx))
	esDo(t, "refresh", res, err, nil)

	// The mapping is the template's, not a dynamic one (which would have
	// made "source" text with a keyword sub-field and no nested type).
	var mapping map[string]struct {
		Mappings struct {
			Dynamic    string `json:"dynamic"`
			Properties map[string]struct {
				Type string `json:"type"`
			} `json:"properties"`
		} `json:"mappings"`
	}
	res, err = es.Indices.GetMapping(es.Indices.GetMapping.WithIndex(index), es.Indices.GetMapping.WithContext(ctx))
	esDo(t, "get mapping", res, err, &mapping)
	m := mapping[index].Mappings
	wantTypes := map[string]string{"title": "text", "source": "keyword", "published": "date", "entities": "nested"}
	for f, typ := range wantTypes {
		if got := m.Properties[f].Type; got != typ {
			t.Errorf("mapping of %s: type %q, want %q (from the template)", f, got, typ)
		}
	}
	if m.Dynamic != "strict" {
		t.Errorf("mapping dynamic = %q, want strict (from the template)", m.Dynamic)
	}

	var sres struct {
		Hits struct {
			Total struct {
				Value int `json:"value"`
			} `json:"total"`
			Hits []struct {
				ID string `json:"_id"`
			} `json:"hits"`
		} `json:"hits"`
		Aggregations struct {
			Sources struct {
				Buckets []struct {
					Key      string `json:"key"`
					DocCount int    `json:"doc_count"`
				} `json:"buckets"`
			} `json:"sources"`
		} `json:"aggregations"`
	}
	query := `{
	  "query": {"bool": {
	    "must": [{"match": {"title": "kafka"}}],
	    "filter": [{"nested": {"path": "entities", "query": {"term": {"entities.text": "Kafka"}}}}]
	  }},
	  "aggs": {"sources": {"terms": {"field": "source"}}},
	  "sort": [{"published": "asc"}]
	}`
	res, err = es.Search(es.Search.WithIndex(index), es.Search.WithBody(strings.NewReader(query)), es.Search.WithContext(ctx))
	esDo(t, "search", res, err, &sres)
	if sres.Hits.Total.Value != 2 || len(sres.Hits.Hits) != 2 || sres.Hits.Hits[0].ID != "doc-0" || sres.Hits.Hits[1].ID != "doc-2" {
		t.Errorf("search hits: total %d, %+v; want doc-0 and doc-2", sres.Hits.Total.Value, sres.Hits.Hits)
	}
	if b := sres.Aggregations.Sources.Buckets; len(b) != 1 || b[0].Key != "wire-a" || b[0].DocCount != 2 {
		t.Errorf("terms aggregation on source: %+v, want wire-a:2", b)
	}

	// A document the strict template mapping does not allow is rejected.
	res, err = es.Index(index, strings.NewReader(`{"unknown_field": 1}`), es.Index.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("indexing an unmapped field under dynamic=strict: status %d, want 400", res.StatusCode)
	}
}
