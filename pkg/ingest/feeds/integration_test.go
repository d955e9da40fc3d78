//go:build integration

package feeds

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/ingest/formats"
	"github.com/wirestream/wirestream/pkg/ingest/publish/publishtest"
)

func TestIntegrationFeeds(t *testing.T) {
	k, brokers, topic := publishtest.Publisher(t, 4)

	rss := &feedServer{ctype: "application/rss+xml"}
	rss.set(rssDoc(rssItem("urn:it:r1", "River levels rise", "Thu, 26 Nov 2026 09:00:00 GMT"), rssItem("urn:it:r2", "Port reopens", "Thu, 26 Nov 2026 09:30:00 GMT")), `"r1"`, "")
	atom := &feedServer{ctype: "application/atom+xml"}
	atom.set(atomDoc(atomEntry("urn:it:a1", "Budget vote", "2026-11-26T08:00:00Z")), `"a1"`, "Thu, 26 Nov 2026 08:00:00 GMT")
	rssSrv, atomSrv := httptest.NewServer(rss), httptest.NewServer(atom)
	defer rssSrv.Close()
	defer atomSrv.Close()
	feeds := []Feed{{URL: rssSrv.URL + "/rss", Name: "it-rss"}, {URL: atomSrv.URL + "/atom", Name: "it-atom"}}
	state := filepath.Join(t.TempDir(), "feeds.json")
	ctx := context.Background()
	pollAll := func(p *Poller) {
		for i := range feeds {
			if _, err := p.PollFeed(ctx, i); err != nil {
				t.Fatalf("poll %s: %v", feeds[i].URL, err)
			}
		}
	}

	p, err := New(Config{Feeds: feeds, StateFile: state, Interval: time.Minute}, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	pollAll(p)
	pollAll(p) // both answered 304
	// New RSS entry, updated Atom entry.
	rss.set(rssDoc(rssItem("urn:it:r3", "Talks resume", "Thu, 26 Nov 2026 11:00:00 GMT"), rssItem("urn:it:r1", "River levels rise", "Thu, 26 Nov 2026 09:00:00 GMT"), rssItem("urn:it:r2", "Port reopens", "Thu, 26 Nov 2026 09:30:00 GMT")), `"r2"`, "")
	atom.set(atomDoc(atomEntry("urn:it:a1", "Budget vote passes", "2026-11-26T10:00:00Z")), `"a2"`, "Thu, 26 Nov 2026 10:00:00 GMT")
	pollAll(p)

	// Restart: nothing new is published, the saved validators give 304s.
	p2, err := New(Config{Feeds: feeds, StateFile: state, Interval: time.Minute}, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	pollAll(p2)
	if _, nm := rss.counts(); nm != 2 {
		t.Errorf("RSS: %d answers 304, want 2", nm)
	}
	if _, nm := atom.counts(); nm != 2 {
		t.Errorf("Atom: %d answers 304, want 2", nm)
	}

	// Expected revisions: every entry of every version of the documents.
	var want []string
	docs := []struct{ doc, source string }{
		{rssDoc(rssItem("urn:it:r3", "Talks resume", "Thu, 26 Nov 2026 11:00:00 GMT"), rssItem("urn:it:r1", "River levels rise", "Thu, 26 Nov 2026 09:00:00 GMT"), rssItem("urn:it:r2", "Port reopens", "Thu, 26 Nov 2026 09:30:00 GMT")), "it-rss"},
		{atomDoc(atomEntry("urn:it:a1", "Budget vote", "2026-11-26T08:00:00Z")), "it-atom"},
		{atomDoc(atomEntry("urn:it:a1", "Budget vote passes", "2026-11-26T10:00:00Z")), "it-atom"},
	}
	for _, d := range docs {
		arts, err := formats.Parse([]byte(d.doc), formats.Options{Source: d.source})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range arts {
			want = append(want, publishtest.RevisionKey(a.ID, a.Version))
		}
	}
	publishtest.CheckExactlyOnce(t, publishtest.ReadAll(t, brokers, topic), want)
}
