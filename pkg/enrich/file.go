package enrich

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// EnrichFile is the one-shot file mode: it enriches the NDJSON articles in
// the file inPath and writes them to outPath ("-" means standard input or
// output). The output file is written beside its destination under a
// temporary name and renamed into place only when every line was written,
// so a failed run never leaves a truncated file; with bad lines (a
// *BadLinesError) the output, error objects included, is still kept.
func (e *Enricher) EnrichFile(ctx context.Context, inPath, outPath string) (err error) {
	var in io.Reader = os.Stdin
	if inPath != "-" {
		f, err := os.Open(inPath)
		if err != nil {
			return fmt.Errorf("enrich file: %w", err)
		}
		defer f.Close()
		in = f
	}
	if outPath == "-" {
		return e.EnrichNDJSON(ctx, in, os.Stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(outPath), "."+filepath.Base(outPath)+".*.tmp")
	if err != nil {
		return fmt.Errorf("enrich file: %w", err)
	}
	defer func() {
		if err != nil && !isBadLines(err) {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	runErr := e.EnrichNDJSON(ctx, in, tmp)
	if runErr != nil && !isBadLines(runErr) {
		return runErr
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("enrich file: close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), outPath); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("enrich file: %w", err)
	}
	return runErr
}

// isBadLines reports whether err only says some input lines were bad.
func isBadLines(err error) bool {
	var bl *BadLinesError
	return errors.As(err, &bl)
}
