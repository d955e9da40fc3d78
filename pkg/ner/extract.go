package ner

import "math/bits"

// Document-level flags: facts about the other occurrences of a word (same
// lowercase form) in the same document. They carry evidence from
// sentence-case body text to all-caps headlines and from full-name
// mentions to bare surnames.
const (
	dfLowerSeen   = iota // written with a lowercase first letter elsewhere
	dfCapMid             // capitalised mid-sentence in a normal sentence
	dfPrevTitle          // preceded by a title (Mr, President) elsewhere
	dfPrevFirst          // preceded by a capitalised first name elsewhere
	dfCapNeighbor        // next to another capitalised word mid-sentence
	dfNextOrgWord        // followed by an organisation word (Inc, Party)
	dfAcronymMid         // all caps in a normal sentence
	dfTitleMid           // Title-case in a normal sentence
	dfPrevDemonym        // preceded by a nationality word elsewhere
	numDocFlags
)

// Indexes of gazetteer categories used by the document flags.
var (
	gcTitle     = gazIndex("title")
	gcFirstName = gazIndex("firstname")
	gcOrgWord   = gazIndex("orgword")
	gcDemonym   = gazIndex("demonym")
)

func gazIndex(name string) int {
	for i, c := range gazCats {
		if c == name {
			return i
		}
	}
	panic("ner: unknown gazetteer category " + name)
}

// extractor turns documents into hashed feature rows.
type extractor struct {
	gaz      *gazetteer
	dict     *gazetteer        // entity strings of the training data, by type (optional)
	clusters map[uint64]uint16 // lowercase hash -> cluster id + 1
	bits     uint              // log2 of the number of weight rows
	stacked  bool              // uses the tags of a previous pass
}

// docFeatures are the feature rows of one document, sentence by sentence:
// token i of sentence s has rows feats[s][offs[s][i]:offs[s][i+1]].
type docFeatures struct {
	feats [][]uint32
	offs  [][]int32
}

// sentInfo is the per-sentence analysis used while extracting.
type sentInfo struct {
	toks     []tokInfo
	gaz      []gazMatch
	dict     []gazMatch
	capsSent bool
}

// isCapsSentence reports whether a sentence is an all-caps headline: no
// lowercase letters and at least one all-caps word of two or more letters.
func isCapsSentence(words []string, toks []tokInfo) bool {
	long := false
	for i, t := range toks {
		if t.hasLetter && !t.allCaps {
			return false
		}
		if t.allCaps && len(words[i]) > 1 {
			long = true
		}
	}
	return long
}

// selfFlags returns the document flags one occurrence (token i) shows.
func selfFlags(si *sentInfo, i int) (f [numDocFlags]bool) {
	t := &si.toks[i]
	if !t.hasLetter {
		return
	}
	f[dfLowerSeen] = t.lowerFirst
	if si.capsSent || i == 0 {
		return
	}
	f[dfCapMid] = t.cap
	f[dfAcronymMid] = t.allCaps && t.shape != t.short
	f[dfTitleMid] = t.cap && !t.allCaps
	if !t.cap {
		return
	}
	prev := &si.toks[i-1]
	f[dfPrevTitle] = si.gaz[i-1].ends&(1<<gcTitle) != 0
	f[dfPrevFirst] = prev.cap && si.gaz[i-1].ends&(1<<gcFirstName) != 0
	f[dfPrevDemonym] = prev.cap && si.gaz[i-1].ends&(1<<gcDemonym) != 0
	f[dfCapNeighbor] = (i > 1 && prev.cap) || (i+1 < len(si.toks) && si.toks[i+1].cap)
	f[dfNextOrgWord] = i+1 < len(si.toks) && si.gaz[i+1].starts&(1<<gcOrgWord) != 0
	return
}

// row maps a feature hash onto a weight row.
func (x *extractor) row(h uint64) uint32 { return uint32(h >> (64 - x.bits)) }

