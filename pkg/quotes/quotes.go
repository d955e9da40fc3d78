// Package quotes finds quotations in a story body, classifies them and
// attributes them to a speaker. Offsets are runes (code points) into the
// body, end exclusive, as in the article contract.
//
// Extraction works in five steps, each linear in the body:
//
//  1. Marks. Double marks (" “ ” « » „, and two apostrophes in newspaper
//     style) are paired within a paragraph; straight marks open or close
//     according to the white space around them, and a mark that can
//     neither open nor close (5" long) is skipped. A quotation still open at a paragraph's end
//     continues when the next paragraph opens with a mark (multi-paragraph
//     quotes, one span per paragraph) and otherwise ends there. Single marks
//     (‘ ’ ') inside a double-quoted quotation are nested quotes and stay
//     part of it; outside, a left-flanking single mark with a right-flanking
//     partner in the same paragraph, at most 400 runes on, is a quotation
//     (headline style). Apostrophes (don't, Lavrov’s, 90’s, ’90s, rock ’n’
//     roll) are not marks.
//  2. Interrupted quotes. Two quotations in one paragraph separated only by
//     an attribution sentence ("The problem," he said, "is …"; "…," Lavrov
//     told reporters. "…") become one quotation with several spans, unless
//     the second part has an attribution of its own.
//  3. Attribution. The cue (a speech verb from a list of 200 verbs, some 770
//     forms, or "according to"; a dash signing a quote) and the speaker
//     phrase (a name, a pronoun, a role noun phrase, an organisation) are
//     looked for after the quotation (`"…," X said`, `"…," said X`,
//     `"…," X, the minister, said`, `"…", according to X`), then before it
//     (`X said: "…"`, `X added that he would "…"`, `X told CNN, "…"`,
//     `X urged …, saying "…"`, `X called them on it: "…"`), then in a
//     previous paragraph ending with a colon. A quotation with no attribution
//     of its own continues the turn of the previous attributed quotation when
//     it follows within two paragraphs (at most five in a row).
//  4. Type. A quotation is direct when it stands as an utterance of its own
//     (it opens its sentence, follows "said:", "said," or "that" with a
//     capital, or completes its cue's sentence), partial when it is a
//     fragment inside the author's sentence, and nonspeech for titles and
//     names ("the film “Selma”", "so-called “experts”", "“…,” by Jane
//     Doe"), short title-case phrases and quotations of up to three words
//     without closing punctuation and a cue next to them. Sentences without
//     any quotation yield indirect quotes in three safe shapes ("X said that
//     …", "…, X said.", "According to X, …"); see indirect.go.
//  5. Speaker. The speaker phrase is resolved against the story's entities:
//     the person (else organisation) with a mention inside the phrase, not a
//     possessor ("Obama's strategist"); for a pronoun the nearest preceding
//     compatible entity; for a role noun ("the spokesman") the entity whose
//     role names it, else the nearest preceding person; else an entity whose
//     name ends with the phrase. With no match the speaker is nil and only
//     the speaker mention is given.
package quotes

import (
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/text"
)

// maxFloat bounds how many quotations in a row may inherit a speaker, and
// maxFloatParas how many paragraphs after the attributed one.
const (
	maxFloat      = 5
	maxFloatParas = 2
)

// Extract finds every quotation in body and attributes it. ents are the
// story's entities (canonical names, types, roles and mentions with rune
// offsets), possibly empty. Quotes are returned in body order with rune
// offsets. Extract is a pure function and safe for concurrent use.
func Extract(body string, ents []article.Entity) []article.Quote {
	return ExtractTokens(body, nil, ents)
}

