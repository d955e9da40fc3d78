package ner

import "math/bits"

// stackInfo summarises the tags a previous pass gave a document: per
// lowercase word, how often each type (or O, index numTypes) was given,
// and per predicted entity string, how often each type was given.
type stackInfo struct {
	prev     [][]int
	words    map[uint64]*[numTypes + 1]int32
	entities map[uint64]*[numTypes]int32 // sequence hash -> type counts
	prefixes map[uint64]bool             // proper prefixes of entity sequences
	maxLen   int
}

// maxStackSpan bounds the entity length the document dictionary records.
const maxStackSpan = 8

// newStackInfo collects the previous-pass evidence of a document.
func newStackInfo(infos []sentInfo, prev [][]int) *stackInfo {
	st := &stackInfo{
		prev:     prev,
		words:    make(map[uint64]*[numTypes + 1]int32),
		entities: make(map[uint64]*[numTypes]int32),
		prefixes: make(map[uint64]bool),
	}
	for s := range infos {
		toks := infos[s].toks
		tags := prev[s]
		if len(tags) != len(toks) {
			continue
		}
		for i := range toks {
			if !toks[i].hasLetter {
				continue
			}
			c := st.words[toks[i].low]
			if c == nil {
				c = new([numTypes + 1]int32)
				st.words[toks[i].low] = c
			}
			c[typeSlot(tags[i])]++
		}
		for _, sp := range spansFromBILOU(tags) {
			if sp.to-sp.from > maxStackSpan {
				continue
			}
			h := uint64(gazSeed)
			for i := sp.from; i < sp.to; i++ {
				h = mix(h, toks[i].low)
				if i < sp.to-1 {
					st.prefixes[h] = true
				}
			}
			c := st.entities[h]
			if c == nil {
				c = new([numTypes]int32)
				st.entities[h] = c
			}
			c[sp.ty]++
			st.maxLen = max(st.maxLen, sp.to-sp.from)
		}
	}
	return st
}

// typeSlot maps a BILOU tag to its type index, or numTypes for O.
func typeSlot(tag int) int {
	if tag == tagO {
		return numTypes
	}
	return tagType(tag)
}

// stackFeatures merges the rows already extracted for sentence s (feats,
// offs) with its previous-pass features, appending the merged rows to out
// and their offsets (relative to the sentence's first row) to outOffs.
func (x *extractor) stackFeatures(st *stackInfo, s int, si *sentInfo, feats []uint32, offs []int32, out []uint32, outOffs []int32) ([]uint32, []int32) {
	n := len(si.toks)
	tags := st.prev[s]
	if len(tags) != n {
		return append(out, feats...), append(outOffs, offs...)
	}
	// Entity-dictionary matches: which other mentions of this exact token
	// sequence were tagged, by type and BILOU position, excluding this one.
	cover := make([]uint32, n)
	own := make(map[span]bool)
	for _, sp := range spansFromBILOU(tags) {
		own[sp] = true
	}
	for i := 0; i < n; i++ {
		h := uint64(gazSeed)
		for l := 1; l <= st.maxLen && i+l <= n; l++ {
			h = mix(h, si.toks[i+l-1].low)
			c := st.entities[h]
			if c == nil {
				if !st.prefixes[h] {
					break
				}
				continue
			}
			for ty := 0; ty < numTypes; ty++ {
				k := c[ty]
				if own[span{ty: ty, from: i, to: i + l}] {
					k--
				}
				if k <= 0 {
					continue
				}
				if l == 1 {
					cover[i] |= 1 << (4*ty + posU)
					continue
				}
				cover[i] |= 1 << (4*ty + posB)
				for j := i + 1; j < i+l-1; j++ {
					cover[j] |= 1 << (4*ty + posI)
				}
				cover[i+l-1] |= 1 << (4*ty + posL)
			}
		}
	}
	base := int32(len(out))
	outOffs = append(outOffs, 0)
	add := func(h uint64) { out = append(out, x.row(h)) }
	tagAt := func(i int) uint64 {
		if i < 0 || i >= n {
			return uint64(numTags + 1)
		}
		return uint64(tags[i])
	}
	for i := 0; i < n; i++ {
		out = append(out, feats[offs[i]:offs[i+1]]...)
		t := &si.toks[i]
		add(mix(fPredTag, tagAt(i)))
		add(mix(mix(fPredPrev, tagAt(i-1)), tagAt(i)))
		add(mix(mix(fPredNext, tagAt(i)), tagAt(i+1)))
		for b := cover[i]; b != 0; b &= b - 1 {
			add(mix(fPredSpan, uint64(bits.TrailingZeros32(b))))
		}
		if t.hasLetter && (t.cap || t.allCaps) {
			if c := st.words[t.low]; c != nil {
				other := *c
				other[typeSlot(tags[i])]--
				best, arg := int32(0), -1
				for ty, k := range other {
					if k > 0 {
						add(mix(fPredOther, uint64(ty)))
					}
					if k > best {
						best, arg = k, ty
					}
				}
				if arg >= 0 {
					add(mix(fPredMajor, uint64(arg)))
				}
			}
		}
		outOffs = append(outOffs, int32(len(out))-base)
	}
	return out, outOffs
}
