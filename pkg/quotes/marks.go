package quotes

import "unicode"

// rawQuote is a run of quoted text found by the mark scanner, before
// joining, classification and attribution.
type rawQuote struct {
	// spans are the quoted runes, one per paragraph, marks excluded.
	spans []span
	// open is the rune index of the opening mark of the first span; close
	// is the index of the closing mark, or -1 when the quote was left open
	// and ends at its paragraph's end.
	open, close int
	// single is true for a quote in single marks (‘ ’ or ').
	single bool
}

// span is a half-open range of rune indexes.
type span struct{ start, end int }

// maxParagraphs bounds how many paragraphs one quotation may continue over.
const maxParagraphs = 40

// maxSingle bounds the length, in runes, of a quote in single marks.
const maxSingle = 400

// isDouble reports whether c is a double quote mark.
func isDouble(c rune) bool {
	switch c {
	case '"', '“', '”', '«', '»', '„':
		return true
	}
	return false
}

// isSingle reports whether c is a single quote mark or apostrophe.
func isSingle(c rune) bool { return c == '\'' || c == '‘' || c == '’' }

// isOpenBracket reports whether c may stand right before an opening mark.
func isOpenBracket(c rune) bool {
	switch c {
	case '(', '[', '{', '—', '–', '-', '/', ':', '…':
		return true
	}
	return false
}

// at returns r[i], or a space outside r.
func at(r []rune, i int) rune {
	if i < 0 || i >= len(r) {
		return ' '
	}
	return r[i]
}

// canOpen reports whether the mark at i is left-flanking: white space (or
// an opening bracket or another mark) before it, a non-space after it.
func canOpen(r []rune, i int) bool {
	p, n := at(r, i-1), at(r, i+1)
	if unicode.IsSpace(n) {
		return false
	}
	return unicode.IsSpace(p) || isOpenBracket(p) || isDouble(p) || isSingle(p)
}

// canClose reports whether the mark at i is right-flanking: a non-space
// before it, white space, punctuation or the end after it.
func canClose(r []rune, i int) bool {
	p, n := at(r, i-1), at(r, i+1)
	if unicode.IsSpace(p) {
		return false
	}
	return unicode.IsSpace(n) || unicode.IsPunct(n) || unicode.IsSymbol(n)
}

// nextParagraphOpens returns the index of the first rune of the paragraph
// after the line break at nl when that rune is an opening double mark, or
// -1.
func nextParagraphOpens(r []rune, nl int) int {
	j := nl
	for j < len(r) && unicode.IsSpace(r[j]) {
		j++
	}
	if j < len(r) && isDouble(r[j]) && r[j] != '”' && r[j] != '»' && canOpen(r, j) {
		return j
	}
	return -1
}

// trimEnd moves end back over white space, not before start.
func trimEnd(r []rune, start, end int) int {
	for end > start && unicode.IsSpace(r[end-1]) {
		end--
	}
	return end
}

// scanDouble finds quotations in double marks. It pairs marks within a
// paragraph, deciding for ambiguous straight marks from the flanking white
// space; a quotation open at a paragraph's end continues when the next
// paragraph opens with a mark (multi-paragraph quotes) and otherwise ends
// there. One pass, linear in len(r).
func scanDouble(r []rune) []rawQuote {
	var out []rawQuote
	var cur *rawQuote
	openAt := -1 // index of the current opening mark
	var openMark rune
	paras, depth := 0, 0
	var closers []int32 // closing marks left in the paragraph, built on first need
	closersAfter := func(i int) int {
		if closers == nil {
			closers = make([]int32, len(r)+1)
			for k := len(r) - 1; k >= 0; k-- {
				switch r[k] {
				case '\n':
					closers[k] = 0
				case '”', '»':
					closers[k] = closers[k+1] + 1
				default:
					closers[k] = closers[k+1]
				}
			}
		}
		return int(closers[i+1])
	}
	start := func(i int) {
		out = append(out, rawQuote{open: i, close: -1})
		cur = &out[len(out)-1]
		openAt, openMark, paras = i, r[i], 1
	}
	finish := func(end, closeAt int) {
		cur.spans = append(cur.spans, span{openAt + 1, end})
		cur.close = closeAt
		cur, openAt = nil, -1
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		if c == '\n' {
			depth = 0
			if cur == nil {
				continue
			}
			end := trimEnd(r, openAt+1, i)
			if j := nextParagraphOpens(r, i); j >= 0 && paras < maxParagraphs {
				cur.spans = append(cur.spans, span{openAt + 1, end})
				openAt, openMark = j, r[j]
				paras++
				i = j
				continue
			}
			finish(end, -1)
			continue
		}
		if !isDouble(c) {
			continue
		}
		op, cl := canOpen(r, i), canClose(r, i)
		if cur == nil {
			switch {
			case c == '”' || c == '»':
				// A closing mark used as an opener ("”Yes”") opens only
				// when clearly left-flanking.
				if op && !cl {
					start(i)
				}
			case op:
				start(i)
			case c != '"' && !cl:
				start(i)
			}
			continue
		}
		switch {
		case c == '”' || c == '»':
			if depth > 0 {
				depth-- // closes a nested quotation
				continue
			}
			finish(i, i)
		case openMark == '„' && c == '“':
			finish(i, i)
		case c == '“' || c == '«' || c == '„':
			switch {
			case cl && !op:
				// “…“ typed with the wrong mark: it closes.
				finish(i, i)
			case c != '„' && closersAfter(i) >= depth+2:
				// “… “inner” …”: enough closing marks follow in the
				// paragraph for a nested quotation and the outer one.
				depth++
			case len(cur.spans) > 0:
				// An earlier paragraph of this quotation stays; it ends
				// here unclosed.
				finish(trimEnd(r, openAt+1, i), -1)
				start(i)
			default:
				// An unclosed mark before: drop it and open here.
				out = out[:len(out)-1]
				cur = nil
				start(i)
			}
		default: // straight mark
			if cl {
				finish(i, i)
			} else if op {
				if len(cur.spans) == 0 {
					out = out[:len(out)-1]
					cur = nil
				} else {
					finish(trimEnd(r, openAt+1, i), -1)
				}
				start(i)
			}
		}
	}
	if cur != nil {
		finish(trimEnd(r, openAt+1, len(r)), -1)
	}
	// Drop empty quotes.
	kept := out[:0]
	for _, q := range out {
		n := 0
		for _, s := range q.spans {
			n += s.end - s.start
		}
		if n > 0 {
			kept = append(kept, q)
		}
	}
	return kept
}

