package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/wirestream/wirestream/pkg/testenv"
)

// row finds the line of a report table starting with the given words and
// returns its fields.
func row(t *testing.T, report, prefix string) []string {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(report))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 0 && strings.HasPrefix(strings.Join(f, " "), prefix) {
			return f
		}
	}
	t.Fatalf("no %q row in:\n%s", prefix, report)
	return nil
}

func number(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

// TestEvalQuotesDevTargets runs `enrich eval-quotes` with the full
// enrichment on the PolNeAR dev set and checks the targets on the
// pure direct slice: F1 >= 90 at overlap 0.8, speaker mention >= 92%.
func TestEvalQuotesDevTargets(t *testing.T) {
	dir := testenv.SharedDir(t, "data", "polnear", "dev")
	var out, errb bytes.Buffer
	if err := evalQuotesCmd([]string{dir}, &out, &errb); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	f := row(t, out.String(), "pure direct 0.8")
	// slice(2) t gold pred hits P R F1 speaker cue
	if f1 := number(t, f[8]); f1 < 90 {
		t.Errorf("pure direct F1@0.8 = %.1f, want >= 90\n%s", f1, out.String())
	}
	if sp := number(t, f[9]); sp < 92 {
		t.Errorf("speaker-mention accuracy = %.1f%%, want >= 92\n%s", sp, out.String())
	}
	t.Logf("\n%s", out.String())
}

// TestConllAndEvalNER runs `enrich conll` on CoNLL-2003 valid and scores it
// with `enrich eval-ner`: entity-level micro F1 must reach 91.0.
func TestConllAndEvalNER(t *testing.T) {
	valid, err := os.Open(testenv.SharedDir(t, "data", "conll2003", "valid.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer valid.Close()
	var tagged, errb bytes.Buffer
	if err := conllCmd(nil, valid, &tagged, &errb); err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	if err := evalNERCmd([]string{"-"}, &tagged, &report, &errb); err != nil {
		t.Fatal(err)
	}
	if f1 := number(t, row(t, report.String(), "overall")[6]); f1 < 91.0 {
		t.Errorf("overall F1 %.2f, want >= 91.0\n%s", f1, report.String())
	}
	t.Logf("\n%s", report.String())
}

// TestFileCommand enriches two minimal articles (id and body only) and keeps
// input order and body.
func TestFileCommand(t *testing.T) {
	in := `{"id":"a","body":"“We will not give up,” said Anna Berg, the mayor of Oslo."}
{"id":"b","body":"Talks resumed in Geneva on Monday."}
`
	var out, errb bytes.Buffer
	if err := fileCmd(context.Background(), nil, strings.NewReader(in), &out, &errb); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %d:\n%s", len(lines), out.String())
	}
	var first struct {
		ID       string `json:"id"`
		Body     string `json:"body"`
		Entities []struct{ Name, Type string }
		Quotes   []struct {
			Text    string
			Speaker *struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.ID != "a" || !strings.HasPrefix(first.Body, "“We will") {
		t.Errorf("order or body changed: %s", lines[0])
	}
	if len(first.Quotes) != 1 || first.Quotes[0].Speaker == nil || first.Quotes[0].Speaker.Name != "Anna Berg" {
		t.Errorf("want one quote by Anna Berg: %s", lines[0])
	}
	if !strings.Contains(lines[1], `"id":"b"`) {
		t.Errorf("second line: %s", lines[1])
	}
}
