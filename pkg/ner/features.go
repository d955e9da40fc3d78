package ner

import (
	"unicode"
	"unicode/utf8"
)

// Feature templates. Each feature is mix(template, values...), hashed into
// the weight table. Changing a value here changes the model format.
const (
	fBias uint64 = iota + 1
	fWord
	fLower
	fShape
	fShort
	fPrefix
	fSuffix
	fPrevLower
	fNextLower
	fPrev2Lower
	fNext2Lower
	fPrevShort
	fNextShort
	fPrev2Short
	fNext2Short
	fBigramPrev
	fBigramNext
	fShortTrigram
	fFirstShort
	fCapsSentShort
	fCapsSentLower
	fGaz
	fGazCap
	fGazPrev
	fGazNext
	fDoc
	fDocShort
	fCluster
	fPrevCluster
	fNextCluster
	fPrevLowerShort
	fNextLowerShort
	fHyphenPart
	fPredTag
	fPredPrev
	fPredNext
	fPredOther
	fPredMajor
	fPredSpan
	fDict
)

// tokInfo holds the per-token hashes the feature templates combine.
type tokInfo struct {
	word, low, shape, short uint64
	pre, suf                [4]uint64
	cap                     bool // first letter is uppercase
	allCaps                 bool // has letters, all uppercase
	hasLetter               bool
	lowerFirst              bool // first rune is a lowercase letter
	cluster                 uint64
	clusterOK               bool
	hyphen                  [2]uint64 // lowercase hashes of the first and last hyphen parts
	hasHyphen               bool
}

// Boundary hashes for positions outside the sentence.
var (
	hashBOS = hashString("<s>")
	hashEOS = hashString("</s>")
)

// normRune maps typographic quotes and dashes onto the ASCII forms used by
// the CoNLL training data, so wire text with “curly” quotes is tagged like
// the training text.
func normRune(c rune) rune {
	switch c {
	case '“', '”', '„', '«', '»', '″':
		return '"'
	case '‘', '’', '‚', '′':
		return '\''
	case '–', '—', '‐', '‑', '−':
		return '-'
	}
	return c
}

// analyse fills the token hashes of word w in one pass over its runes.
func analyse(w string, ti *tokInfo) {
	*ti = tokInfo{}
	hw, hl, hs, hss := uint64(fnvOffset), uint64(fnvOffset), uint64(fnvOffset), uint64(fnvOffset)
	var lastShape rune
	run := 0
	n := 0
	upper, lowerN := 0, 0
	var lows [4]rune // first four lowercase runes, for prefixes
	hyStart := uint64(fnvOffset)
	hyCur := uint64(fnvOffset)
	for i, c := range w {
		c = normRune(c)
		lc := c
		var sc rune
		switch {
		case c < utf8.RuneSelf && c >= 'a' && c <= 'z':
			sc = 'x'
			lowerN++
		case c < utf8.RuneSelf && c >= 'A' && c <= 'Z':
			sc = 'X'
			lc = c + 'a' - 'A'
			upper++
		case c < utf8.RuneSelf && c >= '0' && c <= '9':
			sc = 'd'
		case c < utf8.RuneSelf:
			sc = c
		case unicode.IsUpper(c):
			sc = 'X'
			lc = unicode.ToLower(c)
			upper++
		case unicode.IsLetter(c):
			sc = 'x'
			lowerN++
		case unicode.IsDigit(c):
			sc = 'd'
		default:
			sc = c
		}
		if i == 0 {
			ti.cap = sc == 'X'
			ti.lowerFirst = sc == 'x'
		}
		hw = hashRune(hw, c)
		hl = hashRune(hl, lc)
		if n < 4 {
			lows[n] = lc
		}
		if sc == lastShape {
			run++
		} else {
			run = 1
			hss = hashRune(hss, sc)
		}
		if run <= 4 {
			hs = hashRune(hs, sc)
		}
		lastShape = sc
		if c == '-' && n > 0 {
			if !ti.hasHyphen {
				hyStart = hyCur
			}
			ti.hasHyphen = true
			hyCur = fnvOffset
		} else {
			hyCur = hashRune(hyCur, lc)
		}
		n++
	}
	ti.word, ti.low, ti.shape, ti.short = hw, hl, hs, hss
	ti.hasLetter = upper+lowerN > 0
	ti.allCaps = upper > 0 && lowerN == 0
	if ti.hasHyphen {
		ti.hyphen = [2]uint64{hyStart, hyCur}
	}
	// Prefixes from the first runes.
	h := uint64(fnvOffset)
	for k := 0; k < 4; k++ {
		if k < n {
			h = hashRune(h, lows[k])
			ti.pre[k] = h
		} else {
			ti.pre[k] = 0
		}
	}
	// Suffixes from the last runes, lowercased.
	var tail [4]rune
	m := 0
	for j := len(w); j > 0 && m < 4; m++ {
		c, size := utf8.DecodeLastRuneInString(w[:j])
		tail[m] = unicode.ToLower(normRune(c))
		j -= size
	}
	for k := 0; k < 4; k++ {
		if k >= m {
			ti.suf[k] = 0
			continue
		}
		h := uint64(fnvOffset)
		for j := k; j >= 0; j-- {
			h = hashRune(h, tail[j])
		}
		ti.suf[k] = h
	}
}

// hashRune adds the UTF-8 bytes of c to the FNV-1a hash h.
func hashRune(h uint64, c rune) uint64 {
	if c < utf8.RuneSelf {
		h ^= uint64(c)
		return h * fnvPrime
	}
	var buf [4]byte
	n := utf8.EncodeRune(buf[:], c)
	for i := 0; i < n; i++ {
		h ^= uint64(buf[i])
		h *= fnvPrime
	}
	return h
}

// lowerHash returns the hash of the lowercased, normalised form of w (the
// same value analyse stores in tokInfo.low).
func lowerHash(w string) uint64 {
	h := uint64(fnvOffset)
	for _, c := range w {
		c = normRune(c)
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
		} else {
			c = unicode.ToLower(c)
		}
		h = hashRune(h, c)
	}
	return h
}
