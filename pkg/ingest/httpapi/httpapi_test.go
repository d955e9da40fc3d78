package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/publish"
)

var fixedNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func newHandler(t testing.TB, pub publish.Publisher, opts Options) *Handler {
	t.Helper()
	opts.Now = func() time.Time { return fixedNow }
	h, err := New(pub, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// jsonArticle is a wirestream JSON article as a client would send it.
func jsonArticle(guid, headline string) string {
	return fmt.Sprintf(`{"schema_version":1,"version":1,"source":"test-wire","source_guid":%q,"headline":%q,"body":"Body text.","ingested_at":"2026-11-26T12:00:00Z","status":"usable","format":"wirestream-json","id":%q}`,
		guid, headline, article.ID("test-wire", guid))
}

const rssDoc = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>T</title><link>http://example.com/</link><description>d</description>
<item><guid>urn:rss:1</guid><title>First story</title><description>Body one.</description><link>http://example.com/1</link></item>
<item><guid>urn:rss:2</guid><title>Second story</title><description>Body two.</description><link>http://example.com/2</link></item>
</channel></rss>`

type reply struct {
	code int
	hdr  http.Header
	body map[string]any
	raw  string
}

func do(t *testing.T, h http.Handler, method, target, contentType, body string, hdr map[string]string) reply {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	out := reply{code: w.Code, hdr: w.Header(), raw: w.Body.String()}
	if err := json.Unmarshal(w.Body.Bytes(), &out.body); err != nil {
		t.Fatalf("response is not JSON: %q", w.Body.String())
	}
	return out
}

func TestSingle(t *testing.T) {
	cases := []struct {
		name      string
		target    string
		ctype     string
		body      string
		hdr       map[string]string
		fail      error
		limit     int64
		code      int
		field     string
		published int
	}{
		{name: "json accepted", target: "/v1/articles", ctype: "application/json", body: jsonArticle("urn:1", "Hello"), code: 202, published: 1},
		{name: "rss one item via source header", target: "/v1/articles", ctype: "application/rss+xml",
			body: strings.Replace(rssDoc, "<item><guid>urn:rss:2</guid><title>Second story</title><description>Body two.</description><link>http://example.com/2</link></item>", "", 1),
			hdr:  map[string]string{HeaderSource: "feedwire"}, code: 202, published: 1},
		{name: "multi-item document refused", target: "/v1/articles?source=x", body: rssDoc, code: 400, field: "$"},
		{name: "bad field named", target: "/v1/articles", body: strings.Replace(jsonArticle("urn:2", "H"), `"status":"usable"`, `"status":"killed"`, 1), code: 400, field: "status"},
		{name: "wrong json type named", target: "/v1/articles", body: strings.Replace(jsonArticle("urn:2", "H"), `"version":1`, `"version":"one"`, 1), code: 400, field: "version"},
		{name: "unknown forced format", target: "/v1/articles?format=fax", body: jsonArticle("urn:3", "H"), code: 400, field: "format"},
		{name: "empty body", target: "/v1/articles", body: "  ", code: 400, field: "$"},
		{name: "too large", target: "/v1/articles", body: jsonArticle("urn:4", strings.Repeat("x", 500)), limit: 200, code: 413},
		{name: "kafka down", target: "/v1/articles", body: jsonArticle("urn:5", "H"), fail: fmt.Errorf("%w: connection refused", publish.ErrUnavailable), code: 503},
		{name: "kafka rejects size", target: "/v1/articles", body: jsonArticle("urn:6", "H"), fail: publish.ItemErrors{fmt.Errorf("%w: big", publish.ErrTooLarge)}, code: 413},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pub := &publish.Memory{}
			if c.fail != nil {
				pub.Fail = func([]*article.Article) error { return c.fail }
			}
			h := newHandler(t, pub, Options{MaxBodyBytes: c.limit, RetryAfter: 7 * time.Second})
			rep := do(t, h, "POST", c.target, c.ctype, c.body, c.hdr)
			if rep.code != c.code {
				t.Fatalf("status %d, want %d: %s", rep.code, c.code, rep.raw)
			}
			if c.field != "" && rep.body["field"] != c.field {
				t.Errorf("field %v, want %q: %s", rep.body["field"], c.field, rep.raw)
			}
			if c.code >= 400 && rep.body["error"] == "" {
				t.Error("error response without a message")
			}
			if got := len(pub.Articles()); got != c.published {
				t.Errorf("published %d articles, want %d", got, c.published)
			}
			if c.code == 503 && rep.hdr.Get("Retry-After") != "7" {
				t.Errorf("Retry-After %q, want 7", rep.hdr.Get("Retry-After"))
			}
			if c.code == 202 {
				a := pub.Articles()[0]
				if rep.body["id"] != a.ID || rep.body["status"] != "accepted" || a.TraceID == "" || rep.hdr.Get(HeaderTraceID) != a.TraceID {
					t.Errorf("response %s does not match published %+v", rep.raw, a)
				}
				if c.hdr[HeaderSource] != "" && a.Source != c.hdr[HeaderSource] {
					t.Errorf("source %q, want %q", a.Source, c.hdr[HeaderSource])
				}
			}
		})
	}
}

func TestTraceIDFromCaller(t *testing.T) {
	pub := &publish.Memory{}
	h := newHandler(t, pub, Options{})
	rep := do(t, h, "POST", "/v1/articles", "", jsonArticle("urn:t", "H"), map[string]string{HeaderTraceID: "caller-trace-1"})
	if rep.code != 202 || pub.Articles()[0].TraceID != "caller-trace-1" || rep.body["trace_id"] != "caller-trace-1" {
		t.Errorf("caller trace id not kept: %d %s", rep.code, rep.raw)
	}
}

func TestAuth(t *testing.T) {
	pub := &publish.Memory{}
	h := newHandler(t, pub, Options{Tokens: []string{"s3cret", "other"}})
	cases := []struct {
		name, auth string
		code       int
	}{
		{"none", "", 401},
		{"wrong", "Bearer nope", 401},
		{"prefix of a token", "Bearer s3c", 401},
		{"basic scheme", "Basic s3cret", 401},
		{"good", "Bearer s3cret", 202},
		{"second token, lower-case scheme", "bearer other", 202},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := do(t, h, "POST", "/v1/articles", "", jsonArticle(fmt.Sprint("urn:auth:", i), "H"), map[string]string{"Authorization": c.auth})
			if rep.code != c.code {
				t.Errorf("status %d, want %d", rep.code, c.code)
			}
			if c.code == 401 && !strings.HasPrefix(rep.hdr.Get("WWW-Authenticate"), "Bearer") {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	if len(pub.Articles()) != 2 {
		t.Errorf("published %d, want 2", len(pub.Articles()))
	}
}

func TestLoadTokens(t *testing.T) {
	f := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(f, []byte("# ops\nalpha\n\nbeta, gamma\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(TokensEnv, "delta,,")
	got, err := LoadTokens(f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != "alpha|beta|gamma|delta" {
		t.Errorf("tokens %v", got)
	}
	if _, err := LoadTokens(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing token file accepted")
	}
}

func results(t *testing.T, rep reply) []map[string]any {
	t.Helper()
	raw, _ := rep.body["results"].([]any)
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i] = r.(map[string]any)
	}
	return out
}

func TestBatch(t *testing.T) {
	good1, good2 := jsonArticle("urn:b:1", "One"), jsonArticle("urn:b:2", "Two")
	bad := strings.Replace(jsonArticle("urn:b:3", "Three"), `"format":"wirestream-json"`, `"format":"fax"`, 1)
	cases := []struct {
		name      string
		target    string
		ctype     string
		body      string
		fail      func([]*article.Article) error
		code      int
		statuses  string
		published int
	}{
		{name: "ndjson all good", target: "/v1/articles:batch", ctype: "application/x-ndjson", body: good1 + "\n\n" + good2 + "\n", code: 202, statuses: "accepted,accepted", published: 2},
		{name: "ndjson mixed", target: "/v1/articles:batch", ctype: "application/x-ndjson", body: good1 + "\n" + bad + "\n{not json\n" + good2, code: 207, statuses: "accepted,rejected,rejected,accepted", published: 2},
		{name: "ndjson all bad", target: "/v1/articles:batch?format=ndjson", body: bad + "\n" + bad, code: 400, statuses: "rejected,rejected"},
		{name: "rss document", target: "/v1/articles:batch?source=feedwire", ctype: "application/rss+xml", body: rssDoc, code: 202, statuses: "accepted,accepted", published: 2},
		{name: "kafka down", target: "/v1/articles:batch", ctype: "application/x-ndjson", body: good1 + "\n" + bad + "\n" + good2,
			fail: func([]*article.Article) error { return fmt.Errorf("%w: refused", publish.ErrUnavailable) }, code: 503, statuses: "unavailable,rejected,unavailable"},
		{name: "kafka partly down", target: "/v1/articles:batch", ctype: "application/x-ndjson", body: good1 + "\n" + good2,
			fail: func([]*article.Article) error {
				return publish.ItemErrors{nil, fmt.Errorf("%w: no leader", publish.ErrUnavailable)}
			}, code: 503, statuses: "accepted,unavailable", published: 1},
		{name: "kafka refuses one", target: "/v1/articles:batch", ctype: "application/x-ndjson", body: good1 + "\n" + good2,
			fail: func([]*article.Article) error {
				return publish.ItemErrors{fmt.Errorf("%w: too big", publish.ErrTooLarge), nil}
			}, code: 207, statuses: "rejected,accepted", published: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pub := &publish.Memory{Fail: c.fail}
			h := newHandler(t, pub, Options{})
			rep := do(t, h, "POST", c.target, c.ctype, c.body, nil)
			if rep.code != c.code {
				t.Fatalf("status %d, want %d: %s", rep.code, c.code, rep.raw)
			}
			var st []string
			for _, r := range results(t, rep) {
				st = append(st, r["status"].(string))
				if r["status"] != "accepted" && r["error"] == "" {
					t.Errorf("item %v without error", r["index"])
				}
				if r["status"] == "accepted" && (r["id"] == "" || r["version"] == nil) {
					t.Errorf("accepted item without id/version: %v", r)
				}
			}
			if got := strings.Join(st, ","); got != c.statuses {
				t.Errorf("statuses %s, want %s", got, c.statuses)
			}
			if len(pub.Articles()) != c.published {
				t.Errorf("published %d, want %d", len(pub.Articles()), c.published)
			}
			if c.code == 503 && rep.hdr.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
}

func TestBatchFieldNamed(t *testing.T) {
	h := newHandler(t, &publish.Memory{}, Options{})
	bad := strings.Replace(jsonArticle("urn:f", "H"), `"status":"usable"`, `"status":"killed"`, 1)
	rep := do(t, h, "POST", "/v1/articles:batch", "application/x-ndjson", jsonArticle("urn:g", "G")+"\n"+bad, nil)
	rs := results(t, rep)
	if len(rs) != 2 || rs[1]["field"] != "status" || rep.body["accepted"] != 1.0 || rep.body["rejected"] != 1.0 {
		t.Errorf("per-item field not reported: %s", rep.raw)
	}
}

func TestBatchLimits(t *testing.T) {
	h := newHandler(t, &publish.Memory{}, Options{MaxBatchItems: 2, MaxBatchBytes: 4000})
	line := jsonArticle("urn:l", "L")
	if rep := do(t, h, "POST", "/v1/articles:batch", "application/x-ndjson", line+"\n"+line+"\n"+line, nil); rep.code != 413 {
		t.Errorf("3 items over a 2-item limit: %d", rep.code)
	}
	if rep := do(t, h, "POST", "/v1/articles:batch", "application/x-ndjson", strings.Repeat(line+"\n", 20), nil); rep.code != 413 {
		t.Errorf("body over the byte limit: %d", rep.code)
	}
}

func TestFormatsAndRouting(t *testing.T) {
	h := newHandler(t, &publish.Memory{}, Options{})
	rep := do(t, h, "GET", "/v1/formats", "", "", nil)
	if rep.code != 200 || len(rep.body["formats"].([]any)) != len(article.Formats) {
		t.Errorf("formats: %d %s", rep.code, rep.raw)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/v1/articles", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/articles: %d", w.Code)
	}
}

func TestNewNeedsPublisher(t *testing.T) {
	if _, err := New(nil, nil, Options{}); err == nil {
		t.Error("nil publisher accepted")
	}
}

func TestTokenSet(t *testing.T) {
	s := newTokenSet([]string{"a"})
	if s.allows("Bearer") || s.allows("Bearer b") || !s.allows("Bearer a") {
		t.Error("token check wrong")
	}
}

func BenchmarkSingleJSON(b *testing.B) {
	h := newHandler(b, &publish.Memory{}, Options{})
	body := jsonArticle("urn:bench", "Bench")
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", "/v1/articles", strings.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 202 {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

func FuzzBatchNDJSON(f *testing.F) {
	f.Add([]byte(jsonArticle("urn:z", "Z") + "\n{"))
	f.Add([]byte("\n\n"))
	f.Add([]byte(`{"version":"x"}`))
	h := newHandler(f, &publish.Memory{}, Options{MaxBatchItems: 50})
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/v1/articles:batch", strings.NewReader(string(body)))
		r.Header.Set("Content-Type", "application/x-ndjson")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case 202, 207, 400, 413:
		default:
			t.Fatalf("status %d for %q", w.Code, body)
		}
		var resp map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("non-JSON response %q", w.Body.String())
		}
	})
}
