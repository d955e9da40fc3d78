package esindex

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
)

// Doc is the Elasticsearch document of one article revision. Its JSON field
// names are the mapping's (see Mapping).
type Doc struct {
	ID            string    `json:"id"`
	Version       int64     `json:"version"`
	SchemaVersion int       `json:"schema_version"`
	Source        string    `json:"source"`
	SourceGUID    string    `json:"source_guid,omitempty"`
	URL           string    `json:"url,omitempty"`
	Headline      string    `json:"headline"`
	Subheadline   string    `json:"subheadline,omitempty"`
	Byline        string    `json:"byline,omitempty"`
	Dateline      string    `json:"dateline,omitempty"`
	Body          string    `json:"body"`
	Language      string    `json:"language,omitempty"`
	Subjects      []string  `json:"subjects,omitempty"`
	Keywords      []string  `json:"keywords,omitempty"`
	Urgency       int       `json:"urgency,omitempty"`
	Status        string    `json:"status"`
	Format        string    `json:"format"`
	TraceID       string    `json:"trace_id,omitempty"`
	PublishedAt   time.Time `json:"published_at,omitzero"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
	IngestedAt    time.Time `json:"ingested_at,omitzero"`
	EnrichedAt    time.Time `json:"enriched_at,omitzero"`
	IndexedAt     time.Time `json:"indexed_at,omitzero"`

	Entities      DocEntities    `json:"entities,omitzero"`
	EntityRoles   []DocRole      `json:"entity_roles,omitempty"`
	EntityCount   int            `json:"entity_count"`
	Quotes        []DocQuote     `json:"quotes,omitempty"`
	QuoteSpeakers []string       `json:"quote_speakers,omitempty"`
	QuoteCount    int            `json:"quote_count"`
	Enrichment    *DocEnrichment `json:"enrichment,omitempty"`
}

// DocEntities holds the entity names by type, most salient first, each name
// once: flat keyword arrays that Kibana can aggregate.
type DocEntities struct {
	Person       []string `json:"person,omitempty"`
	Organization []string `json:"organization,omitempty"`
	Location     []string `json:"location,omitempty"`
	Misc         []string `json:"misc,omitempty"`
}

// DocRole is an entity whose story states a role or title for it.
type DocRole struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Role string `json:"role"`
}

// DocQuote is one quotation, indexed as a nested object so a speaker filter
// and a text match apply to the same quote.
type DocQuote struct {
	Text        string `json:"text"`
	Type        string `json:"type"`
	Speaker     string `json:"speaker,omitempty"`
	SpeakerType string `json:"speaker_type,omitempty"`
	Cue         string `json:"cue,omitempty"`
}

// DocEnrichment names the model that produced entities and quotes.
type DocEnrichment struct {
	Model   string `json:"model"`
	Version string `json:"version,omitempty"`
}

// Document shapes article a into its Elasticsearch document, stamped with
// indexedAt. Times are stored in UTC with millisecond precision (the
// precision of the date type). When the source gave no publication time,
// published_at falls back to updated_at and then ingested_at, so every story
// has a place on the time line Kibana draws.
func Document(a *article.Article, indexedAt time.Time) *Doc {
	d := &Doc{
		ID:            a.ID,
		Version:       a.Version,
		SchemaVersion: a.SchemaVersion,
		Source:        a.Source,
		SourceGUID:    a.SourceGUID,
		URL:           a.URL,
		Headline:      a.Headline,
		Subheadline:   a.Subheadline,
		Byline:        a.Byline,
		Dateline:      a.Dateline,
		Body:          a.Body,
		Language:      a.Language,
		Subjects:      a.Subjects,
		Keywords:      a.Keywords,
		Urgency:       a.Urgency,
		Status:        string(a.Status),
		Format:        string(a.Format),
		TraceID:       a.TraceID,
		PublishedAt:   esTime(a.PublishedAt),
		UpdatedAt:     esTime(a.UpdatedAt),
		IngestedAt:    esTime(a.IngestedAt),
		IndexedAt:     esTime(indexedAt),
	}
	if d.PublishedAt.IsZero() {
		d.PublishedAt = cmp.Or(d.UpdatedAt, d.IngestedAt)
	}
	if a.Enrichment != nil {
		d.Enrichment = &DocEnrichment{Model: a.Enrichment.Model, Version: a.Enrichment.Version}
		d.EnrichedAt = esTime(a.Enrichment.EnrichedAt)
	}

	ents := slices.Clone(a.Entities)
	slices.SortStableFunc(ents, func(x, y article.Entity) int {
		if c := cmp.Compare(y.Salience, x.Salience); c != 0 {
			return c
		}
		return cmp.Compare(y.Count, x.Count)
	})
	seen := map[string]bool{}
	for _, e := range ents {
		name := strings.TrimSpace(e.Name)
		key := e.Type + "\x00" + name
		if name == "" || seen[key] {
			continue
		}
		seen[key] = true
		switch e.Type {
		case article.TypePerson:
			d.Entities.Person = append(d.Entities.Person, name)
		case article.TypeOrganization:
			d.Entities.Organization = append(d.Entities.Organization, name)
		case article.TypeLocation:
			d.Entities.Location = append(d.Entities.Location, name)
		default:
			d.Entities.Misc = append(d.Entities.Misc, name)
		}
		d.EntityCount++
		if role := strings.TrimSpace(e.Role); role != "" {
			d.EntityRoles = append(d.EntityRoles, DocRole{Name: name, Type: e.Type, Role: role})
		}
	}

	speakers := map[string]bool{}
	for _, q := range a.Quotes {
		dq := DocQuote{Text: q.Text, Type: q.Type}
		if q.Speaker != nil && strings.TrimSpace(q.Speaker.Name) != "" {
			dq.Speaker = strings.TrimSpace(q.Speaker.Name)
			dq.SpeakerType = q.Speaker.Type
			if !speakers[dq.Speaker] {
				speakers[dq.Speaker] = true
				d.QuoteSpeakers = append(d.QuoteSpeakers, dq.Speaker)
			}
		}
		if q.Cue != nil {
			dq.Cue = strings.ToLower(strings.TrimSpace(q.Cue.Text))
		}
		d.Quotes = append(d.Quotes, dq)
	}
	d.QuoteCount = len(d.Quotes)
	return d
}

// esTime converts t to UTC with millisecond precision; the zero time stays
// zero.
func esTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}
