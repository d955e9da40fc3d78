package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/formats"
)

// parseCmd implements `ingest parse [flags] FILE...`: the normalised
// articles as NDJSON on stdout, no Kafka involved.
func parseCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ingest parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	source := fs.String("source", "", "source name for formats that carry none")
	format := fs.String("format", "", "force a format instead of detecting it: "+formatList())
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ingest parse [--source NAME] [--format FORMAT] FILE...")
		fmt.Fprintln(stderr, "Prints the articles parsed from each file as NDJSON, without Kafka.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("parse: no files given")
	}
	f := article.Format(*format)
	if f != "" && !f.Valid() {
		return fmt.Errorf("parse: unknown format %q (want one of %s)", *format, formatList())
	}
	return formats.ParseFilesNDJSON(fs.Args(), formats.Options{Source: *source, Format: f, Now: time.Now().UTC()}, stdout)
}

func formatList() string {
	s := ""
	for i, f := range article.Formats {
		if i > 0 {
			s += ", "
		}
		s += string(f)
	}
	return s
}
