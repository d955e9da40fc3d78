package quotes

// attribution is a cue and a speaker phrase found around a quote, as token
// ranges; a zero-width speaker means none was found.
type attribution struct {
	cue     window
	speaker window
	found   bool
}

// hasSpeaker reports whether a speaker phrase was found.
func (a attribution) hasSpeaker() bool { return a.speaker.b > a.speaker.a }

// maxNP bounds a speaker phrase, in tokens.
const maxNP = 7

// backwardNP finds the speaker phrase ending right before token end (the
// cue), not before lo: a pronoun, a run of capitalised words (a name), or a
// short common-noun phrase opened by a determiner ("the spokesman"). It
// steps over auxiliaries and adverbs ("has also said") and over an
// apposition between commas ("Lavrov, the foreign minister, said").
func (d *doc) backwardNP(end, lo int) window {
	j := end - 1
	for skips := 0; j >= lo && skips < 4 && skipBeforeCue[d.low(j)]; skips++ {
		j--
	}
	if j < lo {
		return window{}
	}
	if d.toks[j].Text == "," {
		// Apposition: find the comma opening it.
		k := j - 1
		for k >= lo && j-k < 12 && d.toks[k].Text != "," {
			k--
		}
		if k < lo || d.toks[k].Text != "," {
			return window{}
		}
		j = k - 1
		if j < lo {
			return window{}
		}
	}
	w := d.low(j)
	if _, ok := pronouns[w]; ok {
		return window{j, j + 1}
	}
	t := d.toks[j].Text
	if !isWord(t) {
		return window{}
	}
	if isCap(t) {
		a := j
		for a-1 >= lo && j-a < maxNP {
			p := d.toks[a-1].Text
			if isCap(p) || (nameParticles[d.low(a-1)] && isCap(d.toks[a].Text)) || p == "&" {
				a--
				continue
			}
			break
		}
		// Drop a sentence-initial function word ("The", "But").
		for a < j && (stopBack[d.low(a)] || determiners[d.low(a)]) {
			a++
		}
		return window{a, j + 1}
	}
	// Common-noun phrase.
	if stopBack[w] || speechVerbs[w] || determiners[w] {
		return window{}
	}
	a := j
	for a-1 >= lo && j-a < 4 {
		p := d.low(a - 1)
		if determiners[p] {
			a--
			break
		}
		if stopBack[p] || !isWord(d.toks[a-1].Text) || speechVerbs[p] {
			break
		}
		a--
	}
	return window{a, j + 1}
}

// forwardNP finds the speaker phrase starting at token start, before hi
// ("said the spokesman", "according to Reuters").
func (d *doc) forwardNP(start, hi int) window {
	if start >= hi {
		return window{}
	}
	w := d.low(start)
	if _, ok := pronouns[w]; ok {
		return window{start, start + 1}
	}
	b := start
	for b < hi && b-start < maxNP {
		t := d.toks[b].Text
		lw := d.low(b)
		if isPunctTok(t) && t != "&" && t != "’s" && t != "'s" {
			break
		}
		if b > start && (stopBack[lw] || speechVerbs[lw]) && !nameParticles[lw] {
			break
		}
		if b == start && !isWord(t) {
			break
		}
		b++
	}
	for b > start && determiners[d.low(b-1)] {
		b--
	}
	return window{start, b}
}

// attributeAfter looks for "…," X said / said X / according to X in the
// window w after a quote (or between the parts of an interrupted quote).
// The cue must come within the first few tokens.
func (d *doc) attributeAfter(w window) attribution {
	a := w.a
	for a < w.b && isPunctTok(d.toks[a].Text) && !isDoubleTok(d.toks[a].Text) {
		a++
	}
	for i := a; i < w.b && i-a < 8; i++ {
		t := d.toks[i].Text
		if isTerminalTok(t) {
			break
		}
		n := d.isCue(i, a)
		if n == 0 {
			continue
		}
		if n == 2 { // according to X
			return attribution{cue: window{i, i + 2}, speaker: d.forwardNP(i+2, w.b), found: true}
		}
		if i == a {
			return attribution{cue: window{i, i + 1}, speaker: d.forwardNP(i+1, w.b), found: true}
		}
		if weakCues[d.low(i)] && i-a > 3 {
			continue
		}
		sp := d.backwardNP(i, a)
		if sp.b == sp.a {
			sp = d.forwardNP(i+1, w.b)
		}
		return attribution{cue: window{i, i + 1}, speaker: sp, found: true}
	}
	return attribution{}
}

// attributeBefore looks for X said: / X said that / X added that he would /
// according to X, in the window w before a quote, taking the speech cue
// nearest to the quote.
func (d *doc) attributeBefore(w window) attribution {
	for i := w.b - 1; i >= w.a; i-- {
		n := d.isCue(i, w.a)
		if n == 0 {
			continue
		}
		if weakCues[d.low(i)] && w.b-i > 3 {
			continue
		}
		if n == 2 {
			return attribution{cue: window{i, i + 2}, speaker: d.forwardNP(i+2, w.b), found: true}
		}
		sp := d.backwardNP(i, w.a)
		if sp.b == sp.a {
			sp = d.forwardNP(i+1, w.b)
		}
		return attribution{cue: window{i, i + 1}, speaker: sp, found: true}
	}
	return attribution{}
}
