// Package article defines the article event: the versioned JSON contract that
// the Wirestream services pass to each other over Kafka.
//
// Ingest writes raw articles (identity, metadata and plain-text body) to the
// raw topic; enrich adds entities, quotes and an enrichment stamp and writes
// the result to the enriched topic; index turns enriched articles into
// Elasticsearch documents. Every offset in an article (entity mentions, quote
// spans) counts Unicode code points into Body, end exclusive.
//
// The JSON Schema in docs/article.schema.json describes the same contract; a
// test keeps the two in step.
package article

import "time"

// SchemaVersion is the version of the article contract written by this code.
// Consumers accept any schema_version from 1 up to this one.
const SchemaVersion = 1

// Status is the editorial status of a story revision.
type Status string

// Editorial statuses, following IPTC pubStatus.
const (
	StatusUsable   Status = "usable"
	StatusWithheld Status = "withheld"
	StatusCanceled Status = "canceled"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusUsable, StatusWithheld, StatusCanceled:
		return true
	}
	return false
}

// Format names the wire format an article was parsed from.
type Format string

// Wire formats understood by ingest.
const (
	FormatNewsMLG2 Format = "newsml-g2"
	FormatNITF     Format = "nitf"
	FormatNinjs    Format = "ninjs"
	FormatRSS      Format = "rss"
	FormatAtom     Format = "atom"
	FormatANPA     Format = "anpa-1312"
	FormatIPTC7901 Format = "iptc-7901"
	FormatJSON     Format = "wirestream-json"
	FormatText     Format = "text"
)

// Formats lists every known format, in a stable order.
var Formats = []Format{FormatNewsMLG2, FormatNITF, FormatNinjs, FormatRSS, FormatAtom, FormatANPA, FormatIPTC7901, FormatJSON, FormatText}

// Valid reports whether f is one of the known formats.
func (f Format) Valid() bool {
	for _, k := range Formats {
		if f == k {
			return true
		}
	}
	return false
}

// Entity types.
const (
	TypePerson       = "PER"
	TypeOrganization = "ORG"
	TypeLocation     = "LOC"
	TypeMisc         = "MISC"
)

// Quote types.
const (
	QuoteDirect    = "direct"
	QuotePartial   = "partial"
	QuoteNonSpeech = "nonspeech"
	QuoteIndirect  = "indirect"
)

// Article is one revision of one story.
type Article struct {
	// SchemaVersion is the contract version the article was written with.
	SchemaVersion int `json:"schema_version"`
	// ID identifies the story across revisions: see ID and ContentID.
	ID string `json:"id"`
	// Version orders revisions of one story: higher is newer. It is the
	// source's own revision number where the format has one, else a
	// timestamp in Unix milliseconds.
	Version int64 `json:"version"`
	// Source names the agency or feed the story came from.
	Source string `json:"source"`
	// SourceGUID is the source's own identifier of the story, if any.
	SourceGUID string `json:"source_guid,omitempty"`
	// URL links to the story on the web, if known.
	URL string `json:"url,omitempty"`
	// Headline is the story's main title.
	Headline string `json:"headline"`
	// Subheadline is a secondary title or deck.
	Subheadline string `json:"subheadline,omitempty"`
	// Byline names the authors as printed.
	Byline string `json:"byline,omitempty"`
	// Dateline is the place (and date) line, as printed.
	Dateline string `json:"dateline,omitempty"`
	// Body is the plain text of the story; paragraphs are separated by one
	// blank line. Typographic quote marks are kept as sent.
	Body string `json:"body"`
	// Language is a BCP 47 language tag such as "en".
	Language string `json:"language,omitempty"`
	// PublishedAt is when the source first published the story.
	PublishedAt time.Time `json:"published_at,omitzero"`
	// UpdatedAt is when the source last changed the story.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// IngestedAt is when Wirestream accepted this revision.
	IngestedAt time.Time `json:"ingested_at"`
	// Subjects are subject codes or names (IPTC media topics, categories).
	Subjects []string `json:"subjects,omitempty"`
	// Keywords are free keywords and slugs.
	Keywords []string `json:"keywords,omitempty"`
	// Urgency is the IPTC urgency, 1 (most urgent) to 9; 0 means unknown.
	Urgency int `json:"urgency,omitempty"`
	// Status is the editorial status of this revision.
	Status Status `json:"status"`
	// Format is the wire format the revision was parsed from.
	Format Format `json:"format"`
	// TraceID follows one submission through the services' logs.
	TraceID string `json:"trace_id,omitempty"`

	// Entities are the people, organisations, places and other names the
	// story mentions (enriched articles only).
	Entities []Entity `json:"entities,omitempty"`
	// Quotes are the quotations found in the body (enriched articles only).
	Quotes []Quote `json:"quotes,omitempty"`
	// Enrichment stamps which model enriched the article (enriched only).
	Enrichment *Enrichment `json:"enrichment,omitempty"`
}

// Entity is one person, organisation, location or other name, grouped over
// all its mentions in one story.
type Entity struct {
	// Name is the canonical name: the fullest form used in the story.
	Name string `json:"name"`
	// Type is PER, ORG, LOC or MISC.
	Type string `json:"type"`
	// Role is a title or role stated in the story, such as "Russian
	// Foreign Minister".
	Role string `json:"role,omitempty"`
	// Count is the number of mentions.
	Count int `json:"count"`
	// Salience ranks how central the entity is to the story, 0 to 1.
	Salience float64 `json:"salience"`
	// Mentions lists every mention with its offsets into Body.
	Mentions []Mention `json:"mentions"`
}

// Mention is a span of Body: Start and End count code points, End exclusive.
type Mention struct {
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Span is a range of Body in code points, End exclusive.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Speaker is the resolved speaker of a quote: a canonical entity of the story.
type Speaker struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Quote is one quotation, possibly interrupted by its attribution and so
// made of several spans.
type Quote struct {
	// Text is the quoted words, spans joined by a space, without the outer
	// quote marks.
	Text string `json:"text"`
	// Type is direct, partial, nonspeech or indirect.
	Type string `json:"type"`
	// Spans locate the quoted words in Body, outer quote marks excluded.
	Spans []Span `json:"spans"`
	// Speaker is the resolved speaker, or nil when the story does not say.
	Speaker *Speaker `json:"speaker"`
	// SpeakerMention is the span naming or referring to the speaker.
	SpeakerMention *Mention `json:"speaker_mention,omitempty"`
	// Cue is the verb or phrase introducing the quote ("said", "according to").
	Cue *Mention `json:"cue,omitempty"`
}

// Enrichment records which enrichment produced the entities and quotes.
type Enrichment struct {
	// Model names the entity and quote models, e.g. "wirestream-ner".
	Model string `json:"model"`
	// Version is the model version.
	Version string `json:"version"`
	// EnrichedAt is when the article was enriched.
	EnrichedAt time.Time `json:"enriched_at"`
}
