package formats

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/wirestream/wirestream/pkg/article"
)

// ParseFilesNDJSON parses every file in paths (each with its own detection,
// opts.Filename set to the path) and writes the normalised articles to w as
// NDJSON, one article.Marshal line each, in input order. It goes on after a
// bad file or item and returns every failure joined, each naming its file;
// skipped items (packages, pictures) are left out silently.
func ParseFilesNDJSON(paths []string, opts Options, w io.Writer) error {
	lim := opts.Limits.withDefaults()
	var errs []error
	for _, p := range paths {
		if err := parseFileNDJSON(p, opts, lim, w, &errs); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}

// parseFileNDJSON handles one file; item and file errors go to errs, a
// write error is returned.
func parseFileNDJSON(path string, opts Options, lim Limits, w io.Writer, errs *[]error) error {
	data, err := readCapped(path, int64(lim.MaxInputBytes))
	if err != nil {
		*errs = append(*errs, err)
		return nil
	}
	o := opts
	o.Filename = path
	res, err := ParseItems(data, o)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("%s: %w", path, err))
		return nil
	}
	for _, r := range res {
		if r.Skipped() {
			continue
		}
		if r.Err != nil {
			*errs = append(*errs, fmt.Errorf("%s: %w", path, r.Err))
			continue
		}
		line, err := article.Marshal(r.Article)
		if err != nil {
			*errs = append(*errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		if _, err := w.Write(append(line, '\n')); err != nil {
			return fmt.Errorf("write NDJSON: %w", err)
		}
	}
	return nil
}

// readCapped reads a file, refusing files larger than max bytes.
func readCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open input: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes: %w", path, max, ErrTooLarge)
	}
	return data, nil
}

// descriptions says in one line what each format is, for CLI help and logs.
var descriptions = map[article.Format]string{
	article.FormatNewsMLG2: "IPTC NewsML-G2 newsItem or newsMessage (XHTML, NITF or plain inline bodies)",
	article.FormatNITF:     "NITF 3.x document",
	article.FormatNinjs:    "IPTC ninjs 1.x-3.x JSON (object, array or NDJSON)",
	article.FormatRSS:      "RSS 2.0 (or RSS 1.0 RDF) feed",
	article.FormatAtom:     "Atom 1.0 feed or entry",
	article.FormatANPA:     "ANPA-1312 wire transmission",
	article.FormatIPTC7901: "IPTC 7901 wire transmission",
	article.FormatJSON:     "Wirestream article JSON (object, array or NDJSON)",
	article.FormatText:     "plain text (first line headline) or an HTML page",
}

// Describe returns a one-line description of format f, or "" for an
// unknown format.
func Describe(f article.Format) string { return descriptions[f] }
