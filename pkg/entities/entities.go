// Package entities turns the name spans a tagger found in one story into the
// story's entities: mentions grouped under a canonical name, with the role
// the story gives each person, a mention count and a salience score.
//
// Grouping works inside one story only. Surname and title forms of a person
// ("Kerry", "Mr Kerry", "Secretary of State John Kerry") join the fullest
// name of that person ("John Kerry"); a bare surname shared by several people
// goes to the one mentioned most recently; honorifics that contradict a full
// name ("Mrs. Jones" next to "Tom Jones") start a separate person.
// Organisation acronyms join their long form ("UN", "United Nations").
//
// A document-level fix-up layer adds mentions the tagger missed: a token
// sequence equal to a name or surname the story uses elsewhere becomes a
// mention of that entity, a name tagged inconsistently takes the type that a
// full person name gives it, and a definite role reference ("the Russian
// Foreign Minister") counts as a mention of the one person holding that role.
//
// Resolve is pure and safe for concurrent use.
package entities

import (
	"math"
	"sort"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/text"
)

// Span is one name found by a tagger: tokens [From, To) of the story's token
// slice, with Type PER, ORG, LOC or MISC. Spans with another type, empty
// spans, spans outside the token slice and spans overlapping an earlier span
// are ignored.
type Span struct {
	Type     string
	From, To int
}

// Salience weights: the share of mentions (relative to the most mentioned
// entity) and how early the entity first appears.
const (
	weightCount    = 0.7
	weightPosition = 0.3
	// miscDiscount lowers MISC entities, mostly nationality adjectives
	// ("Russian") that are seldom what a story is about.
	miscDiscount = 0.8
)

// Resolve groups the tagged spans of body into entities. toks must be the
// tokens of body (as from text.Tokenize) and sents its sentences (as from
// text.Sentences; nil means one sentence). Entities come sorted by salience,
// highest first, then by first mention; each entity's mentions are sorted by
// offset. Offsets are rune offsets into body, end exclusive.
func Resolve(body string, toks []text.Token, sents []text.Sentence, spans []Span) []article.Entity {
	if len(toks) == 0 || len(spans) == 0 {
		return nil
	}
	d := newDoc(body, toks, sents)
	d.collect(spans)
	if len(d.ments) == 0 {
		return nil
	}
	d.repairSpans()
	d.unifyTypes()
	d.fixUp()
	d.clusterPersons()
	d.clusterOthers()
	d.assignRoles()
	d.roleReferences()
	d.preferMixedCase()
	return d.output()
}

// output builds the sorted entity list from the clusters.
func (d *doc) output() []article.Entity {
	// Count mentions per cluster first so each Mentions slice is allocated once.
	maxCount := 0
	for i := range d.ments {
		c := d.ments[i].cluster
		if c < 0 {
			continue
		}
		d.clusters[c].count++
		if n := d.clusters[c].count; n > maxCount {
			maxCount = n
		}
	}
	// Map live clusters to output slots.
	slot := make([]int, len(d.clusters))
	n := 0
	for i := range d.clusters {
		slot[i] = -1
		if d.clusters[i].count > 0 {
			slot[i] = n
			n++
		}
	}
	out := make([]article.Entity, n)
	first := make([]int, n)
	for i := range d.clusters {
		c := &d.clusters[i]
		if slot[i] < 0 {
			continue
		}
		e := &out[slot[i]]
		e.Name = c.name
		e.Type = c.typ
		e.Role = c.role
		e.Count = c.count
		e.Mentions = make([]article.Mention, 0, c.count)
		first[slot[i]] = math.MaxInt
	}
	// d.ments is sorted by position, so mentions arrive in offset order.
	for i := range d.ments {
		m := &d.ments[i]
		if m.cluster < 0 {
			continue
		}
		s := slot[m.cluster]
		start, end := d.toks[m.from].Start, d.toks[m.to-1].End
		out[s].Mentions = append(out[s].Mentions, article.Mention{Text: d.slice(m.from, m.to), Start: start, End: end})
		if start < first[s] {
			first[s] = start
		}
	}
	bodyLen := d.toks[len(d.toks)-1].End
	if bodyLen <= 0 {
		bodyLen = 1
	}
	for i := range out {
		e := &out[i]
		pos := 1 - float64(first[i])/float64(bodyLen)
		pos = min(max(pos, 0), 1)
		s := weightCount*float64(e.Count)/float64(maxCount) + weightPosition*pos
		if e.Type == article.TypeMisc {
			s *= miscDiscount
		}
		e.Salience = math.Round(min(max(s, 0), 1)*1e4) / 1e4
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ea, eb := &out[idx[a]], &out[idx[b]]
		if ea.Salience != eb.Salience {
			return ea.Salience > eb.Salience
		}
		return first[idx[a]] < first[idx[b]]
	})
	sorted := make([]article.Entity, n)
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted
}
