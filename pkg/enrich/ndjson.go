package enrich

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/wirestream/wirestream/pkg/article"
)

// MaxLineBytes bounds one NDJSON input line: the largest body the contract
// allows, with room for JSON escaping and the other fields.
const MaxLineBytes = 2*article.MaxBodyBytes + 1<<20

// LineError is the error of one bad input line of EnrichNDJSON.
type LineError struct {
	Line int // 1-based line number in the input
	Err  error
}

// Error implements error.
func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// BadLinesError reports that EnrichNDJSON met bad lines; the good lines were
// still enriched and written.
type BadLinesError struct {
	Count int        // number of bad lines
	First *LineError // the first of them
}

// Error implements error.
func (e *BadLinesError) Error() string {
	return fmt.Sprintf("enrich ndjson: %d bad line(s), first: %v", e.Count, e.First)
}

// Unwrap returns the first line error.
func (e *BadLinesError) Unwrap() error { return e.First }

// errorLine is written in place of the article for a bad input line.
type errorLine struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// input decodes one article; Body is a pointer so that a missing body is
// told from an empty one.
type input struct {
	article.Article
	Body *string `json:"body"`
}

// job is one non-blank input line on its way through the worker pool.
type job struct {
	line int
	data []byte
	out  []byte
	err  *LineError
	done chan struct{}
}

// EnrichNDJSON reads articles from r, one JSON object per line, enriches
// them on all workers (GOMAXPROCS by default) and writes them to w as NDJSON
// in input order.
//
// Only "id" (non-empty) and "body" (a string, possibly empty) are required;
// other fields are optional and copied through unchanged, unvalidated.
// Blank lines are skipped. A bad line (malformed JSON, wrong field type,
// missing id or body) does not stop the run: in its place EnrichNDJSON
// writes {"line":N,"error":"..."}, so output line k still answers the k-th
// non-blank input line, and at the end it returns a *BadLinesError. A read
// or write error, a line longer than MaxLineBytes or ctx ending stops the
// run and is returned.
func (e *Enricher) EnrichNDJSON(ctx context.Context, r io.Reader, w io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(e.workers, 1)
	jobs := make(chan *job, workers)
	order := make(chan *job, 4*workers)
	readDone := make(chan struct{})
	var readErr error
	go func() {
		defer close(readDone)
		defer close(order)
		defer close(jobs)
		readErr = readLines(ctx, r, jobs, order)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if ctx.Err() == nil {
					e.process(j)
				}
				close(j.done)
			}
		}()
	}
	stop := func() {
		cancel()
		for range order { // let the reader finish
		}
		<-readDone
		wg.Wait()
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bad := 0
	var first *LineError
	for j := range order {
		select {
		case <-j.done:
		case <-ctx.Done():
			stop()
			return fmt.Errorf("enrich ndjson: %w", ctx.Err())
		}
		if ctx.Err() != nil {
			stop()
			return fmt.Errorf("enrich ndjson: %w", ctx.Err())
		}
		if j.err != nil {
			bad++
			if first == nil {
				first = j.err
			}
		}
		if _, err := bw.Write(j.out); err != nil {
			stop()
			return fmt.Errorf("enrich ndjson: write line %d: %w", j.line, err)
		}
	}
	<-readDone
	wg.Wait()
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("enrich ndjson: flush output: %w", err)
	}
	if readErr != nil {
		return readErr
	}
	if bad > 0 {
		return &BadLinesError{Count: bad, First: first}
	}
	return nil
}

// readLines splits r into lines and hands each non-blank one to the workers
// (jobs) and, in input order, to the writer (order).
func readLines(ctx context.Context, r io.Reader, jobs, order chan<- *job) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		j := &job{line: n, data: bytes.Clone(line), done: make(chan struct{})}
		select {
		case order <- j:
		case <-ctx.Done():
			return fmt.Errorf("enrich ndjson: %w", ctx.Err())
		}
		select {
		case jobs <- j:
		case <-ctx.Done():
			close(j.done)
			return fmt.Errorf("enrich ndjson: %w", ctx.Err())
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("enrich ndjson: line %d: longer than %d bytes: %w", n+1, MaxLineBytes, err)
		}
		return fmt.Errorf("enrich ndjson: read after line %d: %w", n, err)
	}
	return nil
}

// process decodes, enriches and encodes one line, or encodes its error.
func (e *Enricher) process(j *job) {
	a, err := decodeLine(j.data)
	if err == nil {
		e.Enrich(a)
		j.out, err = article.Marshal(a)
	}
	if err != nil {
		j.err = &LineError{Line: j.line, Err: err}
		j.out, _ = json.Marshal(errorLine{Line: j.line, Error: j.err.Error()})
	}
	j.out = append(j.out, '\n')
}

// decodeLine parses one input article, requiring only id and body.
func decodeLine(data []byte) (*article.Article, error) {
	var in input
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&in); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, fmt.Errorf("%s: expected %s, got JSON %s", te.Field, te.Type, te.Value)
		}
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("trailing data after the article object")
	}
	if in.ID == "" {
		return nil, errors.New("id: required")
	}
	if in.Body == nil {
		return nil, errors.New("body: required")
	}
	a := in.Article
	a.Body = *in.Body
	return &a, nil
}
