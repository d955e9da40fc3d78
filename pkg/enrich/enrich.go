// Package enrich is the enrichment core of Wirestream: it finds the entities
// and quotes of an article and stamps the model that found them. It knows
// nothing of Kafka; cmd/enrich feeds it from the raw topic, and EnrichNDJSON
// runs it over a file of articles.
//
// One article is tokenized once; the tokens and sentences are shared by the
// tagger (pkg/ner), the entity grouping (pkg/entities) and the quote
// extractor (pkg/quotes).
package enrich

import (
	"runtime"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/entities"
	"github.com/wirestream/wirestream/pkg/ner"
	"github.com/wirestream/wirestream/pkg/quotes"
	"github.com/wirestream/wirestream/pkg/text"
)

// Model is the name written to article.Enrichment.Model.
const Model = "wirestream-enrich"

// QuotesVersion versions the quote extractor wired in by default. Bump it
// when pkg/quotes changes its output.
const QuotesVersion = "quotes-1"

// Tagger finds entity spans in a tokenized body. *ner.Tagger implements it.
type Tagger interface {
	TagDocument(body string, toks []text.Token, sents []text.Sentence) []ner.Span
	Version() string
}

// QuoteFunc extracts the quotes of body given its tokens and resolved
// entities. quotes.ExtractTokens is the default.
type QuoteFunc func(body string, toks []text.Token, ents []article.Entity) []article.Quote

// Enricher enriches articles. It holds the tagger and is safe for concurrent
// use.
type Enricher struct {
	tagger        Tagger
	quotes        QuoteFunc
	quotesVersion string
	now           func() time.Time
	workers       int
}

// Option configures an Enricher.
type Option func(*Enricher)

// WithTagger replaces the default tagger (ner.Default()).
func WithTagger(t Tagger) Option { return func(e *Enricher) { e.tagger = t } }

// WithQuotes replaces the quote extractor and its version; a nil f turns
// quote extraction off (version should then say so, e.g. "noquotes").
func WithQuotes(f QuoteFunc, version string) Option {
	return func(e *Enricher) { e.quotes, e.quotesVersion = f, version }
}

// WithClock sets the clock used for Enrichment.EnrichedAt.
func WithClock(now func() time.Time) Option { return func(e *Enricher) { e.now = now } }

// WithWorkers sets how many articles EnrichNDJSON enriches at once (default
// GOMAXPROCS).
func WithWorkers(n int) Option {
	return func(e *Enricher) {
		if n > 0 {
			e.workers = n
		}
	}
}

// New returns an Enricher using ner.Default() and quotes.ExtractTokens unless
// options say otherwise.
func New(opts ...Option) *Enricher {
	e := &Enricher{
		quotes:        quotes.ExtractTokens,
		quotesVersion: QuotesVersion,
		now:           time.Now,
		workers:       runtime.GOMAXPROCS(0),
	}
	for _, o := range opts {
		o(e)
	}
	if e.tagger == nil {
		e.tagger = ner.Default()
	}
	return e
}

// Version is the enrichment version: the tagger's model version and the
// quote extractor's version joined by "+".
func (e *Enricher) Version() string { return e.tagger.Version() + "+" + e.quotesVersion }

// Enrich fills a.Entities, a.Quotes and a.Enrichment from a.Body, replacing
// any earlier enrichment. The body and every other field stay unchanged.
func (e *Enricher) Enrich(a *article.Article) {
	toks := text.Tokenize(a.Body)
	sents := text.Sentences(a.Body, toks)
	spans := e.tagger.TagDocument(a.Body, toks, sents)
	a.Entities, a.Quotes = e.analyse(a.Body, toks, sents, spans)
	a.Enrichment = &article.Enrichment{Model: Model, Version: e.Version(), EnrichedAt: e.now().UTC()}
}

// analyse runs the stages after the tagger: entity grouping, then quotes
// attributed to those entities.
func (e *Enricher) analyse(body string, toks []text.Token, sents []text.Sentence, spans []ner.Span) ([]article.Entity, []article.Quote) {
	es := make([]entities.Span, len(spans))
	for i, s := range spans {
		es[i] = entities.Span{Type: s.Type, From: s.From, To: s.To}
	}
	ents := entities.Resolve(body, toks, sents, es)
	var qs []article.Quote
	if e.quotes != nil {
		qs = e.quotes(body, toks, ents)
	}
	return ents, qs
}
