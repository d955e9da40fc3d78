// Package spool ingests wire files dropped into a directory.
//
// The directory is polled (no file-system notifications needed). Writers
// should write under a temporary name and rename into place: names starting
// with "." or ending in ".tmp" or ".part" are ignored. As a second guard a
// file is read only after its size and modification time have stayed the
// same for a quiet period.
//
// Each ready file is parsed (every format the formats package knows), all
// its valid items are published, and the file is moved:
//
//   - to done/ once every item is durable in Kafka;
//   - to failed/ when it cannot be parsed or some items are invalid or too
//     large for Kafka, with a <name>.error.json sidecar saying why (format,
//     item index, error, time). Valid items of such a file are still
//     published;
//   - nowhere when Kafka is unavailable: the file stays and is retried with
//     exponential backoff. A transient error never sends a file to failed/.
//
// Restart safety: files in done/ are never read again. A file whose items
// were published but which was not yet moved when the process stopped is
// published again on restart. That is harmless: article ids and versions
// are derived from the content, so the duplicate is the same revision and
// downstream consumers treat it idempotently.
package spool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/formats"
	"github.com/wirestream/wirestream/pkg/ingest/publish"
)

// Config configures a Spool. Zero values take the documented defaults.
type Config struct {
	// Dir is the watched directory. Required.
	Dir string
	// DoneDir receives published files. Default Dir/done.
	DoneDir string
	// FailedDir receives files that could not be ingested. Default
	// Dir/failed.
	FailedDir string
	// Source names the source for formats that carry none. Default "spool".
	Source string
	// PollInterval is the time between directory scans. Default 500 ms.
	PollInterval time.Duration
	// Quiet is how long size and mtime must stay unchanged before a file is
	// read. Default 500 ms.
	Quiet time.Duration
	// BackoffMin and BackoffMax bound the delay before retrying after Kafka
	// was unavailable. Defaults 1 s and 1 min.
	BackoffMin, BackoffMax time.Duration
	// MaxFileBytes is the largest file read; larger ones go to failed/.
	// Default 64 MiB.
	MaxFileBytes int64
	// ByModTime processes files oldest first (ties by name) instead of in
	// name order.
	ByModTime bool
	// Now returns the current time; default time.Now.
	Now func() time.Time
}

// Spool watches one directory. Use New, then Run.
type Spool struct {
	cfg  Config
	pub  publish.Publisher
	log  *zap.Logger
	seen map[string]observation

	backoff   time.Duration // current retry delay; 0 when Kafka was fine
	notBefore time.Time     // no file is tried before this time
}

// observation is what the last scan saw of a file.
type observation struct {
	size  int64
	mtime time.Time
	since time.Time // when this size and mtime were first seen
}

