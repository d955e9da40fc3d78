package quoteeval

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
)

// Attribution is one gold attribution event of a document: the content
// (possibly several spans), its source and its cue. Source and Cue are empty
// when the annotator marked none.
type Attribution struct {
	Content []article.Span
	Source  []article.Span
	Cue     []article.Span
}

// Document is one annotated article: its text and its gold attributions.
type Document struct {
	// Name is the base name of the text file, without ".txt".
	Name string
	// Text is the article text; gold offsets count its code points.
	Text string
	// Attributions are the gold events, in file order.
	Attributions []Attribution
}

// Load reads every document of a PolNeAR-style folder: dir/text/NAME.txt
// and dir/attributions/NAME_ANNOTATOR.ann. Where a text has several
// annotation files (several annotators) the first by name is used; texts
// without an annotation file are skipped.
func Load(dir string) ([]Document, error) {
	texts, err := filepath.Glob(filepath.Join(dir, "text", "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("list texts in %s: %w", dir, err)
	}
	anns, err := filepath.Glob(filepath.Join(dir, "attributions", "*.ann"))
	if err != nil {
		return nil, fmt.Errorf("list annotations in %s: %w", dir, err)
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("no texts under %s", filepath.Join(dir, "text"))
	}
	sort.Strings(anns)
	first := make(map[string]string, len(anns))
	for _, a := range anns {
		base := strings.TrimSuffix(filepath.Base(a), ".ann")
		if i := strings.LastIndexByte(base, '_'); i > 0 {
			base = base[:i]
		}
		if _, ok := first[base]; !ok {
			first[base] = a
		}
	}
	sort.Strings(texts)
	docs := make([]Document, 0, len(texts))
	for _, t := range texts {
		name := strings.TrimSuffix(filepath.Base(t), ".txt")
		ann, ok := first[name]
		if !ok {
			continue
		}
		body, err := os.ReadFile(t)
		if err != nil {
			return nil, fmt.Errorf("read text: %w", err)
		}
		atts, err := readAnn(ann)
		if err != nil {
			return nil, err
		}
		docs = append(docs, Document{Name: name, Text: string(body), Attributions: atts})
	}
	return docs, nil
}

// readAnn parses one brat standoff file into its attribution events.
func readAnn(path string) ([]Attribution, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open annotations: %w", err)
	}
	defer f.Close()
	atts, err := parseAnn(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return atts, nil
}

// parseAnn parses brat standoff annotations. Only events (E lines) with a
// Content argument are kept; text-bound annotations not linked by an event
// are ignored, as are relations, notes and unknown lines.
func parseAnn(r io.Reader) ([]Attribution, error) {
	spans := map[string][]article.Span{}
	var events [][]string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) < 2 || fields[0] == "" {
			continue
		}
		switch fields[0][0] {
		case 'T':
			sp, err := parseSpans(fields[1])
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			spans[fields[0]] = sp
		case 'E':
			events = append(events, strings.Fields(fields[1]))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read annotations: %w", err)
	}
	var out []Attribution
	for _, args := range events {
		var a Attribution
		for _, arg := range args {
			role, id, ok := strings.Cut(arg, ":")
			if !ok {
				continue
			}
			// Roles may carry a numeric suffix in brat (Content2).
			role = strings.TrimRight(role, "0123456789")
			switch role {
			case "Content":
				a.Content = append(a.Content, spans[id]...)
			case "Source":
				a.Source = append(a.Source, spans[id]...)
			case "Cue":
				a.Cue = append(a.Cue, spans[id]...)
			}
		}
		if len(a.Content) > 0 {
			out = append(out, a)
		}
	}
	return out, nil
}

// parseSpans parses the "Type start end[;start end...]" field of a T line.
func parseSpans(field string) ([]article.Span, error) {
	_, offs, ok := strings.Cut(field, " ")
	if !ok {
		return nil, fmt.Errorf("no offsets in %q", field)
	}
	var out []article.Span
	for _, part := range strings.Split(offs, ";") {
		se := strings.Fields(part)
		if len(se) != 2 {
			return nil, fmt.Errorf("bad span %q", part)
		}
		s, err1 := strconv.Atoi(se[0])
		e, err2 := strconv.Atoi(se[1])
		if err1 != nil || err2 != nil || s < 0 || e < s {
			return nil, fmt.Errorf("bad span %q", part)
		}
		out = append(out, article.Span{Start: s, End: e})
	}
	return out, nil
}