// extract computes the feature rows of a document given as sentences of
// words. For a stacked extractor, prev holds the BILOU tags a previous pass
// gave every sentence; it is ignored otherwise.
//
// buf, when not nil, supplies reusable memory; the returned features then
// live in buf and are valid until buf is used again.
func (x *extractor) extract(doc [][]string, prev [][]int, buf *extractBuf) *docFeatures {
	if buf == nil {
		buf = &extractBuf{}
	}
	total := 0
	for _, words := range doc {
		total += len(words)
	}
	buf.toks = grow(buf.toks, total)
	buf.gaz = grow(buf.gaz, total)
	infos := grow(buf.infos, len(doc))
	buf.infos = infos
	lows := buf.lows[:0]
	off := 0
	for s, words := range doc {
		si := &infos[s]
		n := len(words)
		*si = sentInfo{toks: buf.toks[off : off+n : off+n], gaz: buf.gaz[off : off+n : off+n]}
		off += n
		lows = lows[:0]
		for i, w := range words {
			analyse(w, &si.toks[i])
			if x.clusters != nil {
				if c, ok := x.clusters[si.toks[i].low]; ok {
					si.toks[i].cluster, si.toks[i].clusterOK = uint64(c), true
				}
			}
			lows = append(lows, si.toks[i].low)
		}
		x.gaz.match(lows, si.gaz)
		if x.dict != nil {
			si.dict = make([]gazMatch, len(words))
			x.dict.match(lows, si.dict)
		}
		si.capsSent = isCapsSentence(words, si.toks)
	}
	buf.lows = lows
	// Count the document flags per lowercase form.
	counts := make(map[uint64]*[numDocFlags]int32, total/2)
	for s := range infos {
		si := &infos[s]
		for i := range si.toks {
			if !si.toks[i].hasLetter {
				continue
			}
			f := selfFlags(si, i)
			c := counts[si.toks[i].low]
			if c == nil {
				c = new([numDocFlags]int32)
				counts[si.toks[i].low] = c
			}
			for k, on := range f {
				if on {
					c[k]++
				}
			}
		}
	}
	var st *stackInfo
	if x.stacked && prev != nil {
		st = newStackInfo(infos, prev)
	}
	df := &docFeatures{feats: make([][]uint32, len(doc)), offs: make([][]int32, len(doc))}
	feats, offs := buf.feats[:0], buf.offs[:0]
	sfeats, soffs := buf.stackFeats[:0], buf.stackOffs[:0]
	for s := range infos {
		f0, o0 := len(feats), len(offs)
		feats, offs = x.sentence(&infos[s], counts, feats, offs)
		df.feats[s], df.offs[s] = feats[f0:len(feats):len(feats)], offs[o0:len(offs):len(offs)]
		if st != nil {
			f0, o0 := len(sfeats), len(soffs)
			sfeats, soffs = x.stackFeatures(st, s, &infos[s], df.feats[s], df.offs[s], sfeats, soffs)
			df.feats[s], df.offs[s] = sfeats[f0:len(sfeats):len(sfeats)], soffs[o0:len(soffs):len(soffs)]
		}
	}
	buf.feats, buf.offs, buf.stackFeats, buf.stackOffs = feats, offs, sfeats, soffs
	return df
}

// extractBuf is memory extract reuses from call to call.
type extractBuf struct {
	toks              []tokInfo
	gaz               []gazMatch
	infos             []sentInfo
	lows              []uint64
	feats, stackFeats []uint32
	offs, stackOffs   []int32
}