// ExtractTokens is Extract with the body's tokens already computed by
// text.Tokenize (nil tokenizes here).
func ExtractTokens(body string, toks []text.Token, ents []article.Entity) []article.Quote {
	if body == "" {
		return nil
	}
	d := newDoc(body, toks)
	res := newResolver(d, ents)
	var cands []candidate
	if hasAnyMark(body) {
		cands = d.join(scanMarks(d.r))
	}
	out := make([]article.Quote, 0, len(cands))
	for i := range cands {
		d.attribute(&cands[i])
		cands[i].typ = d.classify(&cands[i])
	}
	// “A.” “B,” he said: a quotation followed at once by another one takes
	// that one's attribution.
	for i := len(cands) - 2; i >= 0; i-- {
		c, n := &cands[i], &cands[i+1]
		if !c.attr.found && c.typ != article.QuoteNonSpeech && n.attr.found && n.attr.hasSpeaker() &&
			n.typ != article.QuoteNonSpeech && d.onlySpaceBetween(c.raw.close, n.raw.open) {
			c.attr = n.attr
			c.inherited = true
		}
	}
	var prev *candidate
	run := 0
	for i := range cands {
		c := &cands[i]
		near := prev != nil && d.para(c.raw.open)-d.para(prev.raw.open) <= maxFloatParas
		if c.attr.found && !c.attr.hasSpeaker() && near && c.typ != article.QuoteNonSpeech {
			// A cue without a subject continues the turn ("…,” adding, “…”).
			c.attr.speaker = prev.attr.speaker
		}
		if !c.attr.found && c.typ != article.QuoteNonSpeech && near && run < maxFloat {
			c.attr = prev.attr
			c.inherited = true
			run++
		} else if c.attr.found {
			run = 0
		}
		if c.attr.found && c.typ != article.QuoteNonSpeech {
			prev = c
		}
		out = append(out, d.quote(c, res))
	}
	if ind := d.indirectQuotes(cands, res); len(ind) > 0 {
		out = mergeByStart(out, ind)
	}
	return out
}

// onlySpaceBetween reports whether the runes strictly between close and
// open are spaces or tabs (no line break, no words).
func (d *doc) onlySpaceBetween(close, open int) bool {
	if close < 0 || open <= close {
		return false
	}
	for i := close + 1; i < open; i++ {
		if c := d.r[i]; c != ' ' && c != '\t' && c != '\u00a0' {
			return false
		}
	}
	return true
}

