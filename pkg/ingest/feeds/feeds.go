// Package feeds polls RSS and Atom feeds and publishes their new and updated
// entries.
//
// Each feed is fetched on an interval with a conditional GET (If-None-Match
// with the last ETag, If-Modified-Since with the last Last-Modified); a 304
// means nothing new. Entries are parsed by the formats package with the
// feed's name as source, and an entry is published only when its key (the
// article id and version) has not been published before. Failed fetches
// back off exponentially per feed, with a cap and jitter.
//
// The validators and the published keys (the last MaxSeen per feed) are
// kept in a JSON state file, written to a temporary file and renamed, so a
// restart neither republishes old entries nor refetches an unchanged feed.
// Validators are saved only once every new entry of the response is
// durable, so an entry that could not be published is fetched again.
//
// An entry without a date of its own gets the fetch time as version (see
// package formats); for such entries the key is the id and a digest of the
// text instead, so an unchanged entry is not republished on every fetch.
package feeds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/formats"
	"github.com/wirestream/wirestream/pkg/ingest/publish"
)

// Feed is one polled feed.
type Feed struct {
	// URL is the feed address (http or https).
	URL string `json:"url" yaml:"url"`
	// Name is the source name given to its articles; default the URL host.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
}

// Config configures a Poller. Zero values take the documented defaults.
type Config struct {
	// Feeds are the feeds to poll. Required.
	Feeds []Feed
	// Interval is the time between two fetches of one feed. Default 5 min.
	Interval time.Duration
	// Timeout bounds one fetch, body included. Default 30 s.
	Timeout time.Duration
	// StateFile is where validators and seen entries are kept; "" keeps
	// them in memory only.
	StateFile string
	// MaxSeen is how many published keys are kept per feed. Default 10,000.
	MaxSeen int
	// BackoffMin and BackoffMax bound the delay after a failed fetch,
	// doubled on each consecutive failure. Defaults 10 s and 30 min.
	BackoffMin, BackoffMax time.Duration
	// MaxBodyBytes is the largest feed document read. Default 16 MiB.
	MaxBodyBytes int64
	// Client makes the requests; default a client with Timeout.
	Client *http.Client
	// UserAgent is sent with each request. Default "wirestream-ingest".
	UserAgent string
	// Now returns the current time; default time.Now.
	Now func() time.Time
}

// Poller polls a list of feeds. Use New, then Run.
type Poller struct {
	cfg   Config
	pub   publish.Publisher
	log   *zap.Logger
	mu    sync.Mutex // guards state and sched
	state *State
	sched []schedule
}

// schedule is the timing of one feed.
type schedule struct {
	next     time.Time
	failures int
}

