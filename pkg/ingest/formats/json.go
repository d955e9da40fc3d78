package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/textnorm"
)

// jsonItem is one JSON value of an input, or why it could not be cut out.
type jsonItem struct {
	raw   []byte
	label string
	err   error
}

// jsonItems cuts a JSON input into items: a single object, the elements of
// a top-level array, or the lines of NDJSON. A malformed NDJSON line is an
// item error; a malformed single document is an input error.
func jsonItems(data []byte, c *ctx) ([]jsonItem, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("invalid UTF-8 at byte %d (JSON must be UTF-8)", invalidUTF8Offset(data))
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("empty input")
	}
	if json.Valid(trimmed) {
		if trimmed[0] == '[' {
			var list []json.RawMessage
			if err := json.Unmarshal(trimmed, &list); err != nil {
				return nil, jsonFieldError(err)
			}
			if len(list) > c.limits.MaxItems {
				return nil, fmt.Errorf("%d items, limit %d: %w", len(list), c.limits.MaxItems, ErrTooLarge)
			}
			out := make([]jsonItem, len(list))
			for i, r := range list {
				out[i] = jsonItem{raw: r, label: fmt.Sprintf("item %d", i)}
				if len(r) > c.limits.MaxItemBytes {
					out[i].err = fmt.Errorf("item is %d bytes, limit %d: %w", len(r), c.limits.MaxItemBytes, ErrTooLarge)
				}
			}
			return out, nil
		}
		if len(trimmed) > c.limits.MaxItemBytes {
			return nil, fmt.Errorf("item is %d bytes, limit %d: %w", len(trimmed), c.limits.MaxItemBytes, ErrTooLarge)
		}
		return []jsonItem{{raw: trimmed, label: "object"}}, nil
	}
	lines := bytes.Split(trimmed, []byte("\n"))
	first := bytes.TrimSpace(lines[0])
	if len(lines) == 1 || len(first) == 0 || first[0] != '{' || first[len(first)-1] != '}' {
		// One (pretty-printed or single-line) document that does not parse.
		var v any
		err := json.Unmarshal(trimmed, &v)
		if err == nil {
			err = errors.New("not a JSON value")
		}
		return nil, jsonFieldError(err)
	}
	var out []jsonItem
	for i, l := range lines {
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		if len(out) >= c.limits.MaxItems {
			return nil, fmt.Errorf("more than %d NDJSON lines: %w", c.limits.MaxItems, ErrTooLarge)
		}
		it := jsonItem{raw: l, label: fmt.Sprintf("line %d", i+1)}
		switch {
		case len(l) > c.limits.MaxItemBytes:
			it.err = fmt.Errorf("line is %d bytes, limit %d: %w", len(l), c.limits.MaxItemBytes, ErrTooLarge)
		case !json.Valid(l):
			var v any
			it.err = jsonFieldError(json.Unmarshal(l, &v))
		}
		out = append(out, it)
	}
	return out, nil
}

// jsonFieldError words a JSON decoding error, naming the field.
func jsonFieldError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		f := te.Field
		if f == "" {
			f = "$"
		}
		return fmt.Errorf("%s: expected %s, got JSON %s", f, te.Type, te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("malformed JSON at byte %d: %v", se.Offset, err)
	}
	if err != nil && strings.Contains(err.Error(), "unexpected end") {
		return fmt.Errorf("truncated JSON: %v", err)
	}
	return fmt.Errorf("malformed JSON: %w", err)
}

// invalidUTF8Offset returns the offset of the first invalid UTF-8 byte.
func invalidUTF8Offset(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// parseJSON parses Wirestream's own article JSON: one object, an array or
// NDJSON.
func parseJSON(data []byte, c *ctx) ([]draft, error) {
	items, err := jsonItems(data, c)
	if err != nil {
		return nil, err
	}
	out := make([]draft, 0, len(items))
	for _, it := range items {
		d := draft{item: it.label, err: it.err}
		if d.err == nil {
			d.a, d.err = wirestreamArticle(it.raw)
		}
		out = append(out, d)
	}
	return out, nil
}

// wirestreamArticle decodes one article object and cleans its text fields.
// Bodies of articles carrying entities or quotes are left untouched, since
// their offsets point into the body as sent.
func wirestreamArticle(raw []byte) (*article.Article, error) {
	a, err := article.Unmarshal(raw)
	if err != nil {
		return nil, err
	}
	a.Headline = textnorm.Inline(a.Headline)
	a.Subheadline = textnorm.Inline(a.Subheadline)
	a.Byline = textnorm.Inline(a.Byline)
	a.Dateline = textnorm.Inline(a.Dateline)
	if len(a.Entities) == 0 && len(a.Quotes) == 0 {
		a.Body = textnorm.Plain(a.Body)
	}
	return a, nil
}
