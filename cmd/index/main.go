// Command index writes enriched articles into Elasticsearch, one current
// document per story, and offers the terminal side of search.
//
//	index serve [flags]          consume the enriched topic into Elasticsearch (the default)
//	index setup                  install templates, the index and its aliases (idempotent)
//	index search [flags] WORDS   full-text search with entity and speaker filters
//	index count                  number of stories behind the read alias
//	index replay --since TIME    point the index consumer group at a time in the enriched topic
//	index dlq list|redrive       inspect and re-drive dead letters
//
// Settings are flags with environment fallbacks: `index serve --help`, or
// docs/configuration.md.
package main

import (
	"context"
	"os"
	"time"

	"github.com/wirestream/wirestream/internal/cli"
	"github.com/wirestream/wirestream/internal/opscmd"
	"github.com/wirestream/wirestream/pkg/config"
	"github.com/wirestream/wirestream/pkg/esindex"
)

// esSettings are the Elasticsearch settings every index subcommand has.
type esSettings struct {
	config.Elasticsearch
	// Alias is the write alias and the stem of the read alias, templates
	// and indices.
	Alias string
}

func esFlags(set *config.Set, s *esSettings) {
	config.ElasticsearchFlags(set, &s.Elasticsearch)
	set.String(&s.Alias, "index-alias", "WIRESTREAM_INDEX_ALIAS", esindex.DefaultPrefix, "write alias; the read alias is this plus -read, templates and indices are named after it")
}

// serveSettings are the settings of `index serve`.
type serveSettings struct {
	common        config.Service
	es            esSettings
	GroupID       string
	MaxInFlight   int
	BulkDocs      int
	BulkBytes     int
	FlushInterval time.Duration
	BulkInFlight  int
	Replicas      int
}

// serveFlags declares every setting of `index serve`.
func serveFlags() (*config.Set, *serveSettings) {
	s := &serveSettings{}
	set := config.NewSet("index serve")
	config.ServiceFlags(set, &s.common, "index", "127.0.0.1:8083", "enriched", "dlq")
	esFlags(set, &s.es)
	set.Int(&s.Replicas, "index-replicas", "WIRESTREAM_INDEX_REPLICAS", 0, "replicas of a newly created index (0 suits one node)")
	set.Section("Bulk writing")
	set.String(&s.GroupID, "group-id", "WIRESTREAM_INDEX_GROUP", "wirestream-index", "Kafka consumer group")
	set.Int(&s.MaxInFlight, "max-in-flight", "WIRESTREAM_INDEX_MAX_IN_FLIGHT", 4000, "most messages fetched but not yet settled in Elasticsearch; fetching pauses at the limit")
	set.Int(&s.BulkDocs, "bulk-docs", "WIRESTREAM_BULK_DOCS", 500, "most operations in one bulk request")
	set.Int(&s.BulkBytes, "bulk-bytes", "WIRESTREAM_BULK_BYTES", 5<<20, "most bytes in one bulk request")
	set.Duration(&s.FlushInterval, "flush-interval", "WIRESTREAM_FLUSH_INTERVAL", 200*time.Millisecond, "longest wait for a bulk request to fill")
	set.Int(&s.BulkInFlight, "bulk-in-flight", "WIRESTREAM_BULK_IN_FLIGHT", 3, "concurrent bulk requests")
	return set, s
}

func main() {
	ctx := context.Background()
	cli.Main("index", "writes enriched articles into Elasticsearch and searches them", "serve", map[string]cli.Command{
		"serve": {Summary: "run the index service (enriched topic -> Elasticsearch)", Run: func(_ context.Context, args []string) error {
			set, s := serveFlags()
			if err := set.Parse(args); err != nil {
				return &cli.UsageError{Err: err}
			}
			if err := s.common.Validate(); err != nil {
				return &cli.UsageError{Err: err}
			}
			if err := s.es.Validate(); err != nil {
				return &cli.UsageError{Err: err}
			}
			return serve(s)
		}},
		"setup": {Summary: "install the index templates, index and aliases (idempotent)", Run: func(_ context.Context, args []string) error {
			return setupCmd(ctx, args, os.Stdout)
		}},
		"search": {Summary: "search stories: full text plus --person, --org, --place, --speaker, --since", Run: func(_ context.Context, args []string) error {
			return searchCmd(ctx, args, os.Stdout)
		}},
		"count": {Summary: "print the number of stories behind the read alias", Run: func(_ context.Context, args []string) error {
			return countCmd(ctx, args, os.Stdout)
		}},
		"replay": {Summary: "set the index consumer group's offsets on the enriched topic to a point in time", Run: func(_ context.Context, args []string) error {
			return opscmd.Replay(ctx, "index", config.DefaultEnrichedTopic, "wirestream-index", args, os.Stdout)
		}},
		"dlq": {Summary: "list dead letters, or re-drive them to their original topic", Run: func(_ context.Context, args []string) error {
			return opscmd.DLQ(ctx, "index", args, os.Stdout, os.Stderr)
		}},
		"settings-md": {Summary: "print the settings table in Markdown (for docs/configuration.md)", Run: func(_ context.Context, args []string) error {
			set, _ := serveFlags()
			_, err := os.Stdout.WriteString(set.Markdown())
			return err
		}},
	})
}
