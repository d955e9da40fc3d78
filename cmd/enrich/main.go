// Command enrich adds entities (people, organisations, places, other names;
// canonical names, roles, mentions) and quotes (with speakers and cues) to
// raw articles.
//
//	enrich serve [flags]           consume the raw topic, produce the enriched topic (the default)
//	enrich file --in X --out Y     enrich NDJSON articles, no Kafka
//	enrich conll < FILE            append predicted tags to CoNLL-2003 lines
//	enrich eval-ner FILE           entity P/R/F1 on a CoNLL-2003 file
//	enrich eval-quotes DIR         quote scores on a PolNeAR-style folder
//	enrich replay --since TIME     point a consumer group at a time in the raw topic
//	enrich dlq list|redrive        inspect and re-drive dead letters
//
// Settings are flags with environment fallbacks: `enrich serve --help`, or
// docs/configuration.md.
package main

import (
	"context"
	"os"

	"github.com/wirestream/wirestream/internal/cli"
	"github.com/wirestream/wirestream/pkg/config"
)

// serveSettings are the settings of `enrich serve`.
type serveSettings struct {
	common      config.Service
	GroupID     string
	Workers     int
	MaxInFlight int
}

// serveFlags declares every setting of `enrich serve`.
func serveFlags() (*config.Set, *serveSettings) {
	s := &serveSettings{}
	set := config.NewSet("enrich serve")
	config.ServiceFlags(set, &s.common, "enrich", "127.0.0.1:8082", "raw", "enriched", "dlq")
	set.Section("Processing")
	set.String(&s.GroupID, "group-id", "WIRESTREAM_ENRICH_GROUP", "wirestream-enrich", "Kafka consumer group (a new group, with `enrich replay`, re-enriches the stored raw topic)")
	set.Int(&s.Workers, "workers", "WIRESTREAM_ENRICH_WORKERS", 0, "enrichment goroutines; revisions of one article stay in order (0: one per core)")
	set.Int(&s.MaxInFlight, "max-in-flight", "WIRESTREAM_ENRICH_MAX_IN_FLIGHT", 1000, "most messages fetched but not yet acknowledged; fetching pauses at the limit")
	return set, s
}

func main() {
	ctx := context.Background()
	cli.Main("enrich", "adds entities and quotes to raw articles", "serve", map[string]cli.Command{
		"serve": {Summary: "run the enrich service (raw topic -> enriched topic)", Run: func(_ context.Context, args []string) error {
			set, s := serveFlags()
			if err := set.Parse(args); err != nil {
				return &cli.UsageError{Err: err}
			}
			if err := s.common.Validate(); err != nil {
				return &cli.UsageError{Err: err}
			}
			return serve(s)
		}},
		"file": {Summary: "enrich NDJSON articles from a file or stdin (no Kafka)", Run: func(_ context.Context, args []string) error {
			return fileCmd(ctx, args, os.Stdin, os.Stdout, os.Stderr)
		}},
		"conll": {Summary: "tag CoNLL-2003 input, appending the predicted tag to each line", Run: func(_ context.Context, args []string) error {
			return conllCmd(args, os.Stdin, os.Stdout, os.Stderr)
		}},
		"eval-ner": {Summary: "entity-level precision, recall and F1 on a CoNLL-2003 file", Run: func(_ context.Context, args []string) error {
			return evalNERCmd(args, os.Stdin, os.Stdout, os.Stderr)
		}},
		"eval-quotes": {Summary: "quote scores against a PolNeAR-style folder (text/ + attributions/)", Run: func(_ context.Context, args []string) error {
			return evalQuotesCmd(args, os.Stdout, os.Stderr)
		}},
		"replay": {Summary: "set a consumer group's offsets on the raw topic to a point in time", Run: func(_ context.Context, args []string) error {
			return replayCmd(ctx, args, os.Stdout, os.Stderr)
		}},
		"dlq": {Summary: "list dead letters, or re-drive them to their original topic", Run: func(_ context.Context, args []string) error {
			return dlqCmd(ctx, "enrich", args, os.Stdout, os.Stderr)
		}},
		"settings-md": {Summary: "print the settings table in Markdown (for docs/configuration.md)", Run: func(_ context.Context, args []string) error {
			set, _ := serveFlags()
			_, err := os.Stdout.WriteString(set.Markdown())
			return err
		}},
	})
}