// New checks cfg, creates the done and failed directories and returns a
// Spool publishing through pub. A nil log discards messages.
func New(cfg Config, pub publish.Publisher, log *zap.Logger) (*Spool, error) {
	if cfg.Dir == "" {
		return nil, errors.New("spool: no directory configured")
	}
	if pub == nil {
		return nil, errors.New("spool: nil publisher")
	}
	if log == nil {
		log = zap.NewNop()
	}
	if cfg.DoneDir == "" {
		cfg.DoneDir = filepath.Join(cfg.Dir, "done")
	}
	if cfg.FailedDir == "" {
		cfg.FailedDir = filepath.Join(cfg.Dir, "failed")
	}
	if cfg.Source == "" {
		cfg.Source = "spool"
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 500 * time.Millisecond
	}
	if cfg.Quiet <= 0 {
		cfg.Quiet = 500 * time.Millisecond
	}
	if cfg.BackoffMin <= 0 {
		cfg.BackoffMin = time.Second
	}
	if cfg.BackoffMax < cfg.BackoffMin {
		cfg.BackoffMax = max(time.Minute, cfg.BackoffMin)
	}
	if cfg.MaxFileBytes <= 0 {
		cfg.MaxFileBytes = 64 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if st, err := os.Stat(cfg.Dir); err != nil {
		return nil, fmt.Errorf("spool directory: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("spool directory %s is not a directory", cfg.Dir)
	}
	for _, d := range []string{cfg.DoneDir, cfg.FailedDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("spool: create %s: %w", d, err)
		}
	}
	return &Spool{cfg: cfg, pub: pub, log: log.With(zap.String("spool.dir", cfg.Dir)), seen: map[string]observation{}}, nil
}

// Run polls the directory until ctx is cancelled, then returns nil after
// finishing the file in hand. It returns an error only when the directory
// itself cannot be read.
func (s *Spool) Run(ctx context.Context) error {
	t := time.NewTicker(s.cfg.PollInterval)
	defer t.Stop()
	for {
		if _, err := s.Poll(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Ignored reports whether a file name is skipped by the spool: hidden
// names and names ending in .tmp or .part (files still being written).
func Ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".part")
}

// candidate is a file ready to be read.
type candidate struct {
	name  string
	mtime time.Time
}

// ready lists the files whose size and mtime have been stable for the
// quiet period, in processing order.
func (s *Spool) ready() ([]candidate, error) {
	entries, err := os.ReadDir(s.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("spool: read %s: %w", s.cfg.Dir, err)
	}
	now := s.cfg.Now()
	present := make(map[string]bool, len(entries))
	var out []candidate
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || Ignored(name) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed since the listing
		}
		present[name] = true
		prev, ok := s.seen[name]
		if !ok || prev.size != info.Size() || !prev.mtime.Equal(info.ModTime()) {
			s.seen[name] = observation{size: info.Size(), mtime: info.ModTime(), since: now}
			continue
		}
		if now.Sub(prev.since) >= s.cfg.Quiet {
			out = append(out, candidate{name: name, mtime: info.ModTime()})
		}
	}
	for name := range s.seen {
		if !present[name] {
			delete(s.seen, name)
		}
	}
	if s.cfg.ByModTime {
		slices.SortFunc(out, func(a, b candidate) int {
			if c := a.mtime.Compare(b.mtime); c != 0 {
				return c
			}
			return strings.Compare(a.name, b.name)
		})
	} else {
		slices.SortFunc(out, func(a, b candidate) int { return strings.Compare(a.name, b.name) })
	}
	return out, nil
}

// Poll scans the directory once and ingests every ready file, stopping
// early when ctx is cancelled (after the file in hand) or when Kafka is
// unavailable (the remaining files wait for the backoff). It returns how
// many files were moved to done/ or failed/.
func (s *Spool) Poll(ctx context.Context) (int, error) {
	files, err := s.ready()
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, f := range files {
		if ctx.Err() != nil || s.cfg.Now().Before(s.notBefore) {
			break
		}
		// The file in hand is finished even if ctx is cancelled meanwhile:
		// the publisher's own timeout bounds the wait.
		ok := s.ingest(context.WithoutCancel(ctx), f.name)
		if !ok {
			s.delay()
			break
		}
		s.backoff = 0
		delete(s.seen, f.name)
		moved++
	}
	return moved, nil
}

// delay pushes the next attempt back by the current backoff, doubled each
// time up to BackoffMax, with up to 20% jitter.
func (s *Spool) delay() {
	if s.backoff == 0 {
		s.backoff = s.cfg.BackoffMin
	} else {
		s.backoff = min(2*s.backoff, s.cfg.BackoffMax)
	}
	d := s.backoff + time.Duration(rand.Int64N(int64(s.backoff)/5+1))
	s.notBefore = s.cfg.Now().Add(d)
	s.log.Warn("kafka unavailable, will retry", zap.Duration("retry_in", d))
}