// New checks cfg, loads the state file and returns a Poller. A nil log
// discards messages.
func New(cfg Config, pub publish.Publisher, log *zap.Logger) (*Poller, error) {
	if pub == nil {
		return nil, errors.New("feeds: nil publisher")
	}
	if len(cfg.Feeds) == 0 {
		return nil, errors.New("feeds: no feeds configured")
	}
	feeds := make([]Feed, len(cfg.Feeds))
	for i, f := range cfg.Feeds {
		u, err := url.Parse(f.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("feeds: feed %d: %q is not an http(s) URL", i, f.URL)
		}
		if f.Name == "" {
			f.Name = u.Hostname()
		}
		feeds[i] = f
	}
	cfg.Feeds = feeds
	if log == nil {
		log = zap.NewNop()
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Minute
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxSeen <= 0 {
		cfg.MaxSeen = 10_000
	}
	if cfg.BackoffMin <= 0 {
		cfg.BackoffMin = 10 * time.Second
	}
	if cfg.BackoffMax < cfg.BackoffMin {
		cfg.BackoffMax = max(30*time.Minute, cfg.BackoffMin)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 16 << 20
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: cfg.Timeout}
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "wirestream-ingest"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	st, err := loadState(cfg.StateFile)
	if err != nil {
		return nil, err
	}
	// Forget feeds no longer configured and trim each to MaxSeen, so the
	// state file stays bounded.
	configured := map[string]bool{}
	for _, f := range feeds {
		configured[f.URL] = true
	}
	for u, fs := range st.Feeds {
		if !configured[u] {
			delete(st.Feeds, u)
		} else if over := len(fs.Seen) - cfg.MaxSeen; over > 0 {
			fs.Seen = append([]string(nil), fs.Seen[over:]...)
			fs.index = nil
		}
	}
	return &Poller{cfg: cfg, pub: pub, log: log, state: st, sched: make([]schedule, len(feeds))}, nil
}

// Run polls every feed when due until ctx is cancelled, then returns nil.
// Feeds are fetched one at a time; the first round starts at once.
func (p *Poller) Run(ctx context.Context) error {
	for {
		wait := p.PollDue(ctx)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// PollDue fetches every feed whose time has come and returns how long to
// wait until the next one is due.
func (p *Poller) PollDue(ctx context.Context) time.Duration {
	for i := range p.cfg.Feeds {
		if ctx.Err() != nil {
			break
		}
		p.mu.Lock()
		due := !p.cfg.Now().Before(p.sched[i].next)
		p.mu.Unlock()
		if due {
			_, _ = p.PollFeed(ctx, i) // errors are logged and scheduled for retry
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	next := p.sched[0].next
	for _, s := range p.sched[1:] {
		if s.next.Before(next) {
			next = s.next
		}
	}
	return max(next.Sub(p.cfg.Now()), 10*time.Millisecond)
}

// PollFeed fetches feed i once, publishes its new entries and schedules
// the next fetch (after Interval, or after the backoff on error). It
// returns how many articles were published.
func (p *Poller) PollFeed(ctx context.Context, i int) (int, error) {
	feed := p.cfg.Feeds[i]
	log := p.log.With(zap.String("feed.url", feed.URL), zap.String("feed.name", feed.Name))
	n, err := p.poll(ctx, feed, log)
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &p.sched[i]
	now := p.cfg.Now()
	if err != nil {
		s.failures++
		d := p.cfg.BackoffMin << min(s.failures-1, 30)
		if d <= 0 || d > p.cfg.BackoffMax {
			d = p.cfg.BackoffMax
		}
		d += time.Duration(rand.Int64N(int64(d)/5 + 1))
		s.next = now.Add(d)
		log.Warn("feed poll failed", zap.Error(err), zap.Int("failures", s.failures), zap.Duration("retry_in", d))
		return n, err
	}
	s.failures = 0
	s.next = now.Add(p.cfg.Interval)
	return n, nil
}

// errStatus is a non-200, non-304 response.
type errStatus struct{ code int }

func (e errStatus) Error() string { return "unexpected HTTP status " + strconv.Itoa(e.code) }

// poll does one conditional fetch and publishes what is new.
func (p *Poller) poll(ctx context.Context, feed Feed, log *zap.Logger) (int, error) {
	p.mu.Lock()
	fs := p.state.feed(feed.URL)
	etag, lastMod := fs.ETag, fs.LastModified
	p.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, feed.URL, nil)
	if err != nil {
		return 0, fmt.Errorf("feed request: %w", err)
	}
	req.Header.Set("User-Agent", p.cfg.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastMod != "" {
		req.Header.Set("If-Modified-Since", lastMod)
	}
	resp, err := p.cfg.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("fetch feed: %w", err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotModified:
		log.Debug("feed not modified")
		return 0, nil
	case http.StatusOK:
	default:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return 0, fmt.Errorf("fetch feed: %w", errStatus{resp.StatusCode})
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, p.cfg.MaxBodyBytes+1))
	if err != nil {
		return 0, fmt.Errorf("read feed: %w", err)
	}
	if int64(len(data)) > p.cfg.MaxBodyBytes {
		return 0, fmt.Errorf("feed document over the %d-byte limit", p.cfg.MaxBodyBytes)
	}
	now := p.cfg.Now().UTC()
	results, err := formats.ParseItems(data, formats.Options{Source: feed.Name, Filename: req.URL.Path, ContentType: resp.Header.Get("Content-Type"), Now: now})
	if err != nil {
		return 0, fmt.Errorf("parse feed: %w", err)
	}

	var fresh []*article.Article
	var keys []string
	inDoc := map[string]bool{}
	p.mu.Lock()
	for _, r := range results {
		if r.Err != nil || r.Article == nil {
			if !r.Skipped() {
				log.Warn("feed entry rejected", zap.Int("entry", r.Index), zap.Error(r.Err))
			}
			continue
		}
		k := entryKey(r.Article, now)
		if fs.has(k) || inDoc[k] {
			continue
		}
		inDoc[k] = true
		fresh = append(fresh, r.Article)
		keys = append(keys, k)
	}
	p.mu.Unlock()

	var pubErr error
	published := 0
	if len(fresh) > 0 {
		publish.StampTrace(fresh, "")
		pubErr = p.pub.Publish(ctx, fresh)
	}
	p.mu.Lock()
	retry := false
	for j, k := range keys {
		e := publish.ItemError(pubErr, j, len(fresh))
		switch {
		case e == nil:
			published++
			fs.add(k, p.cfg.MaxSeen)
		case errors.Is(e, publish.ErrRejected):
			// Retrying cannot help: remember it so it is not tried again.
			log.Error("feed entry refused by kafka", zap.String("article.id", fresh[j].ID), zap.Error(e))
			fs.add(k, p.cfg.MaxSeen)
		default:
			retry = true
		}
	}
	if !retry {
		fs.ETag, fs.LastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	}
	saveErr := saveState(p.cfg.StateFile, p.state)
	p.mu.Unlock()
	if published > 0 {
		log.Info("feed entries published", zap.Int("articles", published), zap.Int("entries", len(results)))
	}
	if retry {
		return published, fmt.Errorf("publish feed entries: %w", pubErr)
	}
	if saveErr != nil {
		return published, saveErr
	}
	return published, nil
}

// entryKey identifies a published revision of an entry: id and version, or
// id and a text digest when the version is only the fetch time.
func entryKey(a *article.Article, fetched time.Time) string {
	if a.Version != fetched.UnixMilli() {
		return a.ID + "@" + strconv.FormatInt(a.Version, 10)
	}
	h := sha256.New()
	h.Write([]byte(a.Headline))
	h.Write([]byte{0})
	h.Write([]byte(a.Body))
	h.Write([]byte{0})
	h.Write([]byte(a.Status))
	return a.ID + "#" + hex.EncodeToString(h.Sum(nil))[:16]
}

// Snapshot returns a copy of the state, for inspection and tests.
func (p *Poller) Snapshot() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := State{Version: p.state.Version, Feeds: map[string]*FeedState{}}
	for u, f := range p.state.Feeds {
		out.Feeds[u] = &FeedState{ETag: f.ETag, LastModified: f.LastModified, Seen: append([]string(nil), f.Seen...)}
	}
	return out
}
