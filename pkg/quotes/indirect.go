package quotes

import (
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/text"
)

// Indirect (reported) speech is found in sentences without quote marks
// only, so that it never mixes with direct or partial quotes, and only in
// three unambiguous shapes:
//
//   - X said (that) …: a speech verb with a subject, followed by "that"
//     right away or after a short object ("told reporters that");
//   - …, X said. / …, said X.: the attribution closes the sentence;
//   - According to X, ….
//
// The span is the reported clause, without the final punctuation.

// minIndirectTokens is the shortest reported clause kept, in tokens.
const minIndirectTokens = 4

// maxThatObject bounds the object between a cue and "that" ("told the
// Senate panel on Tuesday that"), in tokens.
const maxThatObject = 6

// indirectQuotes finds reported speech in the sentences that hold no
// quotation. quoted marks the runes inside or between quote marks.
func (d *doc) indirectQuotes(cands []candidate, res *resolver) []article.Quote {
	if len(d.toks) == 0 {
		return nil
	}
	sents := text.Sentences(d.body, d.toks)
	var out []article.Quote
	ci := 0
	for _, s := range sents {
		if s.To-s.From < minIndirectTokens+2 {
			continue
		}
		// Skip sentences that overlap a quotation.
		for ci < len(cands) && cands[ci].end() < s.Start {
			ci++
		}
		if ci < len(cands) && cands[ci].raw.open < s.End {
			continue
		}
		if d.hasMarkToken(s.From, s.To) {
			continue
		}
		if q, ok := d.indirectIn(s, res); ok {
			out = append(out, q)
		}
	}
	return out
}

// end returns the rune index just past the candidate's last mark.
func (c *candidate) end() int {
	if c.raw.close >= 0 {
		return c.raw.close + 1
	}
	return c.raw.spans[len(c.raw.spans)-1].end
}

// hasMarkToken reports whether tokens [a, b) hold a quote mark.
func (d *doc) hasMarkToken(a, b int) bool {
	for i := a; i < b; i++ {
		t := d.toks[i].Text
		if isDoubleTok(t) || t == "'" || t == "‘" || t == "’" {
			return true
		}
	}
	return false
}

// indirectIn tries the three shapes of reported speech on one sentence.
func (d *doc) indirectIn(s text.Sentence, res *resolver) (article.Quote, bool) {
	a, b := s.From, s.To
	for b > a && isPunctTok(d.toks[b-1].Text) {
		b-- // final punctuation
	}
	// According to X, ….
	if d.low(a) == "according" && a+1 < b && d.low(a+1) == "to" {
		for k := a + 2; k < b && k-a < 12; k++ {
			if d.toks[k].Text == "," {
				at := attribution{cue: window{a, a + 2}, speaker: d.forwardNP(a+2, k), found: true}
				return d.indirectQuote(window{k + 1, b}, at, res)
			}
		}
		return article.Quote{}, false
	}
	// …, X said.
	for k := b - 1; k > a && b-k <= 12; k-- {
		if d.toks[k].Text != "," {
			continue
		}
		at := d.attributeAfter(window{k + 1, b})
		if at.found && at.hasSpeaker() && at.cue.b-at.cue.a == 1 && !weakCues[d.low(at.cue.a)] &&
			min(at.cue.a, at.speaker.a) == k+1 && b-max(at.cue.b, at.speaker.b) <= 4 && d.clauseStart(a) &&
			(at.speaker.a == at.cue.b || at.cue.a >= at.speaker.b && at.cue.a-at.speaker.b <= 2) {
			return d.indirectQuote(window{a, k}, at, res)
		}
		break
	}
	// X said (that) ….
	for i := a + 1; i < b; i++ {
		if d.isCue(i, a) != 1 || weakCues[d.low(i)] || d.isParticiple(i) {
			continue
		}
		that := -1
		for k := i + 1; k < b && k-i <= maxThatObject; k++ {
			lw := d.low(k)
			if lw == "that" {
				that = k
				break
			}
			if isPunctTok(d.toks[k].Text) || speechVerbs[lw] {
				break
			}
		}
		if that < 0 {
			continue
		}
		sp := d.backwardNP(i, a)
		if sp.b == sp.a || !d.namelike(sp.a) && !strings.HasSuffix(d.low(sp.b-1), "s") {
			return article.Quote{}, false
		}
		return d.indirectQuote(window{that + 1, b}, attribution{cue: window{i, i + 1}, speaker: sp, found: true}, res)
	}
	return article.Quote{}, false
}

// clauseStart reports whether token i can open a reported clause: not a
// preposition, adverbial or participle ("In a 1963 speech, …").
func (d *doc) clauseStart(i int) bool {
	w := d.low(i)
	return !stopBack[w] && !leadAdverbial[w] && !strings.HasSuffix(w, "ing") && w != "shortly"
}

// indirectQuote builds an indirect quote over the tokens of w.
func (d *doc) indirectQuote(w window, at attribution, res *resolver) (article.Quote, bool) {
	if w.b-w.a < minIndirectTokens || !at.hasSpeaker() {
		return article.Quote{}, false
	}
	start, end := d.toks[w.a].Start, d.toks[w.b-1].End
	c := candidate{raw: rawQuote{spans: []span{{start, end}}, open: start, close: -1}, attr: at, typ: article.QuoteIndirect}
	return d.quote(&c, res), true
}
