package article

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	fastjson "github.com/segmentio/encoding/json"
)

// Kafka header names carried with every article message.
const (
	HeaderSchemaVersion = "schema_version"
	HeaderFormat        = "format"
	HeaderSource        = "source"
	HeaderTraceID       = "trace_id"
)

// Decode parses one article from JSON and validates it. Errors name the
// offending field: a wrong JSON type ("version: expected number, got
// string") as well as a failed rule (see Validate).
func Decode(data []byte) (*Article, error) {
	a, err := Unmarshal(data)
	if err != nil {
		return nil, err
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return a, nil
}

// Unmarshal parses one article from JSON without validating it. Unknown
// fields are ignored so that older readers accept newer optional fields.
//
// Articles are decoded with segmentio/encoding/json, a faster drop-in
// replacement for encoding/json (decoding dominates the index service's CPU
// use); input it refuses is decoded again by encoding/json, whose errors
// name the offending field.
func Unmarshal(data []byte) (*Article, error) {
	var a Article
	if err := fastjson.Unmarshal(data, &a); err == nil {
		return &a, nil
	}
	a = Article{}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&a); err != nil {
		return nil, describeJSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &FieldError{Field: "$", Reason: "trailing data after the article object"}
	}
	return &a, nil
}

// describeJSONError turns encoding/json errors into FieldErrors that name the
// field when the decoder knows it.
func describeJSONError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "$"
		}
		return &FieldError{Field: field, Reason: fmt.Sprintf("expected %s, got JSON %s", te.Type, te.Value)}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &FieldError{Field: "$", Reason: fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, err)}
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return &FieldError{Field: "$", Reason: "bad timestamp (want RFC 3339): " + err.Error()}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &FieldError{Field: "$", Reason: "empty or truncated JSON"}
	}
	return &FieldError{Field: "$", Reason: err.Error()}
}

// Marshal encodes the article as compact JSON without HTML escaping, so
// quote marks and ampersands in text stay readable.
func Marshal(a *Article) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return nil, fmt.Errorf("encode article %s: %w", a.ID, err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
