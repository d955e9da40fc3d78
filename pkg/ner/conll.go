package ner

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// conllDoc is one document of a CoNLL file: its raw lines and, per
// sentence, the indexes of its token lines.
type conllDoc struct {
	lines []string
	sents [][]int
}

// words returns the tokens (first column) of sentence s.
func (d *conllDoc) words(s int) []string {
	out := make([]string, len(d.sents[s]))
	for i, li := range d.sents[s] {
		out[i] = firstField(d.lines[li])
	}
	return out
}

// column returns the field at index col from the end (1 = last column) of
// each token line of sentence s, or "O" when the line is too short.
func (d *conllDoc) column(s, col int) []string {
	out := make([]string, len(d.sents[s]))
	for i, li := range d.sents[s] {
		f := strings.Fields(d.lines[li])
		if len(f) > col {
			out[i] = f[len(f)-col]
		} else {
			out[i] = "O"
		}
	}
	return out
}

// firstField returns the first whitespace-separated field of line.
func firstField(line string) string {
	line = strings.TrimLeft(line, " \t")
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		return line[:i]
	}
	return line
}

// isDocStart reports whether line is a -DOCSTART- document separator.
func isDocStart(line string) bool { return firstField(line) == "-DOCSTART-" }

// conllReader reads CoNLL files one document at a time.
type conllReader struct {
	sc      *bufio.Scanner
	pending string // a -DOCSTART- line read ahead
	hasPend bool
	line    int
}

// newConllReader returns a reader over r.
func newConllReader(r io.Reader) *conllReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	return &conllReader{sc: sc}
}

// next returns the next document, or io.EOF after the last one. A
// document starts at a -DOCSTART- line (kept as its first line) and runs to
// the next one; a file without separators is one document.
func (cr *conllReader) next() (*conllDoc, error) {
	d := &conllDoc{}
	var cur []int
	flush := func() {
		if len(cur) > 0 {
			d.sents = append(d.sents, cur)
			cur = nil
		}
	}
	if cr.hasPend {
		d.lines = append(d.lines, cr.pending)
		cr.hasPend = false
	}
	for cr.sc.Scan() {
		cr.line++
		line := strings.TrimRight(cr.sc.Text(), "\r")
		if isDocStart(line) {
			if len(d.lines) > 0 {
				cr.pending, cr.hasPend = line, true
				flush()
				return d, nil
			}
			d.lines = append(d.lines, line)
			continue
		}
		d.lines = append(d.lines, line)
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		cur = append(cur, len(d.lines)-1)
	}
	if err := cr.sc.Err(); err != nil {
		return nil, fmt.Errorf("ner: reading CoNLL line %d: %w", cr.line+1, err)
	}
	flush()
	if len(d.lines) == 0 {
		return nil, io.EOF
	}
	return d, nil
}

// readConll reads every document of a CoNLL file.
func readConll(r io.Reader) ([]*conllDoc, error) {
	cr := newConllReader(r)
	var docs []*conllDoc
	for {
		d, err := cr.next()
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
}

// ConllTag tags a CoNLL file with the default model: it reads r (token in
// the first column), and writes every line to w with the predicted IOB2 tag
// appended as a last column; blank lines and -DOCSTART- lines are copied
// unchanged. Each document is tagged as a whole, with document-level
// features.
func ConllTag(r io.Reader, w io.Writer) error { return Default().ConllTag(r, w) }

// ConllTag is the method form of the package-level ConllTag, using t.
func (t *Tagger) ConllTag(r io.Reader, w io.Writer) error {
	cr := newConllReader(r)
	bw := bufio.NewWriter(w)
	for {
		d, err := cr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		words := make([][]string, len(d.sents))
		for s := range d.sents {
			words[s] = d.words(s)
		}
		pred := t.TagDocumentTokens(words)
		tagOf := make(map[int]string, len(d.lines))
		for s, lines := range d.sents {
			for i, li := range lines {
				tagOf[li] = pred[s][i]
			}
		}
		for li, line := range d.lines {
			if tag, ok := tagOf[li]; ok {
				line += " " + tag
			}
			if _, err := bw.WriteString(line + "\n"); err != nil {
				return fmt.Errorf("ner: writing CoNLL output: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ner: writing CoNLL output: %w", err)
	}
	return nil
}
