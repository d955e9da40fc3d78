// Package text splits article bodies into tokens and sentences with rune
// (Unicode code point) offsets, the offset contract of the article JSON.
//
// The tokenizer follows the conventions of newswire corpora such as
// CoNLL-2003 (Penn Treebank style): punctuation is split off, "U.S." and
// "Mr." stay whole, clitics such as 's and n't become their own tokens and
// hyphenated words such as "Al-Nusra" stay one token.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one token of a body: Text as in the body, Start/End in rune
// offsets (Unicode code points), end exclusive.
type Token struct {
	Text       string
	Start, End int
}

// scanner walks a body rune by rune, tracking byte and rune positions.
type scanner struct {
	s    string
	b    int // byte offset of the current rune
	r    int // rune offset of the current rune
	toks []Token
}

// at returns the rune at byte offset b and its width (0 at end of input).
func (sc *scanner) at(b int) (rune, int) {
	if b >= len(sc.s) {
		return 0, 0
	}
	c := sc.s[b]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(sc.s[b:])
}

// emit appends the token spanning bytes [sc.b, endB) and runes
// [sc.r, endR) and advances the scanner past it.
func (sc *scanner) emit(endB, endR int) {
	sc.toks = append(sc.toks, Token{Text: sc.s[sc.b:endB], Start: sc.r, End: endR})
	sc.b, sc.r = endB, endR
}