// mergeByStart merges two lists of quotes, each in body order.
func mergeByStart(a, b []article.Quote) []article.Quote {
	out := make([]article.Quote, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j == len(b) || i < len(a) && a[i].Spans[0].Start <= b[j].Spans[0].Start {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return out
}

// hasAnyMark reports whether body holds any quote mark at all.
func hasAnyMark(body string) bool {
	return strings.ContainsAny(body, "\"“”«»„‘’'")
}

// candidate is a quotation being assembled.
type candidate struct {
	raw       rawQuote
	gap       attribution // attribution between the parts of an interrupted quote
	attr      attribution
	left      window
	typ       string
	inherited bool
}

// maxGap bounds the tokens between the parts of an interrupted quote.
const maxGap = 45

// join merges quotations interrupted by their attribution.
func (d *doc) join(raws []rawQuote) []candidate {
	out := make([]candidate, 0, len(raws))
	for _, q := range raws {
		if n := len(out); n > 0 {
			p := &out[n-1]
			if a, ok := d.interruption(p.raw, q); ok {
				p.raw.spans = append(p.raw.spans, q.spans...)
				p.raw.close = q.close
				if !p.gap.found {
					p.gap = a
				}
				continue
			}
		}
		out = append(out, candidate{raw: q})
	}
	return out
}

// interruption reports whether q continues p after an attribution between
// them, and returns that attribution.
func (d *doc) interruption(p, q rawQuote) (attribution, bool) {
	if p.close < 0 || p.single != q.single || len(q.spans) != 1 {
		return attribution{}, false
	}
	if d.para(p.close) != d.para(q.open) {
		return attribution{}, false
	}
	a, b := d.tokAt(p.close+1), d.tokAt(q.open)
	if b-a > maxGap || b-a < 2 {
		return attribution{}, false
	}
	at := d.attributeAfter(window{a, b})
	if !at.found || !at.hasSpeaker() {
		return attribution{}, false
	}
	// The gap is the attribution sentence only: it ends with punctuation
	// (not "he said he would “…”") and no sentence ends before that.
	if !isPunctTok(d.toks[b-1].Text) && max(at.cue.b, at.speaker.b) != b {
		return attribution{}, false
	}
	for i := a; i < b-1; i++ {
		if d.endsSentence(i) || tailBreaks[d.low(i)] {
			return attribution{}, false
		}
	}
	// The second part must not carry its own attribution ("…," he notes).
	if q.close >= 0 {
		if r := d.attributeAfter(d.rightWindow(q.close + 1)); r.found && r.cue.a-d.tokAt(q.close+1) <= 4 {
			return attribution{}, false
		}
	}
	return at, true
}

// tailBreaks are words that start a new clause after an attribution ("she
// told the crowd, then referred to …"), so the gap is not only attribution.
var tailBreaks = map[string]bool{"then": true, "but": true, "before": true}

// attribute finds the cue and speaker of c.
func (d *doc) attribute(c *candidate) {
	q := c.raw
	c.left = d.leftWindow(q.open)
	if c.gap.found {
		c.attr = c.gap
		return
	}
	var right attribution
	if q.close >= 0 {
		rw := d.rightWindow(q.close + 1)
		right = d.attributeAfter(rw)
		if right.found && d.lastRune(q) != ',' && d.introducesNext(rw) {
			// "“…?” Mills then writes back, “…”": the words after the
			// quote introduce the next one.
			right = attribution{}
		}
	}
	left := d.attributeBefore(c.left)
	if !left.found && c.left.a == c.left.b {
		left = d.colonIntro(q.open)
	}
	last := d.lastRune(q)
	strongRight := right.found && right.hasSpeaker() && (last == ',' || last == '?' || last == '!' || last == '—' ||
		(right.cue.a < len(d.toks) && d.toks[right.cue.a].Start-q.close < 4))
	switch {
	case strongRight:
		c.attr = right
	case left.found && left.hasSpeaker():
		c.attr = left
	case right.found && right.hasSpeaker():
		c.attr = right
	case left.found:
		c.attr = left
	default:
		c.attr = right
	}
}

// introducesNext reports whether the right window w ends with a comma or
// colon right before another quotation's opening mark.
func (d *doc) introducesNext(w window) bool {
	if w.b >= len(d.toks) || w.b-1 < w.a || !isDoubleTok(d.toks[w.b].Text) {
		return false
	}
	t := d.toks[w.b-1].Text
	return t == "," || t == ":"
}

// lastRune returns the last non-space rune inside a quotation.
func (d *doc) lastRune(q rawQuote) rune {
	s := q.spans[len(q.spans)-1]
	for i := s.end - 1; i >= s.start; i-- {
		if c := d.r[i]; c != ' ' && c != '\n' {
			return c
		}
	}
	return 0
}

// colonIntro attributes a quotation opening a paragraph from the previous
// paragraph when that one ends with a colon ("Lavrov said:\n\n“…”").
func (d *doc) colonIntro(open int) attribution {
	i := d.tokAt(open) - 1
	if i < 0 || d.toks[i].Text != ":" {
		return attribution{}
	}
	return d.attributeBefore(d.leftWindow(d.toks[i].Start))
}

// quote turns a candidate into the article contract.
func (d *doc) quote(c *candidate, res *resolver) article.Quote {
	q := article.Quote{Type: c.typ, Spans: make([]article.Span, 0, len(c.raw.spans))}
	var sb strings.Builder
	for _, s := range c.raw.spans {
		if s.end <= s.start {
			continue
		}
		if len(q.Spans) > 0 {
			sb.WriteByte(' ')
		}
		q.Spans = append(q.Spans, article.Span{Start: s.start, End: s.end})
		sb.WriteString(string(d.r[s.start:s.end]))
	}
	q.Text = sb.String()
	if c.typ == article.QuoteNonSpeech || !c.attr.found {
		return q
	}
	if w := c.attr.cue; w.b > w.a {
		q.Cue = d.mention(w)
	}
	if w := c.attr.speaker; w.b > w.a {
		m := d.mention(w)
		ent, narrow := res.resolve(m, c.raw.open)
		if narrow != nil {
			// The entity's own mention, with the body's text.
			m = &article.Mention{Text: string(d.r[narrow.Start:narrow.End]), Start: narrow.Start, End: narrow.End}
		}
		q.SpeakerMention = m
		if ent != nil {
			q.Speaker = &article.Speaker{Name: ent.Name, Type: ent.Type}
		}
	}
	return q
}

// mention returns the body text and rune offsets of a token window.
func (d *doc) mention(w window) *article.Mention {
	s, e := d.toks[w.a].Start, d.toks[w.b-1].End
	return &article.Mention{Text: string(d.r[s:e]), Start: s, End: e}
}
