package esindex

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/wirestream/wirestream/pkg/article"
)

// fakeES is an httptest server answering bulk requests with scripted
// answers. Each answer gets the request's action lines.
type fakeES struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	requests [][]string // action lines of every bulk request
	answer   func(n int, actions []string) (int, string)
}

func newFakeES(t *testing.T, answer func(n int, actions []string) (int, string)) *fakeES {
	f := &fakeES{t: t, answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeES) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	if !strings.HasSuffix(r.URL.Path, "/_bulk") {
		http.Error(w, `{"error":"unexpected"}`, http.StatusNotFound)
		return
	}
	if r.URL.Query().Get("require_alias") != "true" {
		f.t.Errorf("bulk request without require_alias: %s", r.URL)
	}
	var actions []string
	sc := bufio.NewScanner(r.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, `{"index":`) || strings.HasPrefix(line, `{"delete":`) {
			actions = append(actions, line)
		}
	}
	f.mu.Lock()
	n := len(f.requests)
	f.requests = append(f.requests, actions)
	f.mu.Unlock()
	status, body := f.answer(n, actions)
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func (f *fakeES) client() *elasticsearch.Client {
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{f.srv.URL}, DisableRetry: true})
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}

func (f *fakeES) requestLog() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]string(nil), f.requests...)
}

// items renders a 200 bulk answer with one item per status.
func items(action string, statuses ...int) string {
	var parts []string
	for _, s := range statuses {
		item := fmt.Sprintf(`{"%s":{"status":%d,"result":"created"}}`, action, s)
		switch {
		case s == 429:
			item = fmt.Sprintf(`{"%s":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution"}}}`, action)
		case s == 409:
			item = fmt.Sprintf(`{"%s":{"status":409,"error":{"type":"version_conflict_engine_exception","reason":"version conflict"}}}`, action)
		case s == 400:
			item = fmt.Sprintf(`{"%s":{"status":400,"error":{"type":"document_parsing_exception","reason":"failed to parse field [published_at]","caused_by":{"type":"illegal_argument_exception","reason":"bad date"}}}}`, action)
		}
		parts = append(parts, item)
	}
	return `{"errors":true,"items":[` + strings.Join(parts, ",") + `]}`
}

type results struct {
	mu  sync.Mutex
	got map[string][]Result
}

func (r *results) op(a *article.Article) Op {
	return Op{Article: a, Done: func(res Result) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.got == nil {
			r.got = map[string][]Result{}
		}
		r.got[a.ID] = append(r.got[a.ID], res)
	}}
}

func (r *results) outcome(id string) []Outcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Outcome
	for _, res := range r.got[id] {
		out = append(out, res.Outcome)
	}
	return out
}

func testArticle(id string, version int64) *article.Article {
	return &article.Article{SchemaVersion: 1, ID: id, Version: version, Source: "t", Headline: "H " + id, Body: "B",
		IngestedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Status: article.StatusUsable, Format: article.FormatText}
}

// fastConfig retries quickly and never flushes on time, so batches are cut
// only by size or by Flush/Close and the tests do not depend on scheduling.
func fastConfig() WriterConfig {
	return WriterConfig{Alias: "a", MaxDocs: 4, FlushInterval: time.Hour, RetryMin: time.Millisecond, RetryMax: 4 * time.Millisecond}
}

// actionID extracts the _id of a bulk action line.
func actionID(t *testing.T, line string) string {
	var m map[string]struct {
		ID string `json:"_id"`
	}
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Errorf("action line %s: %v", line, err)
	}
	for _, v := range m {
		return v.ID
	}
	return ""
}

func TestWriterFlushInterval(t *testing.T) {
	f := newFakeES(t, func(n int, actions []string) (int, string) { return 200, items("index", 201) })
	cfg := fastConfig()
	cfg.FlushInterval = 10 * time.Millisecond
	w := NewWriter(f.client(), cfg, nil)
	defer w.Close(context.Background())
	done := make(chan Result, 1)
	if err := w.Add(context.Background(), Op{Article: testArticle("alone", 1), Done: func(r Result) { done <- r }}); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.Outcome != Indexed {
			t.Fatalf("outcome %v", r.Outcome)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a lone operation was never sent without Flush")
	}
}

