package esindex

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
)

// setupFake plays the few Elasticsearch endpoints Setup uses and records
// what it was sent.
type setupFake struct {
	english bool
	mu      sync.Mutex
	index   bool              // the concrete index exists
	bodies  map[string]string // "METHOD path" -> last body
}

func (f *setupFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies[r.Method+" "+r.URL.Path] = string(body)
	switch {
	case r.URL.Path == "/_analyze":
		if !f.english {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"type":"illegal_argument_exception","reason":"failed to find global analyzer [english]"},"status":400}`)
			return
		}
		io.WriteString(w, `{"tokens":[]}`)
	case strings.HasPrefix(r.URL.Path, "/_component_template/"), strings.HasPrefix(r.URL.Path, "/_index_template/"):
		io.WriteString(w, `{"acknowledged":true}`)
	case r.URL.Path == "/_alias/wirestream-articles":
		if !f.index {
			w.WriteHeader(404)
			io.WriteString(w, `{"error":"alias [wirestream-articles] missing","status":404}`)
			return
		}
		io.WriteString(w, `{"wirestream-articles-v1":{"aliases":{"wirestream-articles":{"is_write_index":true}}}}`)
	case r.Method == http.MethodPut && r.URL.Path == "/wirestream-articles-v1":
		if f.index {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"type":"resource_already_exists_exception","reason":"exists"},"status":400}`)
			return
		}
		f.index = true
		io.WriteString(w, `{"acknowledged":true}`)
	case r.Method == http.MethodPut && r.URL.Path == "/wirestream-articles-v1/_mapping":
		io.WriteString(w, `{"acknowledged":true}`)
	default:
		w.WriteHeader(500)
		io.WriteString(w, `{"error":"unexpected `+r.Method+` `+r.URL.Path+`"}`)
	}
}

func TestSetup(t *testing.T) {
	for _, english := range []bool{false, true} {
		f := &setupFake{english: english, bodies: map[string]string{}}
		srv := httptest.NewServer(f)
		es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{srv.URL}, DisableRetry: true})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		res, err := Setup(ctx, es, SetupConfig{})
		if err != nil {
			t.Fatalf("english=%v: Setup: %v", english, err)
		}
		if !res.CreatedIndex || res.English != english || res.WriteIndex != "wirestream-articles-v1" {
			t.Errorf("english=%v: first Setup = %+v", english, res)
		}
		mappings := f.bodies["PUT /_component_template/wirestream-articles-mappings"]
		if got := strings.Contains(mappings, `"analyzer":"english"`); got != english {
			t.Errorf("english=%v: mappings template uses the english analyzer: %v", english, got)
		}
		if !strings.Contains(mappings, `"dynamic":"strict"`) {
			t.Errorf("mappings template is not strict: %s", mappings)
		}
		tmpl := f.bodies["PUT /_index_template/wirestream-articles"]
		for _, want := range []string{`"index_patterns":["wirestream-articles-*"]`, `"composed_of":["wirestream-articles-settings","wirestream-articles-mappings"]`} {
			if !strings.Contains(tmpl, want) {
				t.Errorf("index template lacks %s: %s", want, tmpl)
			}
		}
		create := f.bodies["PUT /wirestream-articles-v1"]
		if !strings.Contains(create, `"wirestream-articles":{"is_write_index":true}`) || !strings.Contains(create, `"wirestream-articles-read":{}`) {
			t.Errorf("index created without both aliases: %s", create)
		}
		res, err = Setup(ctx, es, SetupConfig{})
		if err != nil || res.CreatedIndex || res.WriteIndex != "wirestream-articles-v1" {
			t.Errorf("english=%v: second Setup = %+v, %v", english, res, err)
		}
		srv.Close()
	}
}

func TestIndexSettings(t *testing.T) {
	cases := []struct {
		cfg              SetupConfig
		shards, replicas int
		refresh          string
	}{
		{SetupConfig{}, 1, 0, "1s"},
		{SetupConfig{Shards: 3, Replicas: 1, RefreshInterval: "5s"}, 3, 1, "5s"},
		{SetupConfig{Shards: -1, Replicas: -2}, 1, 0, "1s"},
	}
	for _, c := range cases {
		idx := IndexSettings(c.cfg)["index"].(map[string]any)
		if idx["number_of_shards"] != c.shards || idx["number_of_replicas"] != c.replicas || idx["refresh_interval"] != c.refresh {
			t.Errorf("IndexSettings(%+v) = %v", c.cfg, idx)
		}
		if idx["gc_deletes"] == nil {
			t.Error("gc_deletes not set: delete tombstones would expire after 60s")
		}
	}
}
