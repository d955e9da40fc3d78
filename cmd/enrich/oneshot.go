package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/enrich"
	"github.com/wirestream/wirestream/pkg/ner"
	"github.com/wirestream/wirestream/pkg/quoteeval"
)

// openIn opens path for reading; "-" is stdin.
func openIn(path string, stdin io.Reader) (io.ReadCloser, error) {
	if path == "-" || path == "" {
		return io.NopCloser(stdin), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open input: %w", err)
	}
	return f, nil
}

// fileCmd implements `enrich file --in ARTICLES.ndjson --out OUT.ndjson`.
func fileCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enrich file", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "-", "NDJSON articles to enrich (only id and body are required); - for stdin")
	out := fs.String("out", "-", "where to write the enriched NDJSON; - for stdout")
	workers := fs.Int("workers", 0, "enrichment goroutines (0: one per core)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: enrich file [--in FILE|-] [--out FILE|-] [--workers N]")
		fmt.Fprintln(stderr, "Enriches each input line and writes one enriched article per line, in input order.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := openIn(*in, stdin)
	if err != nil {
		return err
	}
	defer r.Close()
	w := stdout
	var f *os.File
	if *out != "-" && *out != "" {
		if f, err = os.Create(*out); err != nil {
			return fmt.Errorf("create output: %w", err)
		}
		w = f
	}
	var opts []enrich.Option
	if *workers > 0 {
		opts = append(opts, enrich.WithWorkers(*workers))
	}
	err = enrich.New(opts...).EnrichNDJSON(ctx, r, w)
	if f != nil {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close output: %w", cerr)
		}
	}
	return err
}

// conllCmd implements `enrich conll < FILE > OUT`: CoNLL-2003 lines with the
// predicted tag appended as the last column.
func conllCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enrich conll", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: enrich conll < FILE > OUT")
		fmt.Fprintln(stderr, "Appends the predicted entity tag (IOB2) to each CoNLL-2003 token line, for conlleval.")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	return ner.ConllTag(stdin, stdout)
}

// evalNERCmd implements `enrich eval-ner FILE`: entity-level precision,
// recall and F1 per type and overall on a CoNLL-2003 file.
func evalNERCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enrich eval-ner", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: enrich eval-ner FILE|-")
		fmt.Fprintln(stderr, "Tags a CoNLL-2003 file with the shipped model and prints entity-level P/R/F1.")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("eval-ner: one file expected")
	}
	r, err := openIn(fs.Arg(0), stdin)
	if err != nil {
		return err
	}
	defer r.Close()
	rep, err := ner.EvalConll(r)
	if err != nil {
		return err
	}
	return rep.Write(stdout)
}

// evalQuotesCmd implements `enrich eval-quotes DIR`: quote extraction scored
// against a PolNeAR-style folder with the full enrichment (entities, then
// quotes).
func evalQuotesCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("enrich eval-quotes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: enrich eval-quotes DIR")
		fmt.Fprintln(stderr, "Scores quotes against DIR/text and DIR/attributions (brat standoff), pure direct and all quoted slices.")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("eval-quotes: one folder expected")
	}
	e := enrich.New()
	rep, err := quoteeval.Evaluate(fs.Arg(0), func(body string) []article.Quote {
		a := &article.Article{Body: body}
		e.Enrich(a)
		return a.Quotes
	})
	if err != nil {
		return err
	}
	return rep.Write(stdout)
}
