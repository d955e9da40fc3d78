package article

import (
	"errors"
	"fmt"
	"strings"
	"time"
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
	for _, f := range [...]struct{ name, text string }{
		{"headline", a.Headline}, {"body", a.Body}, {"byline", a.Byline}, {"dateline", a.Dateline},
		{"subheadline", a.Subheadline}, {"source", a.Source}, {"source_guid", a.SourceGUID}, {"url", a.URL},
	} {
		if !utf8.ValidString(f.text) {
			v.add(f.name, "is not valid UTF-8")
		}
	}
	for _, f := range [...]struct {
		name string
		t    time.Time
	}{{"published_at", a.PublishedAt}, {"updated_at", a.UpdatedAt}, {"ingested_at", a.IngestedAt}} {
		if y := f.t.Year(); !f.t.IsZero() && (y < 1 || y > 9999) {
			v.add(f.name, "year %d is outside 0001-9999 (RFC 3339)", y)
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
	// Field names are built only for the spans that fail: formatting them
	// for every mention would cost more than the checks.
	bad := func(start, end int) bool { return start < 0 || end < start || end > n }
	report := func(field string, start, end int) {
		v.add(field, "span [%d,%d) is outside the body (%d code points)", start, end, n)
	}
	for i, e := range a.Entities {
		if strings.TrimSpace(e.Name) == "" {
			v.add(fmt.Sprintf("entities[%d].name", i), "is required")
		}
		switch e.Type {
		case TypePerson, TypeOrganization, TypeLocation, TypeMisc:
		default:
			v.add(fmt.Sprintf("entities[%d].type", i), "%q is not one of PER, ORG, LOC, MISC", e.Type)
		}
		for j, m := range e.Mentions {
			if bad(m.Start, m.End) {
				report(fmt.Sprintf("entities[%d].mentions[%d]", i, j), m.Start, m.End)
			}
		}
	}
	for i, q := range a.Quotes {
		switch q.Type {
		case QuoteDirect, QuotePartial, QuoteNonSpeech, QuoteIndirect:
		default:
			v.add(fmt.Sprintf("quotes[%d].type", i), "%q is not one of direct, partial, nonspeech, indirect", q.Type)
		}
		if len(q.Spans) == 0 {
			v.add(fmt.Sprintf("quotes[%d].spans", i), "at least one span is required")
		}
		for j, sp := range q.Spans {
			if bad(sp.Start, sp.End) {
				report(fmt.Sprintf("quotes[%d].spans[%d]", i, j), sp.Start, sp.End)
			}
		}
		if m := q.SpeakerMention; m != nil && bad(m.Start, m.End) {
			report(fmt.Sprintf("quotes[%d].speaker_mention", i), m.Start, m.End)
		}
		if m := q.Cue; m != nil && bad(m.Start, m.End) {
			report(fmt.Sprintf("quotes[%d].cue", i), m.Start, m.End)
		}
	}
	if a.Enrichment != nil && a.Enrichment.Model == "" {
		v.add("enrichment.model", "is required")
	}
}
