package quotes

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wirestream/wirestream/pkg/text"
)

// doc is the per-call working state: the body as runes, its tokens and its
// paragraph breaks.
type doc struct {
	body   string // the body read (quote marks normalized)
	r      []rune
	toks   []text.Token
	breaks []int    // rune index of the first newline of each paragraph break
	lower  []string // lower-cased tokens, filled on demand
	tpara  []int32  // paragraph number of each token
}

// newDoc prepares body for extraction; toks may be nil, in which case the
// body is tokenized here.
func newDoc(body string, toks []text.Token) *doc {
	d := &doc{r: []rune(body), toks: toks}
	if strings.Contains(body, "''") && normalizeDoubleApostrophes(d.r) {
		// Newspaper style paired apostrophes: read with the marks normalized, same
		// offsets; tokens of the original body would split the marks.
		body = string(d.r)
		d.toks = nil
	}
	if n := len(d.toks); n > 0 && (d.toks[n-1].End > len(d.r) || d.toks[0].Start < 0) {
		d.toks = nil // tokens of another text: do not trust their offsets
	}
	if d.toks == nil {
		d.toks = text.Tokenize(body)
	}
	d.body = body
	for i := 0; i < len(d.r); i++ {
		if d.r[i] == '\n' {
			d.breaks = append(d.breaks, i)
			for i+1 < len(d.r) && unicode.IsSpace(d.r[i+1]) {
				i++
			}
		}
	}
	d.lower = make([]string, len(d.toks))
	d.tpara = make([]int32, len(d.toks))
	k := 0
	for i, t := range d.toks {
		for k < len(d.breaks) && d.breaks[k] < t.Start {
			k++
		}
		d.tpara[i] = int32(k)
	}
	return d
}

// tokPara returns the paragraph number of token i.
func (d *doc) tokPara(i int) int { return int(d.tpara[i]) }

// normalizeDoubleApostrophes rewrites each pair of straight apostrophes
// used as a double quote mark (as in Yes, he said, quoted NYT style) into a straight double
// mark and a space, in place: the mark on the inner side, so the runes and
// offsets of the quoted words do not move. It reports whether it changed
// anything.
func normalizeDoubleApostrophes(r []rune) bool {
	changed := false
	for i := 0; i+1 < len(r); i++ {
		if r[i] != '\'' || r[i+1] != '\'' || at(r, i+2) == '\'' {
			continue
		}
		if p := at(r, i-1); unicode.IsSpace(p) || isOpenBracket(p) || isDouble(p) {
			r[i], r[i+1] = ' ', '"'
		} else {
			r[i], r[i+1] = '"', ' '
		}
		changed = true
		i++
	}
	return changed
}

// para returns the paragraph number of rune index pos.
func (d *doc) para(pos int) int {
	return sort.SearchInts(d.breaks, pos)
}

// tokAt returns the index of the first token starting at or after pos.
func (d *doc) tokAt(pos int) int {
	return sort.Search(len(d.toks), func(i int) bool { return d.toks[i].Start >= pos })
}

// low returns token i in lower case.
func (d *doc) low(i int) string {
	if l := d.lower[i]; l != "" {
		return l
	}
	t := d.toks[i].Text
	for k := 0; k < len(t); k++ {
		if c := t[k]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			t = strings.ToLower(t)
			break
		}
	}
	d.lower[i] = t
	return t
}

// isTerminalTok reports whether a token ends a sentence.
func isTerminalTok(s string) bool {
	return s == "." || s == "!" || s == "?" || s == "…" || s == "..."
}

// isDoubleTok reports whether a token is a double quote mark.
func isDoubleTok(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	return n == len(s) && isDouble(r)
}

// isPunctTok reports whether a token is punctuation only.
func isPunctTok(s string) bool {
	for _, c := range s {
		if !unicode.IsPunct(c) && !unicode.IsSymbol(c) {
			return false
		}
	}
	return s != ""
}

// isCap reports whether a token starts with an upper-case letter.
func isCap(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// isWord reports whether a token starts with a letter.
func isWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// window is a half-open range of token indexes.
type window struct{ a, b int }

// maxLeft and maxRight bound the context windows, in tokens.
const (
	maxLeft  = 45
	maxRight = 30
)

// rightWindow returns the tokens after rune index pos up to a sentence end,
// a double quote mark, a paragraph break or maxRight tokens.
func (d *doc) rightWindow(pos int) window {
	a := d.tokAt(pos)
	p := d.para(pos)
	b := a
	for b < len(d.toks) && b-a < maxRight {
		t := d.toks[b].Text
		if isDoubleTok(t) || d.tokPara(b) != p {
			break
		}
		b++
		if d.endsSentence(b - 1) {
			break
		}
	}
	return window{a, b}
}

// leftWindow returns the tokens before rune index pos back to a sentence
// end, a double quote mark, a paragraph break or maxLeft tokens.
func (d *doc) leftWindow(pos int) window {
	b := d.tokAt(pos)
	p := d.para(pos)
	a := b
	for a > 0 && b-a < maxLeft {
		t := d.toks[a-1].Text
		if isDoubleTok(t) || isTerminalTok(t) || d.tokPara(a-1) != p {
			break
		}
		a--
	}
	return window{a, b}
}

// endsSentence reports whether token i is a sentence end: terminal
// punctuation not followed by a lower-case word, a comma or a closing
// bracket ("Rep. Gwen Moore (D-Wis.) said").
func (d *doc) endsSentence(i int) bool {
	if !isTerminalTok(d.toks[i].Text) {
		return false
	}
	if i+1 < len(d.toks) {
		n := d.toks[i+1].Text
		if n == "," || n == ")" || n == "]" || isWord(n) && !isCap(n) {
			return false
		}
	}
	return true
}

// sentenceStart returns the first token of the sentence holding token b,
// looking back past quote marks (unlike leftWindow) up to a sentence end,
// a paragraph break or maxSentence tokens.
func (d *doc) sentenceStart(b int) int {
	if b <= 0 || b > len(d.toks) {
		return max(0, min(b, len(d.toks)))
	}
	p := d.tokPara(b - 1)
	a := b
	for a > 0 && b-a < maxSentence {
		t := d.toks[a-1].Text
		if isTerminalTok(t) || d.tokPara(a-1) != p {
			break
		}
		a--
	}
	return a
}

// maxSentence bounds the look-back for a clause's subject, in tokens.
const maxSentence = 60

// isCue reports whether token i is a speech cue: a speech verb not used as
// a noun, or "according" before "to". It returns the token length of the
// cue (1 or 2), or 0.
func (d *doc) isCue(i int, lo int) int {
	w := d.low(i)
	if w == "according" {
		if i+1 < len(d.toks) && d.low(i+1) == "to" {
			return 2
		}
		return 0
	}
	if !speechVerbs[w] {
		return 0
	}
	if i > lo {
		p := d.low(i - 1)
		if determiners[p] || p == "’s" || p == "'s" || p == "of" || p == "for" {
			return 0 // "a statement", "his comments", "the reports"
		}
	}
	return 1
}