// isApostrophe reports whether the single mark at i is an apostrophe
// rather than a quote mark: between letters or digits (don't, Lavrov’s,
// 90’s), eliding a leading digit (’90s) or in ’n’.
func isApostrophe(r []rune, i int) bool {
	p, n := at(r, i-1), at(r, i+1)
	if (unicode.IsLetter(p) || unicode.IsDigit(p)) && (unicode.IsLetter(n) || unicode.IsDigit(n)) {
		return true
	}
	if unicode.IsDigit(n) {
		return true
	}
	if (n == 'n' || n == 'N') && isSingle(at(r, i+2)) {
		return true
	}
	if (p == 'n' || p == 'N') && isSingle(at(r, i-2)) {
		return true
	}
	return false
}

// scanSingle finds quotations in single marks outside the double-quoted
// ranges (headline style: Caddell says it is ‘in their heads’). A quote
// must open with a left-flanking mark, close with a right-flanking one in
// the same paragraph within maxSingle runes, and not hold a double mark.
func scanSingle(r []rune, inside []bool) []rawQuote {
	var out []rawQuote
	for i := 0; i < len(r); i++ {
		c := r[i]
		if (c != '‘' && c != '\'') || inside[i] || isApostrophe(r, i) || !canOpen(r, i) || !unicode.IsLetter(at(r, i+1)) {
			continue
		}
		limit := min(len(r), i+maxSingle)
		for j := i + 1; j < limit; j++ {
			d := r[j]
			if d == '\n' || isDouble(d) || inside[j] {
				break
			}
			if (d == '’' || d == '\'') && !isApostrophe(r, j) && canClose(r, j) && !unicode.IsLetter(at(r, j+1)) {
				out = append(out, rawQuote{spans: []span{{i + 1, j}}, open: i, close: j, single: true})
				i = j
				break
			}
		}
	}
	return out
}

// scanMarks returns every quotation in body order: double-quoted ones and
// single-quoted ones outside them. Single marks inside a double-quoted
// quotation are nested quotes and stay part of it.
func scanMarks(r []rune) []rawQuote {
	dq := scanDouble(r)
	hasSingle := false
	for _, c := range r {
		if c == '‘' || c == '\'' {
			hasSingle = true
			break
		}
	}
	if !hasSingle {
		return dq
	}
	inside := make([]bool, len(r))
	for _, q := range dq {
		end := q.close
		if end < 0 {
			end = q.spans[len(q.spans)-1].end
		}
		for k := q.open; k <= end && k < len(r); k++ {
			inside[k] = true
		}
	}
	sq := scanSingle(r, inside)
	if len(sq) == 0 {
		return dq
	}
	out := make([]rawQuote, 0, len(dq)+len(sq))
	i, j := 0, 0
	for i < len(dq) || j < len(sq) {
		if j == len(sq) || (i < len(dq) && dq[i].open < sq[j].open) {
			out = append(out, dq[i])
			i++
		} else {
			out = append(out, sq[j])
			j++
		}
	}
	return out
}