func TestWriterItemLevelRetry(t *testing.T) {
	// First answer: a 200 with one item of each kind, including a 429 that
	// must be retried alone; the retry succeeds.
	first := map[string]int{"id0": 201, "id1": 429, "id2": 400, "id3": 409}
	var seen sync.Map
	f := newFakeES(t, func(n int, actions []string) (int, string) {
		var st []int
		for _, a := range actions {
			id := actionID(t, a)
			if _, again := seen.LoadOrStore(id, true); again {
				st = append(st, 201)
			} else {
				st = append(st, first[id])
			}
		}
		return 200, items("index", st...)
	})
	w := NewWriter(f.client(), fastConfig(), nil)
	var r results
	for i := range 4 {
		if err := w.Add(context.Background(), r.op(testArticle(fmt.Sprintf("id%d", i), 3))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[string]Outcome{"id0": Indexed, "id1": Indexed, "id2": Rejected, "id3": Stale}
	for id, o := range want {
		if got := r.outcome(id); len(got) != 1 || got[0] != o {
			t.Errorf("%s: outcomes %v, want [%v]", id, got, o)
		}
	}
	if reason := r.got["id2"][0].Reason; !strings.Contains(reason, "document_parsing_exception") || !strings.Contains(reason, "bad date") {
		t.Errorf("reject reason %q lacks the Elasticsearch error", reason)
	}
	log := f.requestLog()
	if len(log) != 2 || len(log[1]) != 1 || !strings.Contains(log[1][0], `"id1"`) {
		t.Fatalf("requests %q: want a second request retrying only id1", log)
	}
	if !strings.Contains(log[0][0], `"version":3,"version_type":"external_gte"`) {
		t.Errorf("action line %s lacks external versioning", log[0][0])
	}
	if st := w.Stats(); st.Retries != 1 || st.Requests != 2 || st.Indexed != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestWriterRequestLevelFailures(t *testing.T) {
	cases := []struct {
		name     string
		fails    []int // statuses of the first answers, before a success
		want     Outcome
		requests int
	}{
		{"503 then ok", []int{503}, Indexed, 2},
		{"429 twice then ok", []int{429, 429}, Indexed, 3},
		{"502 504 then ok", []int{502, 504}, Indexed, 3},
		{"400 rejects all", []int{400}, Rejected, 1},
		{"413 rejects all", []int{413}, Rejected, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var sawUnhealthy bool
			var w *Writer
			f := newFakeES(t, func(n int, actions []string) (int, string) {
				if n < len(c.fails) {
					if n > 0 && !w.Healthy() {
						sawUnhealthy = true
					}
					return c.fails[n], `{"error":{"type":"some_exception","reason":"nope"},"status":` + fmt.Sprint(c.fails[n]) + `}`
				}
				if !w.Healthy() {
					sawUnhealthy = true
				}
				st := make([]int, len(actions))
				for i := range st {
					st[i] = 201
				}
				return 200, items("index", st...)
			})
			w = NewWriter(f.client(), fastConfig(), nil)
			var r results
			for _, id := range []string{"a", "b"} {
				if err := w.Add(context.Background(), r.op(testArticle(id, 1))); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"a", "b"} {
				if got := r.outcome(id); len(got) != 1 || got[0] != c.want {
					t.Errorf("%s: outcomes %v, want [%v]", id, got, c.want)
				}
			}
			if n := len(f.requestLog()); n != c.requests {
				t.Errorf("%d requests, want %d", n, c.requests)
			}
			if c.want == Indexed && !sawUnhealthy {
				t.Error("writer reported healthy while retrying")
			}
			if !w.Healthy() {
				t.Error("writer unhealthy after success")
			}
		})
	}
}

func TestWriterDeleteOutcomes(t *testing.T) {
	f := newFakeES(t, func(n int, actions []string) (int, string) {
		return 200, `{"errors":false,"items":[{"delete":{"status":200,"result":"deleted"}},{"delete":{"status":404,"result":"not_found"}},{"delete":{"status":409,"error":{"type":"version_conflict_engine_exception","reason":"newer"}}}]}`
	})
	w := NewWriter(f.client(), fastConfig(), nil)
	var r results
	for _, id := range []string{"x", "y", "z"} {
		a := testArticle(id, 2)
		a.Status = article.StatusCanceled
		if err := w.Add(context.Background(), r.op(a)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	for id, o := range map[string]Outcome{"x": Deleted, "y": Deleted, "z": Stale} {
		if got := r.outcome(id); len(got) != 1 || got[0] != o {
			t.Errorf("%s: %v, want [%v]", id, got, o)
		}
	}
	if a := f.requestLog()[0][0]; !strings.HasPrefix(a, `{"delete":{"_id":"x","version":2,"version_type":"external_gte"}}`) {
		t.Errorf("delete action %s", a)
	}
}

func TestWriterCloseAbandonsWhenESStaysDown(t *testing.T) {
	f := newFakeES(t, func(int, []string) (int, string) { return 503, `{"error":"down"}` })
	w := NewWriter(f.client(), fastConfig(), nil)
	var r results
	if err := w.Add(context.Background(), r.op(testArticle("k", 1))); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := w.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close = %v, want deadline exceeded", err)
	}
	if got := r.outcome("k"); len(got) != 1 || got[0] != Abandoned {
		t.Fatalf("outcomes %v, want [abandoned]", got)
	}
	if err := w.Add(context.Background(), r.op(testArticle("late", 1))); !errors.Is(err, ErrClosed) {
		t.Fatalf("Add after Close = %v, want ErrClosed", err)
	}
}

func TestWriterBackpressure(t *testing.T) {
	release := make(chan struct{})
	f := newFakeES(t, func(n int, actions []string) (int, string) {
		<-release
		st := make([]int, len(actions))
		for i := range st {
			st[i] = 201
		}
		return 200, items("index", st...)
	})
	cfg := fastConfig()
	cfg.MaxDocs, cfg.MaxInFlight = 2, 1
	w := NewWriter(f.client(), cfg, nil)
	var r results
	// Capacity is (MaxInFlight+1)*MaxDocs = 4 unsettled operations.
	for i := range 4 {
		if err := w.Add(context.Background(), r.op(testArticle(fmt.Sprint(i), 1))); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := w.Add(ctx, r.op(testArticle("blocked", 1))); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Add beyond capacity = %v, want it to block until the deadline", err)
	}
	close(release)
	if err := w.Add(context.Background(), r.op(testArticle("after", 1))); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r.outcome("blocked"); len(got) != 0 {
		t.Errorf("refused op was settled: %v", got)
	}
	if st := w.Stats(); st.Indexed != 5 {
		t.Errorf("indexed %d, want 5", st.Indexed)
	}
}

func TestWriterBatchesByBytes(t *testing.T) {
	f := newFakeES(t, func(n int, actions []string) (int, string) {
		st := make([]int, len(actions))
		for i := range st {
			st[i] = 201
		}
		return 200, items("index", st...)
	})
	cfg := fastConfig()
	cfg.MaxDocs, cfg.MaxBytes = 100, 3000
	w := NewWriter(f.client(), cfg, nil)
	var r results
	for i := range 6 {
		a := testArticle(fmt.Sprint(i), 1)
		a.Body = strings.Repeat("word ", 200) // about 1 kB per document
		if err := w.Add(context.Background(), r.op(a)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	log := f.requestLog()
	if len(log) < 3 {
		t.Fatalf("%d requests for 6 kB with MaxBytes 3000, want at least 3", len(log))
	}
	for _, req := range log {
		if len(req) > 2 {
			t.Errorf("request with %d documents exceeds the byte budget", len(req))
		}
	}
}

func TestWriterRejectsUnencodable(t *testing.T) {
	w := NewWriter(nil, fastConfig(), nil)
	defer w.Close(context.Background())
	var r results
	for _, a := range []*article.Article{
		{ID: "", Version: 1},
		{ID: "neg", Version: -1},
		{ID: "year", Version: 1, IngestedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if err := w.Add(context.Background(), r.op(a)); err != nil {
			t.Fatal(err)
		}
		if got := r.outcome(a.ID); len(got) != 1 || got[0] != Rejected {
			t.Errorf("%q: %v, want [rejected]", a.ID, got)
		}
	}
	if err := w.Add(context.Background(), Op{Article: testArticle("x", 1)}); err == nil {
		t.Error("Add accepted an Op without Done")
	}
}

func TestParseBulkResponse(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		want    []BulkItem
		wantErr bool
	}{
		{"mixed", `{"errors":true,"items":[{"index":{"status":201,"result":"created"}},{"delete":{"status":404,"result":"not_found"}},{"index":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"full"}}}]}`,
			[]BulkItem{{Action: "index", Status: 201, Result: "created"}, {Action: "delete", Status: 404, Result: "not_found"}, {Action: "index", Status: 429, Error: &ItemError{Type: "es_rejected_execution_exception", Reason: "full"}}}, false},
		{"empty", `{"errors":false,"items":[]}`, []BulkItem{}, false},
		{"not json", `<html>`, nil, true},
		{"two actions in one item", `{"items":[{"index":{"status":201},"delete":{"status":200}}]}`, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseBulkResponse([]byte(c.body))
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, c.wantErr)
			}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", c.want) && !c.wantErr {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	e := func(typ string) *ItemError { return &ItemError{Type: typ, Reason: "r"} }
	cases := []struct {
		item  BulkItem
		want  Outcome
		retry bool
	}{
		{BulkItem{Action: "index", Status: 201}, Indexed, false},
		{BulkItem{Action: "index", Status: 200}, Indexed, false},
		{BulkItem{Action: "delete", Status: 200}, Deleted, false},
		{BulkItem{Action: "delete", Status: 404}, Deleted, false},
		{BulkItem{Action: "index", Status: 409, Error: e("version_conflict_engine_exception")}, Stale, false},
		{BulkItem{Action: "index", Status: 429, Error: e("es_rejected_execution_exception")}, 0, true},
		{BulkItem{Action: "index", Status: 503, Error: e("unavailable_shards_exception")}, 0, true},
		{BulkItem{Action: "index", Status: 500, Error: e("internal")}, 0, true},
		{BulkItem{Action: "index", Status: 404, Error: e("index_not_found_exception")}, 0, true},
		{BulkItem{Action: "delete", Status: 404, Error: e("index_not_found_exception")}, 0, true},
		{BulkItem{Action: "index", Status: 400, Error: e("document_parsing_exception")}, Rejected, false},
		{BulkItem{Action: "index", Status: 400, Error: e("illegal_argument_exception")}, Rejected, false},
		{BulkItem{Action: "index", Status: 400}, Rejected, false},
	}
	for _, c := range cases {
		o, reason, retry := Classify(c.item)
		if o != c.want || retry != c.retry {
			t.Errorf("Classify(%+v) = %v, %v; want %v, %v", c.item, o, retry, c.want, c.retry)
		}
		if o == Rejected && reason == "" {
			t.Errorf("Classify(%+v): rejected without a reason", c.item)
		}
	}
}

func TestBackoff(t *testing.T) {
	lo, hi := 100*time.Millisecond, 2*time.Second
	for attempt := range 40 {
		d := backoff(lo, hi, attempt)
		ceil := min(hi, lo<<min(attempt, 20))
		if d < ceil/2 || d > ceil {
			t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, d, ceil/2, ceil)
		}
	}
}

func FuzzParseBulkResponse(f *testing.F) {
	f.Add([]byte(items("index", 201, 429, 400, 409)))
	f.Add([]byte(`{"errors":false,"items":[{"delete":{"status":404}}]}`))
	f.Add([]byte(`{"items":[{}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := ParseBulkResponse(body)
		if err != nil {
			return
		}
		for _, it := range got {
			if it.Action == "" {
				t.Fatalf("item without action in %q", body)
			}
			Classify(it) // must not panic
		}
	})
}

func BenchmarkEncodeOp(b *testing.B) {
	a := testArticle("bench", 7)
	a.Body = strings.Repeat("Lavrov said the talks would focus on Syria. ", 60)
	a.Entities = []article.Entity{{Name: "Sergey Lavrov", Type: "PER", Salience: 0.9}, {Name: "Syria", Type: "LOC", Salience: 0.5}}
	a.Quotes = []article.Quote{{Text: "the talks would focus on Syria", Type: "direct", Speaker: &article.Speaker{Name: "Sergey Lavrov", Type: "PER"}}}
	var buf bytes.Buffer
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if _, err := encodeOp(&buf, a, now); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkParseBulkResponse(b *testing.B) {
	st := make([]int, 1000)
	for i := range st {
		st[i] = 201
	}
	body := []byte(items("index", st...))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := ParseBulkResponse(body); err != nil {
			b.Fatal(err)
		}
	}
}
