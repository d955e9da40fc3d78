package ner

import "strings"

// Types are the entity types the tagger knows, in model order.
var Types = [...]string{"PER", "ORG", "LOC", "MISC"}

// numTypes is the number of entity types.
const numTypes = len(Types)

// BILOU positions within an entity.
const (
	posB = iota // begin of a multi-token entity
	posI        // inside
	posL        // last token of a multi-token entity
	posU        // unit (single-token entity)
)

// numTags is the size of the BILOU tag set: O plus four positions per type.
const numTags = 1 + 4*numTypes

// tagO is the outside tag.
const tagO = 0

// makeTag returns the BILOU tag index for entity type ty at position pos.
func makeTag(ty, pos int) int { return 1 + 4*ty + pos }

// tagType returns the type index of tag, or -1 for O.
func tagType(tag int) int {
	if tag == tagO {
		return -1
	}
	return (tag - 1) / 4
}

// tagPos returns the BILOU position of a non-O tag.
func tagPos(tag int) int { return (tag - 1) % 4 }

// typeIndex returns the index of an entity type name, or -1.
func typeIndex(name string) int {
	for i, t := range Types {
		if t == name {
			return i
		}
	}
	return -1
}

// allowed[p][c] reports whether tag c may follow tag p under BILOU.
var allowed [numTags][numTags]bool

// allowedStart and allowedEnd report which tags may open and close a
// sentence.
var allowedStart, allowedEnd [numTags]bool

// predecessors[c] lists the tags p with allowed[p][c], so Viterbi visits only
// legal transitions (about a fifth of all pairs under BILOU).
var predecessors [numTags][]uint8

func init() {
	opens := func(c int) bool { return c == tagO || tagPos(c) == posB || tagPos(c) == posU }
	for p := 0; p < numTags; p++ {
		for c := 0; c < numTags; c++ {
			if p == tagO || tagPos(p) == posL || tagPos(p) == posU {
				allowed[p][c] = opens(c)
			} else {
				allowed[p][c] = c != tagO && tagType(c) == tagType(p) && (tagPos(c) == posI || tagPos(c) == posL)
			}
		}
		allowedStart[p] = opens(p)
		allowedEnd[p] = p == tagO || tagPos(p) == posL || tagPos(p) == posU
	}
	for c := 0; c < numTags; c++ {
		for p := 0; p < numTags; p++ {
			if allowed[p][c] {
				predecessors[c] = append(predecessors[c], uint8(p))
			}
		}
	}
}

// span is an entity in token indexes [from, to) of type ty.
type span struct{ ty, from, to int }

// spansFromBIO reads entity spans from IOB2 (or IOB1) tags such as B-PER,
// I-PER, O. An I- tag that does not continue an entity of its type starts
// a new one; unknown types are ignored.
func spansFromBIO(tags []string) []span {
	var out []span
	cur := -1
	for i, t := range tags {
		prefix, name, _ := strings.Cut(t, "-")
		ty := typeIndex(name)
		if t == "O" || ty < 0 || (prefix != "B" && prefix != "I") {
			cur = -1
			continue
		}
		if prefix == "I" && cur >= 0 && out[cur].ty == ty && out[cur].to == i {
			out[cur].to = i + 1
			continue
		}
		out = append(out, span{ty: ty, from: i, to: i + 1})
		cur = len(out) - 1
	}
	return out
}

// spansFromBILOU reads entity spans from BILOU tag indexes; malformed
// sequences are repaired leniently (a B or I without an L is closed where
// the type changes).
func spansFromBILOU(tags []int) []span {
	var out []span
	open := -1
	for i, t := range tags {
		if t == tagO {
			open = -1
			continue
		}
		ty, pos := tagType(t), tagPos(t)
		if (pos == posI || pos == posL) && open >= 0 && out[open].ty == ty && out[open].to == i {
			out[open].to = i + 1
		} else {
			out = append(out, span{ty: ty, from: i, to: i + 1})
			open = len(out) - 1
		}
		if pos == posL || pos == posU {
			open = -1
		}
	}
	return out
}

// bilouFromSpans writes the BILOU tags of spans over n tokens.
func bilouFromSpans(spans []span, n int) []int {
	tags := make([]int, n)
	for _, s := range spans {
		if s.to-s.from == 1 {
			tags[s.from] = makeTag(s.ty, posU)
			continue
		}
		tags[s.from] = makeTag(s.ty, posB)
		for i := s.from + 1; i < s.to-1; i++ {
			tags[i] = makeTag(s.ty, posI)
		}
		tags[s.to-1] = makeTag(s.ty, posL)
	}
	return tags
}

// bioFromSpans writes IOB2 tag strings for spans over n tokens.
func bioFromSpans(spans []span, n int) []string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = "O"
	}
	for _, s := range spans {
		tags[s.from] = "B-" + Types[s.ty]
		for i := s.from + 1; i < s.to; i++ {
			tags[i] = "I-" + Types[s.ty]
		}
	}
	return tags
}
