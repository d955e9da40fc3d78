package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence is a run of tokens [From, To) in the token slice plus its rune
// span [Start, End).
type Sentence struct {
	From, To   int
	Start, End int
}

// titles are abbreviations that precede a name and never end a sentence.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "gen": true,
	"sen": true, "rep": true, "gov": true, "lt": true, "col": true, "capt": true,
	"cpt": true, "sgt": true, "maj": true, "adm": true, "cmdr": true, "rev": true,
	"hon": true, "pres": true, "st": true, "mt": true, "ft": true, "messrs": true,
	"mme": true, "mlle": true, "sr": true, "jr": true,
	"vs": true, "v": true, "fr": true, "supt": true, "insp": true, "gen'l": true,
}

// abbreviations are other abbreviations written with a dot; they end a
// sentence only when the next word looks like a sentence start.
var abbreviations = map[string]bool{
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"inc": true, "corp": true, "ltd": true, "co": true, "bros": true, "plc": true,
	"etc": true, "approx": true, "dept": true, "est": true, "fig": true,
	"ave": true, "blvd": true, "rd": true, "univ": true, "assn": true,
	"ala": true, "ariz": true, "calif": true, "colo": true, "conn": true,
	"fla": true, "kan": true, "mich": true, "minn": true, "mont": true,
	"neb": true, "nev": true, "okla": true, "tenn": true, "tex": true,
	"wis": true, "wyo": true,
}

// IsAbbreviation reports whether w (without its trailing dot) is a known
// abbreviation written with a dot, such as "Mr", "Gen" or "Jan".
func IsAbbreviation(w string) bool {
	if len(w) > 6 {
		return false
	}
	return lowerKey(titles, w) || lowerKey(abbreviations, w)
}

// starters are capitalised words that usually begin a sentence rather than
// continue a name after an abbreviation such as "U.S." or "Inc.".
var starters = map[string]bool{
	"the": true, "a": true, "an": true, "he": true, "she": true, "it": true,
	"they": true, "we": true, "i": true, "you": true, "but": true, "and": true,
	"in": true, "on": true, "at": true, "this": true, "that": true, "there": true,
	"these": true, "those": true, "his": true, "her": true, "its": true,
	"their": true, "our": true, "if": true, "when": true, "while": true,
	"after": true, "before": true, "however": true, "meanwhile": true,
	"officials": true, "some": true, "many": true, "for": true, "as": true,
	"also": true, "so": true, "yet": true, "then": true, "what": true, "why": true,
}

// isCloser reports whether tok closes a quotation or bracket.
func isCloser(tok string) bool {
	switch tok {
	case "\"", "'", "”", "’", "»", ")", "]", "}", "''":
		return true
	}
	return false
}

// ambiguousQuote reports whether tok may open as well as close a quote.
func ambiguousQuote(tok string) bool { return tok == "\"" || tok == "'" }

// isTerminal reports whether tok is sentence-final punctuation.
func isTerminal(tok string) bool {
	switch tok {
	case ".", "!", "?", "…", "!!", "?!":
		return true
	}
	return len(tok) > 1 && strings.Trim(tok, ".!?") == ""
}

// startsLower reports whether tok begins with a lowercase letter.
func startsLower(tok string) bool {
	c, _ := utf8.DecodeRuneInString(tok)
	return unicode.IsLower(c)
}

// startsUpper reports whether tok begins with an uppercase letter.
func startsUpper(tok string) bool {
	c, _ := utf8.DecodeRuneInString(tok)
	return unicode.IsUpper(c)
}

// blankLines reports, for each token boundary i (between toks[i-1] and toks[i]),
// whether the body text between them holds a blank line. It walks body once,
// converting rune offsets to byte offsets as it goes; offsets that do not fit
// body are treated as having no blank line.
func blankLines(body string, toks []Token) []bool {
	out := make([]bool, len(toks))
	b, r := 0, 0 // byte and rune cursors into body
	advance := func(target int) bool {
		for r < target && b < len(body) {
			_, w := utf8.DecodeRuneInString(body[b:])
			b += w
			r++
		}
		return r == target
	}
	for i := 1; i < len(toks); i++ {
		from, to := toks[i-1].End, toks[i].Start
		if from < r || to < from {
			continue
		}
		if !advance(from) {
			break
		}
		fb := b
		if !advance(to) {
			break
		}
		gap := body[fb:b]
		if n := strings.IndexByte(gap, '\n'); n >= 0 && strings.IndexByte(gap[n+1:], '\n') >= 0 {
			out[i] = true
		}
	}
	return out
}

// Sentences splits tokens into sentences, handling abbreviations (Mr, Mrs,
// Dr, Gen., U.S., Jan., etc.), initials ("J. Smith"), closing quotes after
// the final punctuation, quotes that continue with a lowercase word
// ("... ," he said.) and paragraph breaks (a blank line always ends a
// sentence). Every token belongs to exactly one sentence.
func Sentences(body string, toks []Token) []Sentence {
	if len(toks) == 0 {
		return nil
	}
	blank := blankLines(body, toks)
	var out []Sentence
	from := 0
	cut := func(to int) {
		if to > from {
			out = append(out, Sentence{From: from, To: to, Start: toks[from].Start, End: toks[to-1].End})
			from = to
		}
	}
	for i := 0; i < len(toks); i++ {
		if blank[i] {
			cut(i)
		}
		t := toks[i].Text
		end := false
		switch {
		case isTerminal(t):
			end = true
		case strings.HasSuffix(t, ".") && len(t) > 1:
			end = abbreviationEnds(t, toks, i)
		}
		if !end {
			continue
		}
		j := i + 1
		for j < len(toks) && !blank[j] && (isTerminal(toks[j].Text) || isCloser(toks[j].Text) &&
			(!ambiguousQuote(toks[j].Text) || toks[j].Start == toks[j-1].End)) {
			// A straight quote closes only when it is attached to the stop.
			j++
		}
		if j < len(toks) && !blank[j] && (startsLower(toks[j].Text) || toks[j].Text == "," || toks[j].Text == ";") {
			// "Go!" he said. / the U.S. economy: the sentence goes on.
			continue
		}
		cut(j)
		i = j - 1
	}
	cut(len(toks))
	return out
}

// abbreviationEnds decides whether the dotted word toks[i] (U.S., Jan.,
// J., Inc.) also ends its sentence.
func abbreviationEnds(t string, toks []Token, i int) bool {
	w := strings.TrimSuffix(t, ".")
	if lowerKey(titles, w) {
		return false
	}
	if i+1 >= len(toks) {
		return true
	}
	next := toks[i+1].Text
	if utf8.RuneCountInString(w) == 1 && startsUpper(next) {
		return false // an initial: J. Smith
	}
	if isCloser(next) {
		return true
	}
	return startsUpper(next) && lowerKey(starters, next)
}
