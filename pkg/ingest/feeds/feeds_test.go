package feeds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/publish"
)

// feedServer serves one document with an ETag and a Last-Modified date and
// answers conditional requests with 304.
type feedServer struct {
	mu       sync.Mutex
	doc      string
	ctype    string
	etag     string
	lastMod  string
	status   int // when non-zero, answer this instead
	requests int
	notMod   int
}

func (s *feedServer) set(doc, etag, lastMod string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.doc, s.etag, s.lastMod = doc, etag, lastMod
}

func (s *feedServer) counts() (requests, notModified int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.notMod
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if s.status != 0 {
		w.WriteHeader(s.status)
		return
	}
	if s.etag != "" {
		w.Header().Set("ETag", s.etag)
	}
	if s.lastMod != "" {
		w.Header().Set("Last-Modified", s.lastMod)
	}
	inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
	if (inm != "" && inm == s.etag) || (inm == "" && ims != "" && ims == s.lastMod) {
		s.notMod++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", s.ctype)
	fmt.Fprint(w, s.doc)
}

func rssItem(guid, title, date string) string {
	return fmt.Sprintf(`<item><guid isPermaLink="false">%s</guid><title>%s</title><link>http://example.com/%s</link><description>Body of %s.</description><pubDate>%s</pubDate></item>`, guid, title, guid, title, date)
}

func rssDoc(items ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test wire</title><link>http://example.com/</link><description>Test</description>` +
		strings.Join(items, "") + `</channel></rss>`
}

func atomEntry(id, title, updated string) string {
	return fmt.Sprintf(`<entry><id>%s</id><title>%s</title><updated>%s</updated><link href="http://example.com/%s"/><summary>Summary of %s.</summary></entry>`, id, title, updated, title, title)
}

func atomDoc(entries ...string) string {
	return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title><id>urn:feed:atom</id><updated>2026-11-26T10:00:00Z</updated>` +
		strings.Join(entries, "") + `</feed>`
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newPoller(t *testing.T, feeds []Feed, state string, pub publish.Publisher, clk *clock) *Poller {
	t.Helper()
	p, err := New(Config{Feeds: feeds, StateFile: state, Interval: time.Minute, BackoffMin: 10 * time.Second, BackoffMax: 40 * time.Second, Timeout: 5 * time.Second, Now: clk.Now}, pub, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func guids(arts []*article.Article) string {
	var out []string
	for _, a := range arts {
		out = append(out, a.SourceGUID)
	}
	return strings.Join(out, ",")
}

func TestRSSConditionalGetAndRestart(t *testing.T) {
	srv := &feedServer{ctype: "application/rss+xml"}
	srv.set(rssDoc(rssItem("urn:1", "One", "Thu, 26 Nov 2026 09:00:00 GMT"), rssItem("urn:2", "Two", "Thu, 26 Nov 2026 09:30:00 GMT")), `"v1"`, "")
	ts := httptest.NewServer(srv)
	defer ts.Close()
	state := filepath.Join(t.TempDir(), "feeds.json")
	clk := &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	pub := &publish.Memory{}
	feeds := []Feed{{URL: ts.URL + "/rss", Name: "testwire"}}
	p := newPoller(t, feeds, state, pub, clk)
	ctx := context.Background()

	if n, err := p.PollFeed(ctx, 0); err != nil || n != 2 {
		t.Fatalf("first poll: %d, %v", n, err)
	}
	if a := pub.Articles()[0]; a.Source != "testwire" || a.ID != article.ID("testwire", "urn:1") {
		t.Errorf("source/id: %q %q", a.Source, a.ID)
	}
	if n, err := p.PollFeed(ctx, 0); err != nil || n != 0 {
		t.Fatalf("second poll: %d, %v", n, err)
	}
	if _, nm := srv.counts(); nm != 1 {
		t.Errorf("second poll was not answered 304 (%d)", nm)
	}
	// A new entry: only it is published.
	srv.set(rssDoc(rssItem("urn:3", "Three", "Thu, 26 Nov 2026 11:00:00 GMT"), rssItem("urn:1", "One", "Thu, 26 Nov 2026 09:00:00 GMT"), rssItem("urn:2", "Two", "Thu, 26 Nov 2026 09:30:00 GMT")), `"v2"`, "")
	if n, err := p.PollFeed(ctx, 0); err != nil || n != 1 {
		t.Fatalf("third poll: %d, %v", n, err)
	}
	if g := guids(pub.Articles()); g != "urn:1,urn:2,urn:3" {
		t.Fatalf("published %s", g)
	}

	// Restart: the saved ETag gives a 304, and a changed ETag over the same
	// entries publishes nothing.
	p2 := newPoller(t, feeds, state, pub, clk)
	if n, err := p2.PollFeed(ctx, 0); err != nil || n != 0 {
		t.Fatalf("after restart: %d, %v", n, err)
	}
	if _, nm := srv.counts(); nm != 2 {
		t.Errorf("restarted poller did not send the saved ETag (%d 304s)", nm)
	}
	srv.set(rssDoc(rssItem("urn:1", "One", "Thu, 26 Nov 2026 09:00:00 GMT")), `"v3"`, "")
	if n, err := p2.PollFeed(ctx, 0); err != nil || n != 0 {
		t.Fatalf("same entries, new etag: %d, %v", n, err)
	}
	if len(pub.Articles()) != 3 {
		t.Errorf("republished after restart: %s", guids(pub.Articles()))
	}
}

func TestAtomLastModifiedAndUpdates(t *testing.T) {
	srv := &feedServer{ctype: "application/atom+xml"}
	lm := "Thu, 26 Nov 2026 10:00:00 GMT"
	srv.set(atomDoc(atomEntry("urn:a:1", "Alpha", "2026-11-26T09:00:00Z")), "", lm)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	clk := &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	pub := &publish.Memory{}
	p := newPoller(t, []Feed{{URL: ts.URL + "/atom"}}, "", pub, clk)
	ctx := context.Background()
	if n, err := p.PollFeed(ctx, 0); err != nil || n != 1 {
		t.Fatalf("first poll: %d, %v", n, err)
	}
	if src := pub.Articles()[0].Source; src != "127.0.0.1" {
		t.Errorf("default source %q, want the URL host", src)
	}
	if n, _ := p.PollFeed(ctx, 0); n != 0 {
		t.Fatal("unchanged feed republished")
	}
	if _, nm := srv.counts(); nm != 1 {
		t.Errorf("If-Modified-Since not honoured (%d 304s)", nm)
	}
	// The entry is updated: a new revision is published once.
	srv.set(atomDoc(atomEntry("urn:a:1", "Alpha revised", "2026-11-26T11:00:00Z")), "", "Thu, 26 Nov 2026 11:00:00 GMT")
	if n, err := p.PollFeed(ctx, 0); err != nil || n != 1 {
		t.Fatalf("update: %d, %v", n, err)
	}
	arts := pub.Articles()
	if arts[0].ID != arts[1].ID || arts[1].Version <= arts[0].Version {
		t.Errorf("revision: ids %s %s, versions %d %d", arts[0].ID, arts[1].ID, arts[0].Version, arts[1].Version)
	}
}

func TestBackoffOnErrors(t *testing.T) {
	srv := &feedServer{status: http.StatusBadGateway}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	clk := &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	p := newPoller(t, []Feed{{URL: ts.URL}}, "", &publish.Memory{}, clk)
	ctx := context.Background()
	var waits []time.Duration
	for i := 0; i < 4; i++ {
		if _, err := p.PollFeed(ctx, 0); err == nil {
			t.Fatal("502 not reported")
		}
		waits = append(waits, p.sched[0].next.Sub(clk.Now()))
	}
	bounds := [][2]time.Duration{{10 * time.Second, 12 * time.Second}, {20 * time.Second, 24 * time.Second}, {40 * time.Second, 48 * time.Second}, {40 * time.Second, 48 * time.Second}}
	for i, w := range waits {
		if w < bounds[i][0] || w > bounds[i][1] {
			t.Errorf("failure %d: wait %v, want within %v", i+1, w, bounds[i])
		}
	}
	// PollDue does not fetch before the backoff is over.
	req, _ := srv.counts()
	p.PollDue(ctx)
	if r, _ := srv.counts(); r != req {
		t.Error("fetched during the backoff")
	}
	srv.mu.Lock()
	srv.status, srv.doc, srv.ctype = 0, rssDoc(rssItem("urn:1", "One", "Thu, 26 Nov 2026 09:00:00 GMT")), "application/rss+xml"
	srv.mu.Unlock()
	clk.Add(50 * time.Second)
	p.PollDue(ctx)
	if p.sched[0].failures != 0 || p.sched[0].next.Sub(clk.Now()) != time.Minute {
		t.Errorf("success did not reset the backoff: %+v", p.sched[0])
	}
}

func TestKafkaUnavailableRefetches(t *testing.T) {
	srv := &feedServer{ctype: "application/rss+xml"}
	srv.set(rssDoc(rssItem("urn:k", "K", "Thu, 26 Nov 2026 09:00:00 GMT")), `"e1"`, "")
	ts := httptest.NewServer(srv)
	defer ts.Close()
	clk := &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	pub := &publish.Memory{}
	pub.SetFail(func([]*article.Article) error { return fmt.Errorf("%w: down", publish.ErrUnavailable) })
	p := newPoller(t, []Feed{{URL: ts.URL}}, "", pub, clk)
	ctx := context.Background()
	if _, err := p.PollFeed(ctx, 0); !errors.Is(err, publish.ErrUnavailable) {
		t.Fatalf("err %v", err)
	}
	if p.Snapshot().Feeds[ts.URL].ETag != "" {
		t.Fatal("ETag saved although the entries were not published")
	}
	pub.SetFail(nil)
	if n, err := p.PollFeed(ctx, 0); err != nil || n != 1 {
		t.Fatalf("after recovery: %d, %v", n, err)
	}
	if _, nm := srv.counts(); nm != 0 {
		t.Error("304 after a failed publish: the entry would be lost")
	}
}

func TestSeenIsBounded(t *testing.T) {
	fs := &FeedState{}
	for i := 0; i < 5; i++ {
		fs.add(fmt.Sprint("k", i), 3)
	}
	if strings.Join(fs.Seen, ",") != "k2,k3,k4" || fs.has("k1") || !fs.has("k4") {
		t.Errorf("seen %v", fs.Seen)
	}
}

func TestStateFilePrunedOnLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	old := newState()
	old.feed("http://gone.example/rss").Seen = []string{"x@1"}
	old.feed("http://kept.example/rss").Seen = []string{"a@1", "b@1", "c@1", "d@1", "e@1"}
	if err := saveState(path, old); err != nil {
		t.Fatal(err)
	}
	p, err := New(Config{Feeds: []Feed{{URL: "http://kept.example/rss"}}, StateFile: path, MaxSeen: 3}, &publish.Memory{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	snap := p.Snapshot()
	if len(snap.Feeds) != 1 || strings.Join(snap.Feeds["http://kept.example/rss"].Seen, ",") != "c@1,d@1,e@1" {
		t.Errorf("state after load: %+v", snap.Feeds)
	}
	if !p.state.Feeds["http://kept.example/rss"].has("e@1") || p.state.Feeds["http://kept.example/rss"].has("a@1") {
		t.Error("index not rebuilt after trimming")
	}
}

func TestEntryKey(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	a := &article.Article{ID: "x", Version: 5, Headline: "h", Body: "b"}
	if entryKey(a, now) != "x@5" {
		t.Errorf("key %s", entryKey(a, now))
	}
	b := &article.Article{ID: "x", Version: now.UnixMilli(), Headline: "h", Body: "b"}
	c := *b
	c.Version = now.Add(time.Minute).UnixMilli()
	if entryKey(b, now) != entryKey(&c, now.Add(time.Minute)) {
		t.Error("undated entry gets a new key on every fetch")
	}
	c.Body = "changed"
	if entryKey(b, now) == entryKey(&c, now.Add(time.Minute)) {
		t.Error("changed undated entry keeps its key")
	}
}

func TestNewChecksConfig(t *testing.T) {
	cases := []Config{{}, {Feeds: []Feed{{URL: "ftp://x/"}}}, {Feeds: []Feed{{URL: "not a url"}}}}
	for _, c := range cases {
		if _, err := New(c, &publish.Memory{}, nil); err == nil {
			t.Errorf("config %+v accepted", c)
		}
	}
	if _, err := New(Config{Feeds: []Feed{{URL: "http://x/"}}}, nil, nil); err == nil {
		t.Error("nil publisher accepted")
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	srv := &feedServer{ctype: "application/rss+xml"}
	srv.set(rssDoc(rssItem("urn:r", "R", "Thu, 26 Nov 2026 09:00:00 GMT")), `"r"`, "")
	ts := httptest.NewServer(srv)
	defer ts.Close()
	pub := &publish.Memory{}
	p, err := New(Config{Feeds: []Feed{{URL: ts.URL}}, Interval: time.Hour}, pub, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	for i := 0; i < 400 && len(pub.Articles()) == 0; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil || len(pub.Articles()) != 1 {
		t.Fatalf("Run: %v, published %d", err, len(pub.Articles()))
	}
}

func FuzzDecodeState(f *testing.F) {
	f.Add([]byte(`{"version":1,"feeds":{"http://x/":{"etag":"\"a\"","seen":["a@1","b@2"]}}}`))
	f.Add([]byte(`{"feeds":{"u":null}}`))
	f.Add([]byte(`{"version":9}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := DecodeState(data)
		if err != nil {
			return
		}
		for _, fs := range s.Feeds {
			if fs == nil {
				t.Fatal("nil feed state kept")
			}
			for _, k := range fs.Seen {
				if !fs.has(k) {
					t.Fatal("index lost a key")
				}
			}
			fs.add("new", 2)
			if len(fs.Seen) > 2 {
				t.Fatal("bound not applied")
			}
		}
	})
}

func BenchmarkEntryKey(b *testing.B) {
	now := time.Now()
	a := &article.Article{ID: "0123456789abcdef0123456789abcdef", Version: now.UnixMilli(), Headline: "Headline", Body: strings.Repeat("body ", 400)}
	for b.Loop() {
		_ = entryKey(a, now)
	}
}
