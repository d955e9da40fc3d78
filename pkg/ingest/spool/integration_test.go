//go:build integration

package spool

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/ingest/formats"
	"github.com/wirestream/wirestream/pkg/ingest/publish"
	"github.com/wirestream/wirestream/pkg/ingest/publish/publishtest"
	"github.com/wirestream/wirestream/pkg/testenv"
)

// runUntil runs a spool over dir until cond holds, then stops it.
func runUntil(t *testing.T, dir string, pub publish.Publisher, cond func() bool) {
	t.Helper()
	s, err := New(Config{Dir: dir, Source: "it-spool", PollInterval: 20 * time.Millisecond, Quiet: 50 * time.Millisecond}, pub, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !cond() {
		t.Fatal("spool did not reach the expected state in time")
	}
}

func count(dir string) int {
	entries, _ := os.ReadDir(dir)
	return len(entries)
}

func TestIntegrationSpool(t *testing.T) {
	k, brokers, topic := publishtest.Publisher(t, 4)
	dir := t.TempDir()
	wire := testenv.SharedDir(t, "fixtures", "wire")

	// First run: two good files, one that cannot be parsed, one still
	// being written.
	var inputs []string
	copyFile := func(src, name string) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, filepath.Join(dir, name))
	}
	copyFile(filepath.Join(wire, "newsml-g2", "LISTING_1_A_NewsML-G2_News_Item.xml"), "01-item.xml")
	copyFile(filepath.Join(wire, "kerry-moscow.txt"), "02-kerry.txt")
	write(t, dir, "03-bad.json", jsonArticle("urn:spool:bad", "killed"))
	write(t, dir, "04-later.json.part", jsonArticle("urn:spool:later", "usable"))
	runUntil(t, dir, k, func() bool { return count(filepath.Join(dir, "done")) == 2 && count(filepath.Join(dir, "failed")) == 2 })

	// Restart mid-way: the partial file is renamed into place and a new
	// file arrives; a new process picks both up, and done/ is not re-read.
	if err := os.Rename(filepath.Join(dir, "04-later.json.part"), filepath.Join(dir, "04-later.json")); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "05-more.json", jsonArticle("urn:spool:more", "usable"))
	runUntil(t, dir, k, func() bool { return count(filepath.Join(dir, "done")) == 4 })
	if _, err := os.Stat(filepath.Join(dir, "failed", "03-bad.json.error.json")); err != nil {
		t.Errorf("sidecar missing: %v", err)
	}

	// What should be on the topic: every item of the done files, once.
	// Items whose version is the ingest time (plain text) are matched by id.
	var exact []string
	byID := map[string]bool{}
	now := time.Now()
	for _, name := range []string{"01-item.xml", "02-kerry.txt", "04-later.json", "05-more.json"} {
		data, err := os.ReadFile(filepath.Join(dir, "done", name))
		if err != nil {
			t.Fatal(err)
		}
		arts, err := formats.Parse(data, formats.Options{Source: "it-spool", Filename: name, Now: now})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, a := range arts {
			if a.Version == now.UnixMilli() {
				byID[a.ID] = true
			} else {
				exact = append(exact, publishtest.RevisionKey(a.ID, a.Version))
			}
		}
	}
	recs := publishtest.ReadAll(t, brokers, topic)
	var keep []publishtest.Record
	seen := map[string]int{}
	for _, r := range recs {
		if byID[r.Article.ID] {
			seen[r.Article.ID]++
		} else {
			keep = append(keep, r)
		}
	}
	for id := range byID {
		if seen[id] != 1 {
			t.Errorf("story %s on the topic %d times, want once", id, seen[id])
		}
	}
	publishtest.CheckExactlyOnce(t, keep, exact)
}
