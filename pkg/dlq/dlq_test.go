package dlq

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

func header(m kafka.Message, key string) (string, int) {
	v, n := "", 0
	for _, h := range m.Headers {
		if h.Key == key {
			v, n = string(h.Value), n+1
		}
	}
	return v, n
}

func TestLetterAndParseRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 26, 15, 4, 5, 6, time.FixedZone("CET", 3600))
	orig := kafka.Message{
		Topic: "news.articles.raw", Partition: 3, Offset: 42, Key: []byte("k1"), Value: []byte(`{"id":"x"}`),
		Headers: []kafka.Header{
			{Key: "trace_id", Value: []byte("t-1")},
			{Key: HeaderError, Value: []byte("stale error from an earlier failure")},
			{Key: HeaderRedriven, Value: []byte("true")},
		},
	}
	l := Letter(orig, errors.New("body: empty"), 4, "enrich", now)
	if string(l.Key) != "k1" || string(l.Value) != `{"id":"x"}` || l.Topic != "" {
		t.Fatalf("letter key/value/topic changed: %+v", l)
	}
	for _, tc := range []struct{ key, want string }{
		{HeaderError, "body: empty"}, {HeaderOriginalTopic, "news.articles.raw"}, {HeaderOriginalPartition, "3"},
		{HeaderOriginalOffset, "42"}, {HeaderAttempts, "4"}, {HeaderService, "enrich"},
		{HeaderTime, "2026-11-26T14:04:05.000000006Z"}, {"trace_id", "t-1"}, {HeaderRedriven, ""},
	} {
		got, n := header(l, tc.key)
		if got != tc.want || (tc.want != "" && n != 1) {
			t.Errorf("header %s = %q (%d times), want %q once", tc.key, got, n, tc.want)
		}
	}
	l.Partition, l.Offset = 1, 9
	e, err := Parse(l)
	if err != nil {
		t.Fatal(err)
	}
	want := Entry{Partition: 1, Offset: 9, OriginalTopic: "news.articles.raw", OriginalPartition: 3, OriginalOffset: 42,
		Error: "body: empty", Service: "enrich", Attempts: 4}
	if e.Partition != want.Partition || e.Offset != want.Offset || e.OriginalTopic != want.OriginalTopic ||
		e.OriginalPartition != want.OriginalPartition || e.OriginalOffset != want.OriginalOffset || e.Error != want.Error ||
		e.Service != want.Service || e.Attempts != want.Attempts || !e.Time.Equal(now) || string(e.Key) != "k1" {
		t.Errorf("parsed %+v", e)
	}
	r := RedriveMessage(e)
	if r.Topic != "news.articles.raw" || string(r.Key) != "k1" || string(r.Value) != `{"id":"x"}` {
		t.Errorf("redrive message %+v", r)
	}
	if len(r.Headers) != 2 || r.Headers[0].Key != "trace_id" || r.Headers[1].Key != HeaderRedriven || string(r.Headers[1].Value) != "true" {
		t.Errorf("redrive headers %+v", r.Headers)
	}
}

func TestLetterLongAndNilError(t *testing.T) {
	l := Letter(kafka.Message{Topic: "t"}, errors.New(strings.Repeat("x", 10000)), 1, "s", time.Now())
	if v, _ := header(l, HeaderError); len(v) != maxErrorBytes {
		t.Errorf("error header length %d", len(v))
	}
	l = Letter(kafka.Message{Topic: "t"}, nil, 1, "s", time.Now())
	if v, _ := header(l, HeaderError); v != "unknown error" {
		t.Errorf("nil error header %q", v)
	}
}

func TestParseErrors(t *testing.T) {
	h := func(kv ...string) []kafka.Header {
		var out []kafka.Header
		for i := 0; i < len(kv); i += 2 {
			out = append(out, kafka.Header{Key: kv[i], Value: []byte(kv[i+1])})
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		headers []kafka.Header
		want    string
	}{
		{"no headers", nil, HeaderOriginalTopic + " missing"},
		{"bad partition", h(HeaderOriginalTopic, "t", HeaderOriginalPartition, "x"), HeaderOriginalPartition},
		{"bad offset", h(HeaderOriginalTopic, "t", HeaderOriginalOffset, "1.5"), HeaderOriginalOffset},
		{"bad attempts", h(HeaderOriginalTopic, "t", HeaderAttempts, ""), HeaderAttempts},
		{"bad time", h(HeaderOriginalTopic, "t", HeaderTime, "yesterday"), HeaderTime},
		{"minimal ok", h(HeaderOriginalTopic, "t"), ""},
	} {
		_, err := Parse(kafka.Message{Headers: tc.headers})
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want mention of %s", tc.name, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("t", "1", "2", "3", "2026-11-26T00:00:00Z")
	f.Add("", "x", "-1", "", "")
	f.Fuzz(func(t *testing.T, topic, part, off, attempts, ts string) {
		m := kafka.Message{Headers: []kafka.Header{
			{Key: HeaderOriginalTopic, Value: []byte(topic)}, {Key: HeaderOriginalPartition, Value: []byte(part)},
			{Key: HeaderOriginalOffset, Value: []byte(off)}, {Key: HeaderAttempts, Value: []byte(attempts)},
			{Key: HeaderTime, Value: []byte(ts)},
		}}
		e, err := Parse(m)
		if err != nil {
			return
		}
		if e.OriginalTopic != topic {
			t.Fatalf("topic %q became %q", topic, e.OriginalTopic)
		}
		r := RedriveMessage(e)
		for _, h := range r.Headers[:len(r.Headers)-1] {
			if strings.HasPrefix(h.Key, HeaderPrefix) {
				t.Fatalf("redrive kept %s", h.Key)
			}
		}
	})
}

func BenchmarkLetter(b *testing.B) {
	m := kafka.Message{Topic: "news.articles.raw", Partition: 1, Offset: 99, Key: []byte("k"), Value: make([]byte, 4096),
		Headers: []kafka.Header{{Key: "trace_id", Value: []byte("t")}, {Key: "format", Value: []byte("ninjs")}}}
	err := errors.New("entities: bad span")
	now := time.Now()
	for b.Loop() {
		_ = Letter(m, err, 3, "enrich", now)
	}
}