// isWordRune reports whether c can be part of a word token.
func isWordRune(c rune) bool {
	if c < utf8.RuneSelf {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.Is(unicode.Mn, c) || unicode.Is(unicode.Mc, c)
}

// isLetter is an ASCII-fast unicode.IsLetter.
func isLetter(c rune) bool {
	if c < utf8.RuneSelf {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	return unicode.IsLetter(c)
}

// isDigit is an ASCII-fast unicode.IsDigit.
func isDigit(c rune) bool {
	if c < utf8.RuneSelf {
		return c >= '0' && c <= '9'
	}
	return unicode.IsDigit(c)
}

// isApostrophe reports whether c is a straight or typographic apostrophe.
func isApostrophe(c rune) bool { return c == '\'' || c == '’' }

// isHyphen reports whether c joins the parts of a hyphenated word.
func isHyphen(c rune) bool { return c == '-' || c == '‐' || c == '‑' }

// Tokenize splits body into tokens: words, numbers and punctuation each
// become their own token. "U.S.", "Mr." and initials keep their dots,
// hyphenated words stay whole, quote marks are separate tokens and clitics
// ('s, ’s, n't, 're, 've, 'll, 'd, 'm) are split off. Token texts are
// substrings of body (no copies); offsets are rune offsets.
func Tokenize(body string) []Token {
	sc := scanner{s: body, toks: make([]Token, 0, len(body)/4+1)}
	for sc.b < len(sc.s) {
		c, w := sc.at(sc.b)
		switch {
		case unicode.IsSpace(c):
			sc.b += w
			sc.r++
		case isWordRune(c):
			sc.word()
		default:
			sc.punct(c, w)
		}
	}
	return sc.toks
}

// punct emits one punctuation token starting at the current position.
// Runs of dots ("...") and of hyphens ("--") stay together.
func (sc *scanner) punct(c rune, w int) {
	endB, endR := sc.b+w, sc.r+1
	if c == '.' || c == '-' {
		for {
			d, dw := sc.at(endB)
			if d != c {
				break
			}
			endB += dw
			endR++
		}
	}
	if isApostrophe(c) {
		// A leading clitic such as 's or 'll after a word is one token.
		if n := len(sc.toks); n > 0 && sc.toks[n-1].End == sc.r {
			if eb, er, ok := sc.clitic(sc.b); ok {
				sc.emit(eb, er)
				return
			}
		}
	}
	sc.emit(endB, endR)
}

// clitic reports whether an apostrophe at byte b starts a clitic ('s, 're,
// 've, 'll, 'd, 'm) that ends at a word boundary, returning its end.
func (sc *scanner) clitic(b int) (int, int, bool) {
	_, aw := sc.at(b)
	p := b + aw
	n := 0
	for n < 3 {
		c, w := sc.at(p)
		if !isLetter(c) {
			break
		}
		p += w
		n++
	}
	if n == 0 {
		return 0, 0, false
	}
	if c, _ := sc.at(p); isWordRune(c) {
		return 0, 0, false
	}
	for _, c := range [...]string{"s", "re", "ve", "ll", "d", "m"} {
		if strings.EqualFold(sc.s[b+aw:p], c) {
			return p, sc.r + 1 + n, true
		}
	}
	return 0, 0, false
}

// lowerKey looks up the ASCII-lowercased s in m without allocating.
func lowerKey(m map[string]bool, s string) bool {
	var buf [16]byte
	if len(s) > len(buf) {
		return m[lower(s)]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return m[string(buf[:len(s)])]
}

// lower lowercases the ASCII letters of s, allocating only when s has an
// uppercase ASCII letter.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			b := []byte(s)
			for j := range b {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// word emits a word or number token starting at the current position.
func (sc *scanner) word() {
	b, r := sc.b, sc.r
	segLen := 0 // runes in the current dot-separated segment
	segs := 0   // segments so far in a dotted abbreviation like U.S.
	for {
		c, w := sc.at(b)
		if isWordRune(c) {
			segLen++
			b += w
			r++
			continue
		}
		next, nw := sc.at(b + w)
		switch {
		case isHyphen(c) && isWordRune(next):
			// Hyphenated word or number range: Al-Nusra, two-day, 1996-08-22.
			b += w + nw
			r += 2
			segLen = 1
			continue
		case (c == '.' || c == ',' || c == ':' || c == '/') && isDigit(next) && b > sc.b && isDigitBefore(sc.s, b):
			// Number with separators: 1,000.50, 10:30, 3/4.
			b += w + nw
			r += 2
			segLen++
			continue
		case isApostrophe(c) && isLetter(next):
			// n't is split off the word; 's, 're ... are left for punct.
			if b-1 > sc.b && (sc.s[b-1] == 'n' || sc.s[b-1] == 'N') && (next == 't' || next == 'T') {
				if after, _ := sc.at(b + w + nw); !isWordRune(after) {
					if b-1 > sc.b {
						sc.emit(b-1, r-1)
					}
					sc.emit(b+w+nw, r+2)
					return
				}
			}
			if _, _, ok := sc.clitic(b); ok {
				sc.emit(b, r)
				return
			}
			// O'Brien, o'clock: the apostrophe is part of the word.
			b += w + nw
			r += 2
			segLen += 2
			continue
		case c == '.' && segLen == 1 && (segs > 0 || r-sc.r == 1) && isLetter(next):
			// Dotted abbreviation: U.S., U.N., p.m.
			if after, _ := sc.at(b + w + nw); after == '.' {
				segs++
				b += w
				r++
				segLen = 0
				continue
			}
		}
		if c == '.' && sc.keepDot(b, r, segs) {
			b += w
			r++
		}
		sc.emit(b, r)
		return
	}
}

// isDigitBefore reports whether the byte before b is an ASCII digit.
func isDigitBefore(s string, b int) bool { return b > 0 && s[b-1] >= '0' && s[b-1] <= '9' }

// keepDot decides whether the dot at byte b belongs to the word that
// started at the scanner position: dotted abbreviations (U.S.), single
// letters (initials) and known abbreviations keep it.
func (sc *scanner) keepDot(b, r, segs int) bool {
	if next, _ := sc.at(b + 1); next == '.' { // ellipsis follows
		return false
	}
	w := sc.s[sc.b:b]
	if segs > 0 {
		return true
	}
	if utf8.RuneCountInString(w) == 1 {
		c, _ := utf8.DecodeRuneInString(w)
		return unicode.IsUpper(c)
	}
	return IsAbbreviation(w)
}
