package spool

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/publish"
)

// clock is a manual time source.
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

func jsonArticle(guid, status string) string {
	return fmt.Sprintf(`{"schema_version":1,"version":1,"source":"spool-test","source_guid":%q,"id":%q,"headline":"Story %s","body":"Body of the story.","ingested_at":"2026-11-26T12:00:00Z","status":%q,"format":"wirestream-json"}`,
		guid, article.ID("spool-test", guid), guid, status)
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

func newSpool(t *testing.T, dir string, pub publish.Publisher, clk *clock) *Spool {
	t.Helper()
	s, err := New(Config{Dir: dir, Quiet: 500 * time.Millisecond, BackoffMin: time.Second, BackoffMax: 4 * time.Second, Now: clk.Now}, pub, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// settle polls twice, the quiet period apart, so stable files are ingested.
func settle(t *testing.T, s *Spool, clk *clock) int {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Add(600 * time.Millisecond)
	n, err := s.Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDoneAndFailed(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	pub := &publish.Memory{}
	s := newSpool(t, dir, pub, clk)
	write(t, dir, "b-good.json", jsonArticle("urn:2", "usable"))
	write(t, dir, "a-good.json", jsonArticle("urn:1", "usable"))
	write(t, dir, "c-bad.json", jsonArticle("urn:3", "killed"))
	for _, ignored := range []string{".hidden.json", "partial.json.tmp", "upload.part"} {
		write(t, dir, ignored, jsonArticle("urn:x", "usable"))
	}
	if n := settle(t, s, clk); n != 3 {
		t.Fatalf("moved %d files, want 3", n)
	}
	got := pub.Articles()
	if len(got) != 2 || got[0].SourceGUID != "urn:1" || got[1].SourceGUID != "urn:2" {
		t.Fatalf("published %v, want urn:1 then urn:2 (name order)", got)
	}
	for _, p := range []string{"done/a-good.json", "done/b-good.json", "failed/c-bad.json", "failed/c-bad.json.error.json", ".hidden.json", "partial.json.tmp", "upload.part"} {
		if !exists(filepath.Join(dir, p)) {
			t.Errorf("%s missing", p)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "failed", "c-bad.json.error.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sc Sidecar
	if err := json.Unmarshal(raw, &sc); err != nil {
		t.Fatalf("sidecar is not JSON: %v", err)
	}
	if sc.File != "c-bad.json" || sc.Error == "" || sc.FailedAt.IsZero() || len(sc.Items) != 1 || sc.Items[0].Index != 0 || !strings.Contains(sc.Items[0].Error, "status") {
		t.Errorf("sidecar %s", raw)
	}
}

func TestQuietPeriod(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	pub := &publish.Memory{}
	s := newSpool(t, dir, pub, clk)
	ctx := context.Background()
	path := filepath.Join(dir, "growing.json")
	write(t, dir, "growing.json", jsonArticle("urn:g", "usable")[:40])
	s.Poll(ctx)
	clk.Add(400 * time.Millisecond)
	s.Poll(ctx)
	// The writer adds the rest: size changes, so the quiet period restarts.
	write(t, dir, "growing.json", jsonArticle("urn:g", "usable"))
	clk.Add(400 * time.Millisecond)
	if n, _ := s.Poll(ctx); n != 0 || len(pub.Articles()) != 0 {
		t.Fatal("file read while it was still changing")
	}
	clk.Add(400 * time.Millisecond)
	if n, _ := s.Poll(ctx); n != 0 {
		t.Fatal("file read before a full quiet period")
	}
	clk.Add(200 * time.Millisecond)
	if n, _ := s.Poll(ctx); n != 1 || len(pub.Articles()) != 1 || exists(path) {
		t.Fatalf("settled file not ingested: moved %d, published %d", n, len(pub.Articles()))
	}
}

func TestKafkaUnavailableKeepsFileAndBacksOff(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	pub := &publish.Memory{}
	pub.SetFail(func([]*article.Article) error { return fmt.Errorf("%w: refused", publish.ErrUnavailable) })
	s := newSpool(t, dir, pub, clk)
	ctx := context.Background()
	write(t, dir, "a.json", jsonArticle("urn:a", "usable"))
	write(t, dir, "b.json", jsonArticle("urn:b", "usable"))
	if n := settle(t, s, clk); n != 0 {
		t.Fatalf("moved %d files while Kafka was down", n)
	}
	if pub.Calls() != 1 {
		t.Errorf("%d publish calls, want 1 (stop the pass at the first unavailable)", pub.Calls())
	}
	if !exists(filepath.Join(dir, "a.json")) || exists(filepath.Join(dir, "failed", "a.json")) {
		t.Fatal("file not left in place")
	}
	// Within the backoff nothing is tried.
	clk.Add(500 * time.Millisecond)
	s.Poll(ctx)
	if pub.Calls() != 1 {
		t.Errorf("retried within the backoff: %d calls", pub.Calls())
	}
	// Second failure doubles the backoff (2 s, up to 20% jitter).
	clk.Add(1300 * time.Millisecond)
	s.Poll(ctx)
	if pub.Calls() != 2 {
		t.Fatalf("no retry after the backoff: %d calls", pub.Calls())
	}
	clk.Add(1500 * time.Millisecond)
	s.Poll(ctx)
	if pub.Calls() != 2 {
		t.Errorf("backoff did not grow: %d calls", pub.Calls())
	}
	pub.SetFail(nil)
	clk.Add(1500 * time.Millisecond)
	if n, _ := s.Poll(ctx); n != 2 {
		t.Fatalf("moved %d after Kafka came back, want 2", n)
	}
	if len(pub.Articles()) != 2 || !exists(filepath.Join(dir, "done", "b.json")) {
		t.Error("files not published after recovery")
	}
}

func TestRejectedItemGoesToFailedOthersPublished(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	pub := &publish.Memory{}
	pub.SetFail(func([]*article.Article) error { return publish.ItemErrors{fmt.Errorf("%w: 2 MB", publish.ErrTooLarge)} })
	s := newSpool(t, dir, pub, clk)
	write(t, dir, "big.json", jsonArticle("urn:big", "usable"))
	if n := settle(t, s, clk); n != 1 {
		t.Fatalf("moved %d", n)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "failed", "big.json.error.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "too large") {
		t.Errorf("sidecar does not say why: %s", raw)
	}
}

func TestRestartAndNameClash(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	pub := &publish.Memory{}
	s := newSpool(t, dir, pub, clk)
	write(t, dir, "story.json", jsonArticle("urn:r1", "usable"))
	settle(t, s, clk)

	// A new process on the same directory: done/ is not read again, and a
	// file with a name already in done/ gets a timestamped name.
	s2 := newSpool(t, dir, pub, clk)
	write(t, dir, "story.json", jsonArticle("urn:r2", "usable"))
	if n := settle(t, s2, clk); n != 1 {
		t.Fatalf("moved %d", n)
	}
	if got := pub.Articles(); len(got) != 2 || got[1].SourceGUID != "urn:r2" {
		t.Fatalf("published %d articles after restart", len(got))
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "done"))
	if len(entries) != 2 {
		t.Fatalf("done holds %d files, want 2", len(entries))
	}
	names := entries[0].Name() + " " + entries[1].Name()
	if !strings.HasPrefix(names, "story.2026") || !strings.HasSuffix(names, " story.json") || !strings.HasSuffix(entries[0].Name(), ".json") {
		t.Errorf("clashing name became %v", names)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	dir := t.TempDir()
	pub := &publish.Memory{}
	s, err := New(Config{Dir: dir, PollInterval: 5 * time.Millisecond, Quiet: 10 * time.Millisecond}, pub, nil)
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "x.json", jsonArticle("urn:run", "usable"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	for i := 0; i < 400 && !exists(filepath.Join(dir, "done", "x.json")); i++ {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(pub.Articles()) != 1 {
		t.Errorf("published %d", len(pub.Articles()))
	}
}

func TestNewChecksConfig(t *testing.T) {
	if _, err := New(Config{}, &publish.Memory{}, nil); err == nil {
		t.Error("empty dir accepted")
	}
	if _, err := New(Config{Dir: filepath.Join(t.TempDir(), "missing")}, &publish.Memory{}, nil); err == nil {
		t.Error("missing dir accepted")
	}
	if _, err := New(Config{Dir: t.TempDir()}, nil, nil); err == nil {
		t.Error("nil publisher accepted")
	}
}

func TestIgnored(t *testing.T) {
	cases := map[string]bool{".x": true, "a.tmp": true, "a.part": true, "a.xml": false, "tmp": false, "a.tmp.xml": false}
	for name, want := range cases {
		if Ignored(name) != want {
			t.Errorf("Ignored(%q) = %v", name, !want)
		}
	}
}
