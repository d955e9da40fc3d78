package quotes

import (
	"unicode"

	"github.com/wirestream/wirestream/pkg/article"
)

// maxTitleWords bounds quotations that a title cue ("the film") makes
// nonspeech.
const maxTitleWords = 8

// classify decides the type of a quotation from its length, its first
// letter, the words before it and how close its cue is.
func (d *doc) classify(c *candidate) string {
	q := c.raw
	words, capWords := 0, 0
	for _, s := range q.spans {
		for i := d.tokAt(s.start); i < len(d.toks) && d.toks[i].End <= s.end; i++ {
			if t := d.toks[i].Text; isWord(t) || unicode.IsDigit([]rune(t)[0]) {
				words++
				if isCap(t) || !isWord(t) {
					capWords++
				}
			}
		}
	}
	lastL := ""
	if c.left.b > c.left.a {
		lastL = d.low(c.left.b - 1)
		if (lastL == "the" || lastL == "a" || lastL == "an") && c.left.b-1 > c.left.a {
			if titleCues[d.low(c.left.b-2)] && words <= maxTitleWords {
				return article.QuoteNonSpeech
			}
		}
		if titleCues[lastL] && words <= maxTitleWords {
			return article.QuoteNonSpeech
		}
		if lastL == "as" && c.left.b-2 >= c.left.a && titleCues[d.low(c.left.b-2)] && words <= maxTitleWords {
			return article.QuoteNonSpeech // known as “…”
		}
	}
	if len(q.spans) > 1 && q.close >= 0 && d.para(q.spans[0].start) == d.para(q.spans[len(q.spans)-1].start) {
		return article.QuoteDirect // interrupted by its attribution
	}
	adjacent := c.attr.found && !c.inherited && (d.cueAdjacent(c) ||
		(lastL == "," || lastL == ":") && c.attr.cue.b <= d.tokAt(q.open))
	upper := d.startsUpper(q)
	embedded := c.left.b > c.left.a
	switch {
	case lastL == "," || lastL == ":" || lastL == "—" || lastL == "–" || lastL == "(" || lastL == "-":
		embedded = false
	case lastL == "that":
		embedded = !upper
	case speechVerbs[lastL]:
		embedded = false
	}
	if d.signedBy(q) {
		return article.QuoteNonSpeech // a headline: “…,” by Jane Doe
	}
	if words <= 3 {
		switch d.lastRune(q) {
		case ',', '.', '!', '?', '…':
			if adjacent && !embedded {
				return article.QuoteDirect
			}
		}
		return article.QuoteNonSpeech
	}
	if words <= 6 && capWords == words && !adjacent {
		return article.QuoteNonSpeech // a title or slogan
	}
	if embedded && !(words >= minComplementWords && adjacent && d.endsItsSentence(q)) {
		return article.QuotePartial
	}
	return article.QuoteDirect
}

// minComplementWords is the length from which a quotation that completes
// its cue's sentence counts as direct ("argued that “only Cruz can win.”").
const minComplementWords = 6

// endsItsSentence reports whether the quotation runs to the end of its
// sentence: it ends with terminal punctuation inside the marks, or the
// token after the closing mark ends the sentence.
func (d *doc) endsItsSentence(q rawQuote) bool {
	switch d.lastRune(q) {
	case '.', '?', '!':
		return true
	}
	if q.close < 0 {
		return true
	}
	i := d.tokAt(q.close + 1)
	return i >= len(d.toks) || d.endsSentence(i) || d.tokPara(i) != d.para(q.close)
}

// startsUpper reports whether the first letter of the quotation is upper
// case.
func (d *doc) startsUpper(q rawQuote) bool {
	s := q.spans[0]
	for i := s.start; i < s.end; i++ {
		if unicode.IsLetter(d.r[i]) {
			return unicode.IsUpper(d.r[i])
		}
	}
	return false
}

// cueAdjacent reports whether the cue of c stands within a few tokens of
// the quotation, before or after it.
func (d *doc) cueAdjacent(c *candidate) bool {
	q := c.raw
	open := d.tokAt(q.open)
	cue := c.attr.cue
	if cue.a >= open {
		if q.close < 0 {
			return false
		}
		return cue.a-d.tokAt(q.close+1) <= 4
	}
	return open-cue.b <= 3
}

// signedBy reports whether a quotation is followed by "by" and a name: the
// title of an article or a work ("“Met accused of …,” by Post's Jane Doe").
func (d *doc) signedBy(q rawQuote) bool {
	if q.close < 0 {
		return false
	}
	i := d.tokAt(q.close + 1)
	if i < len(d.toks) && d.toks[i].Text == "," {
		i++
	}
	return i+1 < len(d.toks) && d.low(i) == "by" && isCap(d.toks[i+1].Text) &&
		d.tokPara(i) == d.para(q.close)
}
