//go:build integration

package esindex

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"go.uber.org/zap/zaptest"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/testenv"
)

// testLayout sets up a layout with a unique prefix on the real
// Elasticsearch and removes it when the test ends.
func testLayout(t testing.TB) (*elasticsearch.Client, Layout) {
	t.Helper()
	es := newClient(t, testenv.ElasticsearchURL(t))
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	l := NewLayout("wstest-" + hex.EncodeToString(rnd[:]))
	ctx := context.Background()
	if _, err := Setup(ctx, es, SetupConfig{Prefix: l.Prefix}); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		// Wildcard deletes are refused by default
		// (action.destructive_requires_name): delete by name.
		if _, err := call(ctx, es, http.MethodDelete, "/"+l.Index(), nil); err != nil {
			t.Logf("cleanup: %v", err)
		}
		_, _ = call(ctx, es, http.MethodDelete, "/_index_template/"+l.TemplateName(), nil)
		_, _ = call(ctx, es, http.MethodDelete, "/_component_template/"+l.SettingsTemplate(), nil)
		_, _ = call(ctx, es, http.MethodDelete, "/_component_template/"+l.MappingsTemplate(), nil)
	})
	return es, l
}

func newClient(t testing.TB, addr string) *elasticsearch.Client {
	t.Helper()
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{addr}})
	if err != nil {
		t.Fatalf("elasticsearch client: %v", err)
	}
	return es
}

func refresh(t testing.TB, es *elasticsearch.Client, l Layout) {
	t.Helper()
	if _, err := call(context.Background(), es, http.MethodPost, "/"+l.ReadAlias()+"/_refresh", nil); err != nil {
		t.Fatalf("refresh: %v", err)
	}
}

func count(t testing.TB, es *elasticsearch.Client, l Layout) int64 {
	t.Helper()
	refresh(t, es, l)
	raw, err := call(context.Background(), es, http.MethodGet, "/"+l.ReadAlias()+"/_count", nil)
	if err != nil {
		t.Fatalf("count: %v", err)
	}
	var c struct{ Count int64 }
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c.Count
}

