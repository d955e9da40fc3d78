// Package ner is a statistical named-entity tagger for news text in pure
// Go. It finds PER, ORG, LOC and MISC mentions with a first-order
// linear-chain model over BILOU tags, trained as an averaged perceptron on
// CoNLL-2003, decoded with Viterbi. Features are hashed into a fixed-size
// weight table: word forms, shapes, affixes, a ±2 word window, gazetteer
// matches (as features, not rules), word clusters learnt from the training
// text and document-level evidence about other mentions of the same word.
//
// The trained model ships embedded (Default); cmd/nertrain rebuilds it.
package ner

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/wirestream/wirestream/pkg/text"
)

// Span is one entity mention found by the tagger, in token indexes
// [From,To) and rune offsets [Start,End).
type Span struct {
	Type     string // PER, ORG, LOC or MISC
	From, To int
	Start    int
	End      int
	Text     string
}

// Tagger tags tokenized text; safe for concurrent use.
type Tagger struct {
	stages  []stage // first pass, then stacked passes
	version string
	pool    sync.Pool // *scratch
}

// stage is one tagging pass: a model and its feature extractor. Stacked
// stages also see the tags of the pass before.
type stage struct {
	m *model
	x *extractor
}

// scratch holds per-call Viterbi buffers.
type scratch struct {
	e     []float32
	delta []float32
	back  []uint8
	tags  []int
	xb    extractBuf
}

//go:embed model/ner.model
var embeddedModel []byte

//go:embed model/ner.json
var embeddedInfo []byte

var (
	defaultOnce   sync.Once
	defaultTagger *Tagger
)

// Default returns the tagger of the embedded model, loaded once. It panics
// if the embedded model is corrupt, which the package tests rule out.
func Default() *Tagger {
	defaultOnce.Do(func() {
		t, err := Load(bytes.NewReader(embeddedModel))
		if err != nil {
			panic(fmt.Sprintf("ner: embedded model: %v", err))
		}
		defaultTagger = t
	})
	return defaultTagger
}

// ModelInfo returns the JSON training record shipped beside the embedded
// model (version, epochs, features, per-type scores on CoNLL valid).
func ModelInfo() []byte { return slices.Clone(embeddedInfo) }

// Load reads a model written by Tagger.Save.
func Load(r io.Reader) (*Tagger, error) {
	models, stacked, version, clusters, dict, err := readModelFile(r)
	if err != nil {
		return nil, err
	}
	g, err := sharedGazetteer()
	if err != nil {
		return nil, err
	}
	t := &Tagger{version: version}
	for i, m := range models {
		t.stages = append(t.stages, stage{m: m, x: &extractor{gaz: g, dict: dict, clusters: clusters, bits: m.bits, stacked: stacked[i]}})
	}
	return t, nil
}

var (
	gazOnce sync.Once
	gazVal  *gazetteer
	gazErr  error
)

// sharedGazetteer parses the embedded gazetteers once.
func sharedGazetteer() (*gazetteer, error) {
	gazOnce.Do(func() { gazVal, gazErr = loadGazetteer() })
	return gazVal, gazErr
}

// Save writes the model in the format Load reads.
func (t *Tagger) Save(w io.Writer) error {
	return writeModelFile(w, t.version, t.stages, t.stages[0].x.clusters, t.stages[0].x.dict)
}

// Version returns the model version recorded at training time.
func (t *Tagger) Version() string { return t.version }

// decode returns the BILOU tags of every sentence of a document after all
// passes.
func (t *Tagger) decode(doc [][]string) [][]int {
	var tags [][]int
	for _, st := range t.stages {
		tags = t.decodeStage(st, doc, tags)
	}
	return tags
}

// decodeStage runs one pass over a document given the previous pass's tags.
func (t *Tagger) decodeStage(st stage, doc [][]string, prev [][]int) [][]int {
	sc, _ := t.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	df := st.x.extract(doc, prev, &sc.xb)
	out := make([][]int, len(doc))
	for s := range doc {
		n := len(doc[s])
		if n == 0 {
			continue
		}
		if cap(sc.e) < n*numTags {
			sc.e = make([]float32, n*numTags)
			sc.delta = make([]float32, n*numTags)
			sc.back = make([]uint8, n*numTags)
		}
		st.m.emissions(df.feats[s], df.offs[s], sc.e[:n*numTags])
		out[s] = make([]int, n)
		viterbi(sc.e, n, &st.m.trans, out[s], sc.back, sc.delta)
	}
	t.pool.Put(sc)
	return out
}

// TagDocumentTokens tags a document given as sentences of plain token
// strings, with document-level features, and returns IOB2 tags (B-PER,
// I-PER, O ...) per sentence.
func (t *Tagger) TagDocumentTokens(doc [][]string) [][]string {
	tags := t.decode(doc)
	out := make([][]string, len(doc))
	for s := range doc {
		out[s] = bioFromSpans(spansFromBILOU(tags[s]), len(doc[s]))
	}
	return out
}

// TagTokens tags one sentence of plain token strings and returns IOB2
// tags (B-PER, I-PER, O ...), for CoNLL evaluation. Use TagDocumentTokens
// to tag a whole document with document-level features.
func (t *Tagger) TagTokens(words []string) []string {
	return t.TagDocumentTokens([][]string{words})[0]
}

// TagDocument tags a whole body (all sentences, with document-level
// consistency) and returns the spans in order. toks and sents must come
// from text.Tokenize and text.Sentences on body.
func (t *Tagger) TagDocument(body string, toks []text.Token, sents []text.Sentence) []Span {
	doc := make([][]string, 0, len(sents))
	for _, s := range sents {
		if s.From < 0 || s.To > len(toks) || s.From > s.To {
			continue
		}
		words := make([]string, s.To-s.From)
		for i := range words {
			words[i] = toks[s.From+i].Text
		}
		doc = append(doc, words)
	}
	tags := t.decode(doc)
	var out []Span
	rb := runeBytes{s: body}
	di := 0
	for _, s := range sents {
		if s.From < 0 || s.To > len(toks) || s.From > s.To {
			continue
		}
		for _, sp := range spansFromBILOU(tags[di]) {
			first, last := toks[s.From+sp.from], toks[s.From+sp.to-1]
			out = append(out, Span{
				Type: Types[sp.ty], From: s.From + sp.from, To: s.From + sp.to,
				Start: first.Start, End: last.End, Text: rb.slice(first.Start, last.End),
			})
		}
		di++
	}
	return out
}

// runeBytes slices a string by rune offsets, walking forward from the last
// position so that increasing offsets cost one pass overall.
type runeBytes struct {
	s    string
	b, r int
}

// seek returns the byte offset of rune offset r (len(s) when past the end).
func (rb *runeBytes) seek(r int) int {
	if r < rb.r {
		rb.b, rb.r = 0, 0
	}
	for rb.r < r && rb.b < len(rb.s) {
		_, w := utf8.DecodeRuneInString(rb.s[rb.b:])
		rb.b += w
		rb.r++
	}
	return rb.b
}

// slice returns the text between rune offsets start and end.
func (rb *runeBytes) slice(start, end int) string {
	a := rb.seek(start)
	b := rb.seek(end)
	if a > b {
		return ""
	}
	return rb.s[a:b]
}
