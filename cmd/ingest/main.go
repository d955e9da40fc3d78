// Command ingest is Wirestream's front door: it accepts wire stories over
// HTTP, from a spool directory and from RSS/Atom feeds, in every common wire
// format, normalises each into an article event and writes it to Kafka.
//
//	ingest serve [flags]     run the service (the default)
//	ingest parse FILE...     print the parsed articles as NDJSON, no Kafka
//
// Settings are flags with environment fallbacks: `ingest serve --help`, or
// docs/configuration.md.
package main

import (
	"context"
	"os"
	"time"

	"github.com/wirestream/wirestream/internal/cli"
	"github.com/wirestream/wirestream/pkg/config"
)

// serveSettings are the settings of `ingest serve`.
type serveSettings struct {
	common        config.Service
	HTTPAddr      string
	MaxBodyBytes  int
	MaxBatchBytes int
	TokensFile    string
	SpoolDir      string
	Source        string
	Feeds         string
	FeedInterval  time.Duration
	FeedState     string
}

// serveFlags declares every setting of `ingest serve`.
func serveFlags() (*config.Set, *serveSettings) {
	s := &serveSettings{}
	set := config.NewSet("ingest serve")
	config.ServiceFlags(set, &s.common, "ingest", "127.0.0.1:8081", "raw")
	set.Section("HTTP API")
	set.String(&s.HTTPAddr, "http-addr", "WIRESTREAM_HTTP_ADDR", "127.0.0.1:8080", "listen address of the HTTP API (POST /v1/articles, /v1/articles:batch)")
	set.Int(&s.MaxBodyBytes, "max-body-bytes", "WIRESTREAM_MAX_BODY_BYTES", 8<<20, "largest single-article request body; larger ones get 413")
	set.Int(&s.MaxBatchBytes, "max-batch-bytes", "WIRESTREAM_MAX_BATCH_BYTES", 64<<20, "largest batch request body; larger ones get 413")
	set.String(&s.TokensFile, "tokens-file", "WIRESTREAM_INGEST_TOKENS_FILE", "", "file of accepted bearer tokens, one per line; tokens in $WIRESTREAM_INGEST_TOKENS (comma-separated) are accepted too; no tokens: no authentication")
	set.Section("Spool directory and feeds")
	set.String(&s.SpoolDir, "spool-dir", "WIRESTREAM_SPOOL_DIR", "", "watch this directory for wire files (done/ and failed/ are created inside); empty: off")
	set.String(&s.Source, "source", "WIRESTREAM_SOURCE", "spool", "source name for spool files whose format names none")
	set.String(&s.Feeds, "feeds", "WIRESTREAM_FEEDS", "", "RSS/Atom feeds to poll: comma-separated URLs or name=URL, or @FILE with one per line; empty: off")
	set.Duration(&s.FeedInterval, "feed-interval", "WIRESTREAM_FEED_INTERVAL", 5*time.Minute, "time between two polls of one feed")
	set.String(&s.FeedState, "feed-state", "WIRESTREAM_FEED_STATE", "wirestream-feeds.json", "file remembering feed validators and seen entries across restarts")
	return set, s
}

func main() {
	cli.Main("ingest", "accepts wire stories and writes article events to Kafka", "serve", map[string]cli.Command{
		"serve": {Summary: "run the ingest service (HTTP API, spool directory, feeds)", Run: func(ctx context.Context, args []string) error {
			set, s := serveFlags()
			if err := set.Parse(args); err != nil {
				return &cli.UsageError{Err: err}
			}
			if err := s.common.Validate(); err != nil {
				return &cli.UsageError{Err: err}
			}
			return serve(s)
		}},
		"parse": {Summary: "print the articles parsed from wire files as NDJSON (no Kafka)", Run: func(ctx context.Context, args []string) error {
			return parseCmd(args, os.Stdout, os.Stderr)
		}},
		"settings-md": {Summary: "print the settings table in Markdown (for docs/configuration.md)", Run: func(ctx context.Context, args []string) error {
			set, _ := serveFlags()
			_, err := os.Stdout.WriteString(set.Markdown())
			return err
		}},
	})
}