// grow returns s resized to n elements, reallocating only when its
// capacity is too small. Elements keep stale values; callers overwrite
// them.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// sentence emits the feature rows of one sentence.
//
// It appends the rows to feats and the n+1 token offsets (relative to the
// sentence's first row) to offs, and returns both.
func (x *extractor) sentence(si *sentInfo, counts map[uint64]*[numDocFlags]int32, feats []uint32, offs []int32) ([]uint32, []int32) {
	n := len(si.toks)
	base := int32(len(feats))
	offs = append(offs, 0)
	low := func(i int) uint64 {
		switch {
		case i < 0:
			return hashBOS
		case i >= n:
			return hashEOS
		}
		return si.toks[i].low
	}
	short := func(i int) uint64 {
		switch {
		case i < 0:
			return hashBOS
		case i >= n:
			return hashEOS
		}
		return si.toks[i].short
	}
	cluster := func(i int) uint64 {
		switch {
		case i < 0:
			return hashBOS
		case i >= n:
			return hashEOS
		case !si.toks[i].clusterOK:
			return 1 << 20
		}
		return si.toks[i].cluster
	}
	fineOf := func(c uint64) uint64 {
		if c > 1<<16 {
			return c
		}
		return c & (1<<fineBits - 1)
	}
	coarseOf := func(c uint64) uint64 {
		if c > 1<<16 {
			return c
		}
		return c >> fineBits
	}
	add := func(h uint64) { feats = append(feats, x.row(h)) }
	for i := 0; i < n; i++ {
		t := &si.toks[i]
		add(fBias)
		add(mix(fWord, t.word))
		add(mix(fLower, t.low))
		add(mix(fShape, t.shape))
		add(mix(fShort, t.short))
		for k := 0; k < 4; k++ {
			if t.pre[k] != 0 {
				add(mix(mix(fPrefix, uint64(k)), t.pre[k]))
			}
			if t.suf[k] != 0 {
				add(mix(mix(fSuffix, uint64(k)), t.suf[k]))
			}
		}
		add(mix(fPrevLower, low(i-1)))
		add(mix(fNextLower, low(i+1)))
		add(mix(fPrev2Lower, low(i-2)))
		add(mix(fNext2Lower, low(i+2)))
		add(mix(fPrevShort, short(i-1)))
		add(mix(fNextShort, short(i+1)))
		add(mix(fPrev2Short, short(i-2)))
		add(mix(fNext2Short, short(i+2)))
		add(mix(mix(fBigramPrev, low(i-1)), t.low))
		add(mix(mix(fBigramNext, t.low), low(i+1)))
		add(mix(mix(mix(fShortTrigram, short(i-1)), t.short), short(i+1)))
		add(mix(mix(fPrevLowerShort, low(i-1)), t.short))
		add(mix(mix(fNextLowerShort, low(i+1)), t.short))
		if i == 0 {
			add(mix(fFirstShort, t.short))
		}
		if si.capsSent {
			add(mix(fCapsSentShort, t.short))
			add(mix(fCapsSentLower, t.low))
		}
		if t.hasHyphen {
			add(mix(mix(fHyphenPart, 0), t.hyphen[0]))
			add(mix(mix(fHyphenPart, 1), t.hyphen[1]))
		}
		if x.clusters != nil {
			c, cp, cn := cluster(i), cluster(i-1), cluster(i+1)
			add(mix(mix(fCluster, 0), fineOf(c)))
			add(mix(mix(fCluster, 1), coarseOf(c)))
			add(mix(mix(fPrevCluster, 0), fineOf(cp)))
			add(mix(mix(fPrevCluster, 1), coarseOf(cp)))
			add(mix(mix(fNextCluster, 0), fineOf(cn)))
			add(mix(mix(fNextCluster, 1), coarseOf(cn)))
			add(mix(mix(mix(fCluster, 2), coarseOf(c)), t.short))
		}
		capBit := uint64(0)
		if t.cap {
			capBit = 1
		}
		for b := si.gaz[i].cover; b != 0; b &= b - 1 {
			code := uint64(bits.TrailingZeros64(b))
			add(mix(fGaz, code))
			add(mix(mix(fGazCap, code), capBit))
		}
		if i > 0 {
			for b := si.gaz[i-1].ends; b != 0; b &= b - 1 {
				add(mix(mix(fGazPrev, uint64(bits.TrailingZeros16(b))), capBit))
			}
		}
		if i+1 < n {
			for b := si.gaz[i+1].starts; b != 0; b &= b - 1 {
				add(mix(mix(fGazNext, uint64(bits.TrailingZeros16(b))), capBit))
			}
		}
		if si.dict != nil {
			for b := si.dict[i].cover; b != 0; b &= b - 1 {
				code := uint64(bits.TrailingZeros64(b))
				add(mix(mix(fDict, code), capBit))
			}
		}
		if t.hasLetter && (t.cap || t.allCaps) {
			if c := counts[t.low]; c != nil {
				self := selfFlags(si, i)
				caps := uint64(0)
				if si.capsSent {
					caps = 1
				}
				for k := 0; k < numDocFlags; k++ {
					other := c[k]
					if self[k] {
						other--
					}
					if other > 0 {
						add(mix(mix(fDoc, uint64(k)), caps))
					}
				}
			}
		}
		offs = append(offs, int32(len(feats))-base)
	}
	return feats, offs
}

// FeatureNames lists the feature families of the model, for the training
// record.
func FeatureNames() []string {
	return []string{
		"bias", "word", "lowercase", "shape", "short shape", "prefixes 1-4", "suffixes 1-4",
		"lowercase words at -2..+2", "short shapes at -2..+2", "word bigrams -1/0 and 0/+1",
		"short-shape trigram", "previous/next word x short shape", "sentence start x short shape",
		"all-caps headline x shape/word", "hyphen parts", "word clusters (exchange algorithm on the training text, fine and coarse) at -1..+1, coarse x short shape",
		"gazetteer match type x BILOU position (x capitalised)", "training-entity dictionary match type x BILOU position x capitalised (jackknifed in training)", "gazetteer matches ending before / starting after",
		"document flags of other mentions of the word (lowercase use, mid-sentence capitals, after title/first name/nationality, before organisation word, acronym)",
	}
}