// getDoc returns the stored version and document of id, or found=false.
func getDoc(t testing.TB, es *elasticsearch.Client, l Layout, id string) (int64, Doc, bool) {
	t.Helper()
	raw, err := call(context.Background(), es, http.MethodGet, "/"+l.ReadAlias()+"/_doc/"+id, nil)
	if err != nil {
		if strings.Contains(err.Error(), "404") {
			return 0, Doc{}, false
		}
		t.Fatalf("get %s: %v", id, err)
	}
	var g struct {
		Version int64 `json:"_version"`
		Source  Doc   `json:"_source"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	return g.Version, g.Source, true
}

// recorder collects Done results by article id and version.
type recorder struct {
	mu  sync.Mutex
	got map[string][]Outcome
	why map[string]string
	n   atomic.Int64
}

func newRecorder() *recorder {
	return &recorder{got: map[string][]Outcome{}, why: map[string]string{}}
}

func (r *recorder) op(a *article.Article) Op {
	key := fmt.Sprintf("%s@%d", a.ID, a.Version)
	return Op{Article: a, Done: func(res Result) {
		r.mu.Lock()
		r.got[key] = append(r.got[key], res.Outcome)
		if res.Reason != "" {
			r.why[key] = res.Reason
		}
		r.mu.Unlock()
		r.n.Add(1)
	}}
}

func (r *recorder) outcomes(id string, version int64) []Outcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[fmt.Sprintf("%s@%d", id, version)]
}

func story(id string, version int64, headline string) *article.Article {
	t0 := time.Date(2016, 7, 14, 9, 0, 0, 0, time.UTC)
	return &article.Article{
		SchemaVersion: 1, ID: id, Version: version, Source: "test", Headline: headline,
		Body: "Body of " + headline + ". It says little.", Language: "en",
		PublishedAt: t0, IngestedAt: t0.Add(time.Minute), Status: article.StatusUsable, Format: article.FormatText,
	}
}

func TestIntegrationSetupIdempotent(t *testing.T) {
	es, l := testLayout(t)
	ctx := context.Background()
	res, err := Setup(ctx, es, SetupConfig{Prefix: l.Prefix})
	if err != nil {
		t.Fatalf("second Setup: %v", err)
	}
	if res.CreatedIndex || res.WriteIndex != l.Index() {
		t.Fatalf("second Setup = %+v, want existing write index %s", res, l.Index())
	}
	raw, err := call(ctx, es, http.MethodGet, "/_alias/"+l.ReadAlias(), nil)
	if err != nil || !strings.Contains(string(raw), l.Index()) {
		t.Fatalf("read alias: %s %v", raw, err)
	}
	// dynamic: strict refuses unknown fields.
	_, err = call(ctx, es, http.MethodPut, "/"+l.WriteAlias()+"/_doc/x", map[string]any{"id": "x", "surprise": 1})
	if !isErrorType(err, "strict_dynamic_mapping_exception") {
		t.Fatalf("unknown field: err = %v, want strict_dynamic_mapping_exception", err)
	}
}

func TestIntegrationVersioning(t *testing.T) {
	es, l := testLayout(t)
	ctx := context.Background()
	w := NewWriter(es, WriterConfig{Alias: l.WriteAlias(), MaxDocs: 50, FlushInterval: 20 * time.Millisecond}, zaptest.NewLogger(t))
	rec := newRecorder()
	add := func(a *article.Article) {
		if err := w.Add(ctx, rec.op(a)); err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
	flush := func() {
		if err := w.Flush(ctx); err != nil {
			t.Fatalf("Flush: %v", err)
		}
	}
	// The same revision delivered three times, in one batch and in later ones.
	add(story("same", 5, "Same story"))
	add(story("same", 5, "Same story"))
	flush()
	add(story("same", 5, "Same story"))
	// Two revisions out of order, in separate batches and in one batch.
	add(story("ooo", 7, "Newer revision"))
	flush()
	add(story("ooo", 3, "Older revision"))
	add(story("ooo2", 9, "Newer in batch"))
	add(story("ooo2", 8, "Older in batch"))
	// A story canceled by its next revision, and a cancellation of a story
	// never indexed.
	add(story("kill", 1, "To be canceled"))
	flush()
	canceled := story("kill", 2, "To be canceled")
	canceled.Status = article.StatusCanceled
	add(canceled)
	ghost := story("ghost", 4, "Never seen")
	ghost.Status = article.StatusCanceled
	add(ghost)
	if err := w.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}

	want := []struct {
		id      string
		version int64
		out     []Outcome
	}{
		{"same", 5, []Outcome{Indexed, Indexed, Indexed}},
		{"ooo", 7, []Outcome{Indexed}},
		{"ooo", 3, []Outcome{Stale}},
		{"ooo2", 9, []Outcome{Indexed}},
		{"ooo2", 8, []Outcome{Stale}},
		{"kill", 1, []Outcome{Indexed}},
		{"kill", 2, []Outcome{Deleted}},
		{"ghost", 4, []Outcome{Deleted}},
	}
	for _, c := range want {
		if got := rec.outcomes(c.id, c.version); fmt.Sprint(got) != fmt.Sprint(c.out) {
			t.Errorf("%s@%d outcomes = %v, want %v", c.id, c.version, got, c.out)
		}
	}
	for id, want := range map[string]int64{"same": 5, "ooo": 7, "ooo2": 9} {
		v, doc, ok := getDoc(t, es, l, id)
		if !ok || v != want || doc.Version != want {
			t.Errorf("%s: stored version %d (doc %d, found %v), want %d", id, v, doc.Version, ok, want)
		}
	}
	if _, _, ok := getDoc(t, es, l, "kill"); ok {
		t.Error("canceled story still indexed")
	}
	if n := count(t, es, l); n != 3 {
		t.Errorf("index holds %d documents, want 3", n)
	}
	// A revision older than the cancellation stays refused.
	w2 := NewWriter(es, WriterConfig{Alias: l.WriteAlias(), FlushInterval: 10 * time.Millisecond}, nil)
	add2 := rec.op(story("kill", 1, "Zombie"))
	if err := w2.Add(ctx, add2); err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rec.outcomes("kill", 1); fmt.Sprint(got) != fmt.Sprint([]Outcome{Indexed, Stale}) {
		t.Errorf("replayed revision older than cancellation: outcomes %v, want [indexed stale]", got)
	}
}

func TestIntegrationRejected(t *testing.T) {
	es, l := testLayout(t)
	ctx := context.Background()
	w := NewWriter(es, WriterConfig{Alias: l.WriteAlias(), FlushInterval: 20 * time.Millisecond}, zaptest.NewLogger(t))
	rec := newRecorder()
	for i := range 5 {
		a := story(fmt.Sprintf("s%d", i), 1, fmt.Sprintf("Story %d", i))
		if i == 2 {
			// One keyword longer than Lucene's term limit (32766 bytes).
			a.Keywords = []string{strings.Repeat("k", 40000)}
		}
		if err := w.Add(ctx, rec.op(a)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		id := fmt.Sprintf("s%d", i)
		want := Indexed
		if i == 2 {
			want = Rejected
		}
		if got := rec.outcomes(id, 1); len(got) != 1 || got[0] != want {
			t.Errorf("%s: outcomes %v, want [%v]", id, got, want)
		}
	}
	reason := rec.why["s2@1"]
	if !strings.Contains(reason, "immense term") {
		t.Errorf("reject reason %q does not carry the Elasticsearch error", reason)
	}
	t.Logf("reject reason: %s", reason)
	if n := count(t, es, l); n != 4 {
		t.Errorf("index holds %d documents, want 4", n)
	}
}

// proxy is a TCP proxy in front of Elasticsearch that a test can cut.
type proxy struct {
	ln     net.Listener
	target string
	down   atomic.Bool
	mu     sync.Mutex
	conns  map[net.Conn]bool
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.cut() })
	return p
}

func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.down.Load() {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		go func() { _, _ = io.Copy(up, c); up.Close() }()
		go func() { _, _ = io.Copy(c, up); c.Close() }()
	}
}

// cut refuses new connections and breaks the open ones.
func (p *proxy) cut() {
	p.down.Store(true)
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
	p.mu.Unlock()
}

func (p *proxy) restore() { p.down.Store(false) }

func TestIntegrationOutage(t *testing.T) {
	es, l := testLayout(t)
	target := strings.TrimPrefix(strings.TrimPrefix(testenv.ElasticsearchURL(t), "http://"), "https://")
	px := newProxy(t, target)
	viaProxy := newClient(t, px.URL())
	ctx := context.Background()
	w := NewWriter(viaProxy, WriterConfig{
		Alias: l.WriteAlias(), MaxDocs: 100, FlushInterval: 20 * time.Millisecond,
		RetryMin: 50 * time.Millisecond, RetryMax: 500 * time.Millisecond,
	}, nil)
	rec := newRecorder()
	const total = 2000
	var sawUnhealthy atomic.Bool
	for i := range total {
		if i == 600 {
			// Let the first stories reach Elasticsearch, then cut it off
			// for a few seconds while the rest are added.
			for rec.n.Load() < 300 {
				time.Sleep(5 * time.Millisecond)
			}
			px.cut()
			go func() {
				deadline := time.Now().Add(3 * time.Second)
				for time.Now().Before(deadline) {
					if !w.Healthy() {
						sawUnhealthy.Store(true)
					}
					time.Sleep(10 * time.Millisecond)
				}
				px.restore()
			}()
		}
		if err := w.Add(ctx, rec.op(story(fmt.Sprintf("o%04d", i), 1, fmt.Sprintf("Outage story %d", i)))); err != nil {
			t.Fatal(err)
		}
	}
	closeCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := w.Close(closeCtx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	st := w.Stats()
	t.Logf("stats: %+v", st)
	if st.Indexed != total || st.Rejected != 0 || st.Abandoned != 0 || st.Stale != 0 {
		t.Errorf("stats %+v, want %d indexed and nothing else", st, total)
	}
	if st.Retries == 0 || !sawUnhealthy.Load() {
		t.Errorf("the outage went unnoticed: retries %d, unhealthy seen %v", st.Retries, sawUnhealthy.Load())
	}
	if !w.Healthy() {
		t.Error("writer still unhealthy after Elasticsearch came back")
	}
	if n := count(t, es, l); n != total {
		t.Errorf("index holds %d documents, want %d", n, total)
	}
	res, err := Search(ctx, es, SearchRequest{Alias: l.ReadAlias(), Query: "outage", Size: 1})
	if err != nil || res.Total != total {
		t.Errorf("search after outage: total %d, err %v; want %d", res.Total, err, total)
	}
}

// kerryMoscow builds an enriched article like the Kerry/Moscow wire story.
func kerryMoscow(t *testing.T) *article.Article {
	t.Helper()
	body := "The US Secretary of State John Kerry will arrive in the Russian capital Moscow on Thursday evening for talks with his Russian counterpart Sergey Lavrov.\n\n" +
		"Lavrov added that “The problem with implementing this ceasefire agreement is that Al-Nusra Front is disguising itself, and has set up groups with other names.”"
	find := func(s string) article.Span {
		i := strings.Index(body, s)
		if i < 0 {
			t.Fatalf("%q not in body", s)
		}
		start := len([]rune(body[:i]))
		return article.Span{Start: start, End: start + len([]rune(s))}
	}
	q := "The problem with implementing this ceasefire agreement is that Al-Nusra Front is disguising itself, and has set up groups with other names."
	qs := find(q)
	mention := func(s string) article.Mention {
		sp := find(s)
		return article.Mention{Text: s, Start: sp.Start, End: sp.End}
	}
	t0 := time.Date(2016, 7, 14, 8, 30, 0, 0, time.UTC)
	return &article.Article{
		SchemaVersion: 1, ID: article.ID("test-wire", "kerry-moscow"), Version: 2, Source: "test-wire",
		Headline: "Kerry heads to Moscow for Syria talks with Lavrov", Body: body, Language: "en",
		PublishedAt: t0, IngestedAt: t0, Status: article.StatusUsable, Format: article.FormatText,
		Entities: []article.Entity{
			{Name: "John Kerry", Type: article.TypePerson, Role: "US Secretary of State", Count: 1, Salience: 0.9, Mentions: []article.Mention{mention("John Kerry")}},
			{Name: "Sergey Lavrov", Type: article.TypePerson, Role: "Russian counterpart", Count: 2, Salience: 0.8, Mentions: []article.Mention{mention("Sergey Lavrov")}},
			{Name: "Moscow", Type: article.TypeLocation, Count: 1, Salience: 0.5, Mentions: []article.Mention{mention("Moscow")}},
			{Name: "Al-Nusra Front", Type: article.TypeOrganization, Count: 1, Salience: 0.4, Mentions: []article.Mention{mention("Al-Nusra Front")}},
		},
		Quotes: []article.Quote{{
			Text: q, Type: article.QuoteDirect, Spans: []article.Span{qs},
			Speaker: &article.Speaker{Name: "Sergey Lavrov", Type: article.TypePerson},
			Cue:     &article.Mention{Text: "added", Start: find("added").Start, End: find("added").End},
		}},
		Enrichment: &article.Enrichment{Model: "test", Version: "1", EnrichedAt: t0.Add(time.Minute)},
	}
}

func TestIntegrationSearch(t *testing.T) {
	es, l := testLayout(t)
	ctx := context.Background()
	km := kerryMoscow(t)
	if err := km.Validate(); err != nil {
		t.Fatalf("test article invalid: %v", err)
	}
	other := story("other", 1, "Markets close higher")
	w := NewWriter(es, WriterConfig{Alias: l.WriteAlias(), FlushInterval: 10 * time.Millisecond}, nil)
	rec := newRecorder()
	for _, a := range []*article.Article{km, other} {
		if err := w.Add(ctx, rec.op(a)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	refresh(t, es, l)
	cases := []struct {
		name string
		req  SearchRequest
		want int
	}{
		{"speaker", SearchRequest{Speaker: "Sergey Lavrov"}, 1},
		{"words", SearchRequest{Query: "Al-Nusra"}, 1},
		{"words and speaker", SearchRequest{Query: "ceasefire", Speaker: "Sergey Lavrov"}, 1},
		{"person filter", SearchRequest{Query: "Moscow", Person: "John Kerry"}, 1},
		{"place and since", SearchRequest{Place: "Moscow", Since: time.Date(2016, 7, 1, 0, 0, 0, 0, time.UTC)}, 1},
		{"since excludes", SearchRequest{Place: "Moscow", Since: time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)}, 0},
		{"unknown speaker", SearchRequest{Speaker: "John Kirby"}, 0},
		{"everything", SearchRequest{}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.Alias = l.ReadAlias()
			res, err := Search(ctx, es, c.req)
			if err != nil {
				t.Fatalf("Search: %v", err)
			}
			if int(res.Total) != c.want || len(res.Hits) != c.want {
				t.Fatalf("total %d, hits %d, want %d", res.Total, len(res.Hits), c.want)
			}
			if c.want == 1 && res.Hits[0].ID != km.ID {
				t.Fatalf("hit %s, want %s", res.Hits[0].ID, km.ID)
			}
			var out strings.Builder
			if err := PrintResults(&out, res); err != nil {
				t.Fatal(err)
			}
			if c.req.Speaker != "" && c.want == 1 {
				if len(res.Hits[0].Quotes) == 0 || !strings.Contains(out.String(), "— Sergey Lavrov") {
					t.Errorf("speaker quote not printed:\n%s", out.String())
				}
			}
			if c.req.Query == "Al-Nusra" && !strings.Contains(out.String(), "«Al»-«Nusra»") {
				t.Errorf("matched words not highlighted:\n%s", out.String())
			}
			t.Logf("\n%s", out.String())
		})
	}
}
