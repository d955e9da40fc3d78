package esindex

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// appendDoc appends the JSON encoding of d to b: byte for byte what
// encoding/json produces with HTML escaping off (a test and a fuzz test hold
// it to that), without reflection. Encoding documents is a large share of
// the index service's CPU, which on a small machine is taken from
// Elasticsearch itself.
func appendDoc(b []byte, d *Doc) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, d.ID)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, d.Version, 10)
	b = append(b, `,"schema_version":`...)
	b = strconv.AppendInt(b, int64(d.SchemaVersion), 10)
	b = appendField(b, "source", d.Source, false)
	b = appendField(b, "source_guid", d.SourceGUID, true)
	b = appendField(b, "url", d.URL, true)
	b = appendField(b, "headline", d.Headline, false)
	b = appendField(b, "subheadline", d.Subheadline, true)
	b = appendField(b, "byline", d.Byline, true)
	b = appendField(b, "dateline", d.Dateline, true)
	b = appendField(b, "body", d.Body, false)
	b = appendField(b, "language", d.Language, true)
	b = appendStrings(b, "subjects", d.Subjects)
	b = appendStrings(b, "keywords", d.Keywords)
	if d.Urgency != 0 {
		b = append(b, `,"urgency":`...)
		b = strconv.AppendInt(b, int64(d.Urgency), 10)
	}
	b = appendField(b, "status", d.Status, false)
	b = appendField(b, "format", d.Format, false)
	b = appendField(b, "trace_id", d.TraceID, true)
	b = appendTime(b, "published_at", d.PublishedAt)
	b = appendTime(b, "updated_at", d.UpdatedAt)
	b = appendTime(b, "ingested_at", d.IngestedAt)
	b = appendTime(b, "enriched_at", d.EnrichedAt)
	b = appendTime(b, "indexed_at", d.IndexedAt)
	if e := d.Entities; e.Person != nil || e.Organization != nil || e.Location != nil || e.Misc != nil {
		b = append(b, `,"entities":{`...)
		n := len(b)
		b = appendStrings(b, "person", e.Person)
		b = appendStrings(b, "organization", e.Organization)
		b = appendStrings(b, "location", e.Location)
		b = appendStrings(b, "misc", e.Misc)
		if len(b) > n { // drop the comma before the first member
			copy(b[n:], b[n+1:])
			b = b[:len(b)-1]
		}
		b = append(b, '}')
	}
	if len(d.EntityRoles) > 0 {
		b = append(b, `,"entity_roles":[`...)
		for i, r := range d.EntityRoles {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendString(b, r.Name)
			b = appendField(b, "type", r.Type, false)
			b = appendField(b, "role", r.Role, false)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"entity_count":`...)
	b = strconv.AppendInt(b, int64(d.EntityCount), 10)
	if len(d.Quotes) > 0 {
		b = append(b, `,"quotes":[`...)
		for i, q := range d.Quotes {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"text":`...)
			b = appendString(b, q.Text)
			b = appendField(b, "type", q.Type, false)
			b = appendField(b, "speaker", q.Speaker, true)
			b = appendField(b, "speaker_type", q.SpeakerType, true)
			b = appendField(b, "cue", q.Cue, true)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = appendStrings(b, "quote_speakers", d.QuoteSpeakers)
	b = append(b, `,"quote_count":`...)
	b = strconv.AppendInt(b, int64(d.QuoteCount), 10)
	if d.Enrichment != nil {
		b = append(b, `,"enrichment":{"model":`...)
		b = appendString(b, d.Enrichment.Model)
		b = appendField(b, "version", d.Enrichment.Version, true)
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendField appends ,"name":"value", or nothing when omitEmpty and value
// is empty.
func appendField(b []byte, name, value string, omitEmpty bool) []byte {
	if omitEmpty && value == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, value)
}

// appendStrings appends ,"name":[...] unless list is empty (omitempty).
func appendStrings(b []byte, name string, list []string) []byte {
	if len(list) == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, `":[`...)
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendTime appends ,"name":"RFC 3339 time" unless t is zero (omitzero).
// Years outside 0-9999 are refused earlier (checkDates).
func appendTime(b []byte, name string, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':', '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string the way encoding/json does with
// HTML escaping off: quote and backslash escaped, control characters as
// \b \f \n \r \t or \u00XX, invalid UTF-8 as \ufffd, and U+2028 and U+2029
// escaped (JavaScript line terminators).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
