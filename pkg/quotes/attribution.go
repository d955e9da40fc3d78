package quotes

import "strings"

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
	for skips := 0; j >= lo && skips < 4 && d.skippable(j); skips++ {
		j--
	}
	for steps := 0; j >= lo && steps < 3; steps++ {
		t := d.toks[j].Text
		switch {
		case t == ")":
			// A parenthesis ("Gov. John Kasich (R-OH), said"): skip it.
			k := j - 1
			for k >= lo && j-k < 10 && d.toks[k].Text != "(" {
				k--
			}
			if k < lo {
				return window{}
			}
			j = k - 1
			continue
		case t == ",":
			// Apposition ("Lavrov, the foreign minister, said"): take the
			// phrase before the comma opening it.
			k := j - 1
			for k >= lo && j-k < 16 && d.toks[k].Text != "," {
				k--
			}
			if k >= lo && k+1 < j && appositionStart(d, k+1) {
				j = k - 1
				continue
			}
			j--
			continue
		}
		break
	}
	if j-1 >= lo && d.low(j) == "and" && isWord(d.toks[j-1].Text) && !isCap(d.toks[j-1].Text) {
		// "I laughed and said": the subject of the first verb.
		j -= 2
		for skips := 0; j >= lo && skips < 3 && skipBeforeCue[d.low(j)]; skips++ {
			j--
		}
	}
	if j >= lo && (d.low(j) == "who" || d.low(j) == "which") && j-1 >= lo && d.toks[j-1].Text == "," {
		// "Lynch, who told Congress …": the antecedent.
		j -= 2
	}
	if j < lo {
		return window{}
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
	// Common-noun phrase ("the spokesman", "the mother of three").
	if stopBack[w] || speechVerbs[w] || determiners[w] && !numberWords[w] {
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

// skippable reports whether token j may stand between a subject and its
// verb: an auxiliary, a listed adverb or any lower-case -ly adverb
// ("initially said").
func (d *doc) skippable(j int) bool {
	w := d.low(j)
	return skipBeforeCue[w] || len(w) > 4 && strings.HasSuffix(w, "ly") && !isCap(d.toks[j].Text)
}

// appositionStart reports whether token i opens an apposition: a
// determiner, a number, a lower-case word or a relative pronoun ("the
// foreign minister", "35", "who served as ...").
func appositionStart(d *doc, i int) bool {
	t := d.toks[i].Text
	if !isWord(t) {
		r := []rune(t)
		return len(r) > 0 && r[0] >= '0' && r[0] <= '9'
	}
	return determiners[d.low(i)] || !isCap(t)
}

// subjectNP returns the first noun phrase of the clause in window w, the
// subject of a participle cue ("Albright urged women to vote, saying, …")
// or of a colon ("Cruz called them on it: …"). A leading adverbial up to
// a comma ("On Monday, …") and leading conjunctions are skipped.
func (d *doc) subjectNP(w window) window {
	a := w.a
	for a < w.b && (leadWords[d.low(a)] || isPunctTok(d.toks[a].Text)) {
		a++
	}
	if a < w.b && (stopBack[d.low(a)] || leadAdverbial[d.low(a)]) {
		for k := a; k < w.b && k-a < 20; k++ {
			if d.toks[k].Text == "," {
				a = k + 1
				break
			}
		}
	}
	for k := a; k < w.b && k-a < 6; k++ {
		lw := d.low(k)
		if _, ok := pronouns[lw]; ok {
			return window{k, k + 1}
		}
		if isCap(d.toks[k].Text) || determiners[lw] {
			if np := d.forwardNP(k, w.b); np.b > np.a {
				return np
			}
		}
		if !isWord(d.toks[k].Text) {
			break
		}
	}
	return window{}
}

// leadWords are conjunctions and adverbs that may open a clause before its
// subject.
var leadWords = map[string]bool{
	"and": true, "but": true, "so": true, "then": true, "yet": true,
	"also": true, "later": true, "still": true, "now": true, "instead": true,
}

// leadAdverbial are words opening an adverbial before the subject.
var leadAdverbial = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"friday": true, "saturday": true, "sunday": true, "yesterday": true,
	"today": true, "earlier": true, "speaking": true, "asked": true,
	"during": true, "under": true, "over": true, "about": true, "last": true,
	"following": true, "despite": true, "although": true, "though": true,
	"meanwhile": true, "however": true, "here": true, "there": true,
	"even": true,
}

// numberWords may end a noun phrase ("the mother of three").
var numberWords = map[string]bool{"one": true, "two": true, "three": true}

// capAhead reports whether a capitalised word comes within n tokens from
// i, before hi and before punctuation.
func (d *doc) capAhead(i, hi, n int) bool {
	for k := i; k < hi && k-i < n && !isPunctTok(d.toks[k].Text); k++ {
		if isCap(d.toks[k].Text) {
			return true
		}
	}
	return false
}

// isDash reports whether a token is a dash.
func isDash(t string) bool {
	return t == "―" || t == "—" || t == "–" || t == "-" || t == "--"
}

// namelike reports whether token i opens a name, a pronoun or a
// determiner phrase.
func (d *doc) namelike(i int) bool {
	w := d.low(i)
	_, pro := pronouns[w]
	return pro || determiners[w] || isCap(d.toks[i].Text)
}

// isParticiple reports whether cue token i is an -ing form ("saying",
// "adding"), whose subject is the clause's subject.
func (d *doc) isParticiple(i int) bool {
	return strings.HasSuffix(d.low(i), "ing")
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
	if stopBack[w] || speechVerbs[w] {
		return window{}
	}
	if t := d.toks[start].Text; !isCap(t) && !determiners[w] {
		// A lower-case word opens the phrase only before a name ("said
		// 9/11 widow Terry Strada", "host Bill Maher") or alone ("said
		// officials.").
		alone := isWord(t) && (start+1 >= hi || isPunctTok(d.toks[start+1].Text))
		named := false
		for k := start + 1; k < hi && k-start <= 3 && !isPunctTok(d.toks[k].Text); k++ {
			if isCap(d.toks[k].Text) {
				named = true
				break
			}
		}
		if !alone && !named {
			return window{}
		}
	}
	named0 := isCap(d.toks[start].Text)
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
		if b > start && named0 && isWord(t) && !isCap(t) && !nameParticles[lw] && lw != "of" && !d.capAhead(b+1, hi, 3) {
			break // "Mills then writes", but "Clinton campaign spokesman Brian Fallon"
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
	if a > w.a && isDash(d.toks[a-1].Text) && a < w.b && isCap(d.toks[a].Text) {
		// "“…” ― Sonya Herridge": a dash signs the quote.
		if sp := d.forwardNP(a, w.b); sp.b > sp.a {
			return attribution{cue: window{a - 1, a}, speaker: sp, found: true}
		}
	}
	for i := a; i < w.b && i-a < maxAfter; i++ {
		if d.endsSentence(i) {
			break
		}
		n := d.isCue(i, a)
		if n == 0 {
			continue
		}
		if i-a >= 8 {
			// Far from the quote only after an apposition:
			// "…," Trump, the party's nominee since July, said.
			k := i - 1
			for k > a && skipBeforeCue[d.low(k)] {
				k--
			}
			if d.toks[k].Text != "," {
				continue
			}
		}
		if n == 2 { // according to X
			return attribution{cue: window{i, i + 2}, speaker: d.forwardNP(i+2, w.b), found: true}
		}
		if i == a {
			return attribution{cue: window{i, i + 1}, speaker: d.forwardNP(i+1, w.b), found: true}
		}
		if weakCues[d.low(i)] && i-a > 3 || d.isParticiple(i) {
			continue // "…," before optimistically predicting
		}
		sp := d.forwardNP(a, i)
		if sp.b == sp.a {
			sp = d.backwardNP(i, a)
		}
		if weakCues[d.low(i)] && sp.b > sp.a && !d.namelike(sp.a) {
			continue // "…," raising fresh questions
		}
		if sp.b == sp.a {
			sp = d.forwardNP(i+1, w.b)
		}
		return attribution{cue: window{i, i + 1}, speaker: sp, found: true}
	}
	return attribution{}
}

// maxAfter bounds how far after a quote its cue may stand, in tokens.
const maxAfter = 30

// attributeBefore looks for X said: / X said that / X added that he would /
// according to X, in the window w before a quote, taking the speech cue
// nearest to the quote.
func (d *doc) attributeBefore(w window) attribution {
	var cueOnly attribution
	for i := w.b - 1; i >= w.a; i-- {
		n := d.isCue(i, w.a)
		if n == 0 {
			continue
		}
		if weakCues[d.low(i)] && w.b-i > 4 {
			continue
		}
		if n == 2 {
			return attribution{cue: window{i, i + 2}, speaker: d.forwardNP(i+2, w.b), found: true}
		}
		var sp window
		if d.isParticiple(i) {
			sp = d.subjectNP(window{d.sentenceStart(i), i})
		}
		if sp.b == sp.a {
			sp = d.backwardNP(i, w.a)
		}
		if sp.b == sp.a {
			sp = d.forwardNP(i+1, w.b)
		}
		if sp.b == sp.a || !d.namelike(sp.a) && sp.b-sp.a == 1 && !strings.HasSuffix(d.low(sp.a), "s") {
			// Nothing, or a stray word ("then leaned in and boomed"): the
			// clause's subject if it is a name or pronoun.
			if sub := d.subjectNP(window{d.sentenceStart(i), i}); sub.b > sub.a && (sp.b == sp.a || d.namelike(sub.a)) {
				sp = sub
			}
		}
		if sp.b > sp.a {
			return attribution{cue: window{i, i + 1}, speaker: sp, found: true}
		}
		if !cueOnly.found {
			cueOnly = attribution{cue: window{i, i + 1}, found: true}
		}
	}
	// "Cruz called them on it: “…”": the subject of the clause before a
	// colon speaks; the word after it stands for the cue.
	if w.b > w.a && d.toks[w.b-1].Text == ":" {
		if w.b-2 >= w.a && isCap(d.toks[w.b-2].Text) {
			// "Clinton: “…”", "– Philip Bump: “…”": the name signs it.
			if sp := d.backwardNP(w.b-1, w.a); sp.b > sp.a {
				return attribution{cue: window{w.b - 1, w.b}, speaker: sp, found: true}
			}
		}
		if sp := d.subjectNP(window{d.sentenceStart(w.b - 1), w.b - 1}); sp.b > sp.a && sp.b < w.b-1 {
			return attribution{cue: window{sp.b, sp.b + 1}, speaker: sp, found: true}
		}
	}
	return cueOnly
}
