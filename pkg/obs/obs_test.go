package obs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"
)

func TestLoggerECSFields(t *testing.T) {
	var buf bytes.Buffer
	lvl := zap.NewAtomicLevelAt(zap.InfoLevel)
	log := NewLogger("enrich", "1.2.3", lvl, &buf)
	log.Debug("hidden")
	wrapped := fmt.Errorf("decode: %w", io.ErrUnexpectedEOF)
	log.Error("boom", Err(wrapped), ArticleID("a1"), Topic("news.articles.raw"), Partition(2), Offset(7), TraceID("t1"))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("want 1 line (debug filtered), got %d: %q", len(lines), buf.String())
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"log.level": "error", "message": "boom", "log.logger": "enrich", "ecs.version": ECSVersion,
		"service.name": "enrich", "service.version": "1.2.3", "event.dataset": "enrich.log",
		"error.message": "decode: unexpected EOF", "error.type": "*errors.errorString",
		"article.id": "a1", "kafka.topic": "news.articles.raw", "kafka.partition": 2.0, "kafka.offset": 7.0,
		"trace.id": "t1", "log.origin.file.name": "obs/obs_test.go",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	for _, k := range []string{"@timestamp", "log.origin.file.line"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	lvl.SetLevel(zap.DebugLevel)
	buf.Reset()
	log.Debug("now visible", Err(nil))
	if !strings.Contains(buf.String(), "now visible") || strings.Contains(buf.String(), "error.message") {
		t.Errorf("debug line after level change: %q", buf.String())
	}
}

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want string
	}{{"debug", true, "debug"}, {" INFO ", true, "info"}, {"warn", true, "warn"}, {"loud", false, ""}} {
		l, err := ParseLevel(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err = %v", tc.in, err)
			continue
		}
		if tc.ok && l.String() != tc.want {
			t.Errorf("%q: level %s", tc.in, l)
		}
	}
}

func TestAdminEndpoints(t *testing.T) {
	m := NewMetrics("index")
	m.In("news.articles.enriched")
	m.SetLag("g", "news.articles.enriched", map[int]int64{0: 3, 1: 4})
	lvl := zap.NewAtomicLevelAt(zap.InfoLevel)
	kafkaOK := true
	a := AdminServer("127.0.0.1:0", m, &lvl,
		ReadyFunc("pipeline", func() bool { return kafkaOK }),
		Check{Name: "elasticsearch", Fn: func(context.Context) error { return errors.New("connection refused") }},
	)
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz %d", code)
	}
	code, body := get("/readyz")
	if code != 503 {
		t.Errorf("/readyz %d", code)
	}
	names, err := FailedChecks([]byte(body))
	if err != nil || len(names) != 1 || names[0] != "elasticsearch" {
		t.Errorf("failed checks %v %v in %s", names, err, body)
	}
	kafkaOK = false
	_, body = get("/readyz")
	if names, _ := FailedChecks([]byte(body)); len(names) != 2 {
		t.Errorf("want 2 failing checks, got %v", names)
	}
	code, body = get("/metrics")
	for _, want := range []string{
		`wirestream_messages_in_total{service="index",topic="news.articles.enriched"} 1`,
		`kafka_consumergroup_lag{consumergroup="g",partition="1",topic="news.articles.enriched"} 4`,
		"go_goroutines",
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/loglevel", strings.NewReader(`{"level":"debug"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if lvl.Level() != zap.DebugLevel {
		t.Errorf("level after PUT: %s", lvl.Level())
	}
	if tot := m.Totals(); tot.In != 1 || tot.Lag != 7 {
		t.Errorf("totals %+v", tot)
	}
}

func TestAdminReadyWithoutChecks(t *testing.T) {
	a := AdminServer("127.0.0.1:0", nil, nil)
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 200 {
		t.Errorf("readyz without checks: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 404 {
		t.Errorf("metrics without Metrics: %d", rec.Code)
	}
}

func TestSummaryLine(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger("enrich", "dev", zap.NewAtomicLevel(), &buf)
	logSummary(log, Totals{Out: 10}, Totals{In: 40, Out: 40, Failed: 2, DeadLettered: 1, Lag: 5}, 10e9)
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["labels.processed"] != 30.0 || got["labels.rate_per_second"] != 3.0 || got["labels.lag"] != 5.0 || got["labels.dead_lettered"] != 1.0 {
		t.Errorf("summary line %v", got)
	}
}

func BenchmarkLoggerDebugDisabled(b *testing.B) {
	log := NewLogger("enrich", "dev", zap.NewAtomicLevelAt(zap.InfoLevel), io.Discard)
	for b.Loop() {
		log.Debug("article", ArticleID("x"), Offset(1))
	}
}

func BenchmarkLoggerInfo(b *testing.B) {
	log := NewLogger("enrich", "dev", zap.NewAtomicLevelAt(zap.InfoLevel), io.Discard)
	for b.Loop() {
		log.Info("article", ArticleID("x"), Offset(1))
	}
}