// ItemFailure describes one rejected item in a sidecar.
type ItemFailure struct {
	Index int    `json:"index"`
	ID    string `json:"id,omitempty"`
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// Sidecar is the content of a <name>.error.json file in failed/.
type Sidecar struct {
	File      string         `json:"file"`
	Format    article.Format `json:"format,omitempty"`
	Error     string         `json:"error"`
	Items     []ItemFailure  `json:"items,omitempty"`
	Published int            `json:"published"`
	FailedAt  time.Time      `json:"failed_at"`
}

// ingest handles one file and reports false when Kafka was unavailable (the
// file stays in place).
func (s *Spool) ingest(ctx context.Context, name string) bool {
	path := filepath.Join(s.cfg.Dir, name)
	log := s.log.With(zap.String("file", name))
	data, err := readLimited(path, s.cfg.MaxFileBytes)
	if errors.Is(err, os.ErrNotExist) {
		return true // someone took it away
	}
	if err != nil {
		s.fail(log, name, Sidecar{Error: err.Error()})
		return true
	}
	now := s.cfg.Now().UTC()
	f, err := formats.Detect(data, name, "")
	if err != nil {
		s.fail(log, name, Sidecar{Error: "detect format: " + err.Error()})
		return true
	}
	results, err := formats.ParseItems(data, formats.Options{Source: s.cfg.Source, Filename: name, Now: now, Format: f})
	if err != nil {
		s.fail(log, name, Sidecar{Format: f, Error: "parse: " + err.Error(), Items: []ItemFailure{{Index: 0, Error: err.Error(), Field: article.FirstField(err)}}})
		return true
	}
	var valid []*article.Article
	var where []int
	var failures []ItemFailure
	for i, r := range results {
		if r.Skipped() {
			continue // no text story in this item: nothing to publish, not a failure
		}
		if r.Err == nil && r.Article == nil {
			r.Err = errors.New("parser returned no article")
		}
		if r.Err == nil {
			r.Err = r.Article.Validate()
		}
		if r.Err != nil {
			fi := ItemFailure{Index: i, Error: r.Err.Error(), Field: article.FirstField(r.Err)}
			if r.Article != nil {
				fi.ID = r.Article.ID
			}
			failures = append(failures, fi)
			continue
		}
		valid = append(valid, r.Article)
		where = append(where, i)
	}
	published := 0
	if len(valid) > 0 {
		publish.StampTrace(valid, "")
		err := s.pub.Publish(ctx, valid)
		if errors.Is(err, publish.ErrUnavailable) || (err != nil && !errors.Is(err, publish.ErrRejected)) {
			log.Warn("publish failed, file left in place", zap.Error(err))
			return false
		}
		for j, i := range where {
			if e := publish.ItemError(err, j, len(valid)); e != nil {
				failures = append(failures, ItemFailure{Index: i, ID: valid[j].ID, Error: e.Error()})
			} else {
				published++
			}
		}
	}
	if len(results) == 0 {
		s.fail(log, name, Sidecar{Format: f, Error: "the file holds no article"})
		return true
	}
	if len(failures) > 0 {
		slices.SortFunc(failures, func(a, b ItemFailure) int { return a.Index - b.Index })
		s.fail(log, name, Sidecar{Format: f, Error: fmt.Sprintf("%d of %d items rejected", len(failures), len(results)), Items: failures, Published: published})
		return true
	}
	dst, err := moveUnique(path, s.cfg.DoneDir, name, now)
	if err != nil {
		// The items are durable; the file will be published again on the
		// next pass, which is harmless (see the package comment).
		log.Error("cannot move published file to done", zap.Error(err))
		return true
	}
	log.Info("file ingested", zap.Int("articles", published), zap.String("format", string(f)), zap.String("moved_to", dst))
	return true
}

// fail moves the file to failed/ and writes its sidecar next to it.
func (s *Spool) fail(log *zap.Logger, name string, sc Sidecar) {
	now := s.cfg.Now().UTC()
	dst, err := moveUnique(filepath.Join(s.cfg.Dir, name), s.cfg.FailedDir, name, now)
	if err != nil {
		log.Error("cannot move failed file", zap.Error(err))
		return
	}
	sc.File, sc.FailedAt = filepath.Base(dst), now
	data, err := json.MarshalIndent(sc, "", "  ")
	if err == nil {
		err = writeAtomic(dst+".error.json", data)
	}
	if err != nil {
		log.Error("cannot write error sidecar", zap.Error(err))
	}
	log.Warn("file failed", zap.String("error", sc.Error), zap.Int("published", sc.Published), zap.String("moved_to", dst))
}

// readLimited reads the file, refusing one over limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("file over the %d-byte limit", limit)
	}
	return data, nil
}

// moveUnique renames src into dir under name, or, when that exists, under
// name with a UTC timestamp (and a counter if needed) before the extension.
func moveUnique(src, dir, name string, now time.Time) (string, error) {
	dst := filepath.Join(dir, name)
	if _, err := os.Lstat(dst); err == nil {
		ext := filepath.Ext(name)
		stem := strings.TrimSuffix(name, ext)
		stamp := now.UTC().Format("20060102T150405.000000000Z")
		dst = filepath.Join(dir, stem+"."+stamp+ext)
		for n := 1; ; n++ {
			if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
				break
			}
			dst = filepath.Join(dir, fmt.Sprintf("%s.%s-%d%s", stem, stamp, n, ext))
		}
	}
	if err := os.Rename(src, dst); err != nil {
		return "", fmt.Errorf("move %s: %w", src, err)
	}
	return dst, nil
}

// writeAtomic writes data to a temporary file and renames it to path.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s: %w", tmp, err)
	}
	return nil
}
