// Package testenv tells tests where the real Kafka broker, the real
// Elasticsearch node and the shared research data live, and decides whether a
// test that needs them runs, skips or fails.
//
// `make test` starts the local stack, exports KAFKA_BROKERS and
// ELASTICSEARCH_URL, and sets WIRESTREAM_REQUIRE_STACK=1 so that a missing
// component fails the run instead of silently skipping it. Run by hand without
// those variables, stack-dependent tests skip with a message saying how to run
// them.
package testenv

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// requireStack reports whether missing stack settings must fail the test.
func requireStack() bool { return os.Getenv("WIRESTREAM_REQUIRE_STACK") == "1" }

// need returns the value of the environment variable name, or skips (or
// fails, under WIRESTREAM_REQUIRE_STACK=1) the test when it is empty.
func need(t testing.TB, name string) string {
	t.Helper()
	v := strings.TrimSpace(os.Getenv(name))
	if v != "" {
		return v
	}
	msg := name + " is not set: run `make test`, or `eval \"$(make -s stack-env)\"` after `make stack-up`"
	if requireStack() {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// KafkaBrokers returns the broker addresses from KAFKA_BROKERS (comma
// separated), or skips/fails the test when the variable is unset.
func KafkaBrokers(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, b := range strings.Split(need(t, "KAFKA_BROKERS"), ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

// ElasticsearchURL returns ELASTICSEARCH_URL, or skips/fails the test when it
// is unset.
func ElasticsearchURL(t testing.TB) string {
	t.Helper()
	return strings.TrimRight(need(t, "ELASTICSEARCH_URL"), "/")
}

// RepoRoot returns the absolute path of the repository root (the folder
// holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testenv: cannot locate source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedDir returns the path of the shared research material (../shared from
// the repository root, or WIRESTREAM_SHARED when set) joined with elem. The
// test skips when the path does not exist, and fails instead when
// WIRESTREAM_REQUIRE_SHARED=1 (as in CI, where the material is always present).
func SharedDir(t testing.TB, elem ...string) string {
	t.Helper()
	root := os.Getenv("WIRESTREAM_SHARED")
	if root == "" {
		root = filepath.Join(RepoRoot(t), "..", "shared")
	}
	p := filepath.Join(append([]string{root}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		msg := "shared material not found at " + p + " (set WIRESTREAM_SHARED)"
		if os.Getenv("WIRESTREAM_REQUIRE_SHARED") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}
