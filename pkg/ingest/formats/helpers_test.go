package formats

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/testenv"
)

// testNow is the ingest time of every test parse.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// story returns the bytes of an examples/stories file.
func story(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "examples", "stories", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// parseOne parses data and requires exactly one article.
func parseOne(t testing.TB, data []byte, opts Options) *article.Article {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	arts, err := Parse(data, opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(arts) != 1 {
		t.Fatalf("got %d articles, want 1", len(arts))
	}
	return arts[0]
}

// checkValid asserts the invariants every returned article keeps.
func checkValid(t testing.TB, a *article.Article, now time.Time) {
	t.Helper()
	if err := a.Validate(); err != nil {
		t.Fatalf("invalid article: %v", err)
	}
	if a.SchemaVersion != article.SchemaVersion || a.ID == "" || a.Version <= 0 || a.Source == "" || !a.Status.Valid() || !a.Format.Valid() {
		t.Fatalf("ingest fields not filled: %+v", a)
	}
	if !a.IngestedAt.Equal(now) {
		t.Fatalf("IngestedAt %v, want %v", a.IngestedAt, now)
	}
}
