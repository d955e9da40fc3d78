package formats

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/testenv"
)

// TestParseFilesNDJSON parses every sample story into NDJSON: every line
// decodes as a valid article, skipped items are left out and a bad file is
// reported by name without stopping the others.
func TestParseFilesNDJSON(t *testing.T) {
	dir := filepath.Join(testenv.RepoRoot(t), "examples", "stories")
	paths, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, p := range paths {
		if !strings.HasSuffix(p, ".md") {
			inputs = append(inputs, p)
		}
	}
	bad := filepath.Join(t.TempDir(), "broken.xml")
	if err := os.WriteFile(bad, []byte("<newsItem guid='x'><contentMeta>"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = ParseFilesNDJSON(append(inputs, bad, filepath.Join(dir, "missing.xml")), Options{Now: testNow}, &out)
	if err == nil || !strings.Contains(err.Error(), "broken.xml: parse newsml-g2") || !strings.Contains(err.Error(), "missing.xml") {
		t.Errorf("error %v should name broken.xml and missing.xml", err)
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Errorf("joined error does not hold a *ParseError")
	}
	formats := map[article.Format]int{}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		lines++
		a, err := article.Decode(sc.Bytes())
		if err != nil {
			t.Fatalf("line %d: %v", lines, err)
		}
		formats[a.Format]++
	}
	// 14 files: the newsMessage gives 2 (of 4 items), the NDJSON 3, the
	// RSS and Atom feeds 2 each, every other file 1.
	if lines != 20 {
		t.Errorf("%d NDJSON lines, want 20", lines)
	}
	for _, f := range article.Formats {
		if formats[f] == 0 {
			t.Errorf("no %s article in the output", f)
		}
	}
}

// TestDescribe checks every format has a description.
func TestDescribe(t *testing.T) {
	for _, f := range article.Formats {
		if Describe(f) == "" {
			t.Errorf("no description for %s", f)
		}
	}
	if Describe("fax") != "" {
		t.Error("unknown format described")
	}
}
