package article

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits on field sizes. Larger values are rejected by Validate.
const (
	MaxIDLen       = 256
	MaxHeadlineLen = 2048
	MaxBodyBytes   = 4 << 20
	MaxListItems   = 512
)

// FieldError says which field of an article is invalid and why.
type FieldError struct {
	Field  string // JSON path of the field, e.g. "quotes[2].spans[0].end"
	Reason string
}

// Error implements error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// ValidationError collects every FieldError of one article.
type ValidationError struct {
	Fields []*FieldError
}

// Error implements error, listing every invalid field.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return "invalid article: " + strings.Join(parts, "; ")
}

// Unwrap returns the individual field errors, so errors.As finds a
// *FieldError.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f
	}
	return out
}

// FirstField returns the field named by the first error in err, or "".
func FirstField(err error) string {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

type validator struct{ errs []*FieldError }

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

// Validate checks the raw part of the contract: identity, version, status,
// format, text fields. It returns a *ValidationError naming every bad field.
func (a *Article) Validate() error {
	v := &validator{}
	switch {
	case a.SchemaVersion < 1:
		v.add("schema_version", "must be at least 1")
	case a.SchemaVersion > SchemaVersion:
		v.add("schema_version", "%d is newer than this reader understands (%d)", a.SchemaVersion, SchemaVersion)
	}
	if a.ID == "" {
		v.add("id", "is required")
	} else if len(a.ID) > MaxIDLen {
		v.add("id", "longer than %d bytes", MaxIDLen)
	} else if strings.ContainsFunc(a.ID, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		v.add("id", "contains spaces or control characters")
	}
	if a.Version <= 0 {
		v.add("version", "must be a positive revision number")
	}
	if strings.TrimSpace(a.Source) == "" {
		v.add("source", "is required")
	}
	if strings.TrimSpace(a.Headline) == "" && strings.TrimSpace(a.Body) == "" {
		v.add("headline", "headline and body are both empty")
	}
	if len(a.Headline) > MaxHeadlineLen {
		v.add("headline", "longer than %d bytes", MaxHeadlineLen)
	}
	if len(a.Body) > MaxBodyBytes {
		v.add("body", "longer than %d bytes", MaxBodyBytes)
	}
	for name, s := range map[string]string{"headline": a.Headline, "body": a.Body, "byline": a.Byline, "dateline": a.Dateline, "subheadline": a.Subheadline, "source": a.Source, "source_guid": a.SourceGUID, "url": a.URL} {
		if !utf8.ValidString(s) {
			v.add(name, "is not valid UTF-8")
		}
	}
	if !a.Status.Valid() {
		v.add("status", "%q is not one of usable, withheld, canceled", string(a.Status))
	}
	if !a.Format.Valid() {
		v.add("format", "%q is not a known wire format", string(a.Format))
	}
	if a.Urgency < 0 || a.Urgency > 9 {
		v.add("urgency", "%d is outside 0-9", a.Urgency)
	}
	if a.IngestedAt.IsZero() {
		v.add("ingested_at", "is required")
	}
	if len(a.Subjects) > MaxListItems {
		v.add("subjects", "more than %d items", MaxListItems)
	}
	if len(a.Keywords) > MaxListItems {
		v.add("keywords", "more than %d items", MaxListItems)
	}
	a.validateEnriched(v)
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Fields: v.errs}
}

// validateEnriched checks entities, quotes and the enrichment stamp: types,
// and offsets inside the body.
func (a *Article) validateEnriched(v *validator) {
	if len(a.Entities) == 0 && len(a.Quotes) == 0 && a.Enrichment == nil {
		return
	}
	n := utf8.RuneCountInString(a.Body)
	span := func(field string, start, end int) {
		if start < 0 || end < start || end > n {
			v.add(field, "span [%d,%d) is outside the body (%d code points)", start, end, n)
		}
	}
	for i, e := range a.Entities {
		f := fmt.Sprintf("entities[%d]", i)
		if strings.TrimSpace(e.Name) == "" {
			v.add(f+".name", "is required")
		}
		switch e.Type {
		case TypePerson, TypeOrganization, TypeLocation, TypeMisc:
		default:
			v.add(f+".type", "%q is not one of PER, ORG, LOC, MISC", e.Type)
		}
		for j, m := range e.Mentions {
			span(fmt.Sprintf("%s.mentions[%d]", f, j), m.Start, m.End)
		}
	}
	for i, q := range a.Quotes {
		f := fmt.Sprintf("quotes[%d]", i)
		switch q.Type {
		case QuoteDirect, QuotePartial, QuoteNonSpeech, QuoteIndirect:
		default:
			v.add(f+".type", "%q is not one of direct, partial, nonspeech, indirect", q.Type)
		}
		if len(q.Spans) == 0 {
			v.add(f+".spans", "at least one span is required")
		}
		for j, s := range q.Spans {
			span(fmt.Sprintf("%s.spans[%d]", f, j), s.Start, s.End)
		}
		if q.SpeakerMention != nil {
			span(f+".speaker_mention", q.SpeakerMention.Start, q.SpeakerMention.End)
		}
		if q.Cue != nil {
			span(f+".cue", q.Cue.Start, q.Cue.End)
		}
	}
	if a.Enrichment != nil && a.Enrichment.Model == "" {
		v.add("enrichment.model", "is required")
	}
}
