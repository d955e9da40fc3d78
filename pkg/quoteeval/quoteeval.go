// Package quoteeval scores a quote extractor against a PolNeAR-style corpus:
// a folder with text/NAME.txt and attributions/NAME_ANNOTATOR.ann in brat
// standoff (character offsets in code points; attribution events link
// Source, Cue and Content, and a Content may have several spans).
//
// Two slices of the gold contents are scored:
//
//   - pure direct: every span of the content, trimmed of ASCII spaces and
//     punctuation, opens and closes with a double quote mark (“ ” " « » „).
//     Scored against predicted quotes of type direct.
//   - all quoted: the content holds a double quote mark anywhere. Scored
//     against predicted quotes of type direct and partial.
//
// Only contents linked by an attribution event count as gold.
//
// Overlap of a gold and a predicted quote is the number of shared code
// points divided by the size of the larger of the two, after trimming
// spaces, quote marks and punctuation from both ends of every span (a
// multi-span quote is the union of its spans). Gold and predicted quotes are
// paired one to one, greedily, highest overlap first; a pair counts as a hit
// at threshold t when its overlap is at least t.
//
// Ignore rule: a prediction left unpaired that overlaps (shares at least one
// code point with) a gold content outside the slice is ignored, neither hit
// nor false positive: it found a real attribution, just not one the slice
// scores (for example a partial quote when scoring pure direct quotes).
//
// Speaker and cue accuracy are measured on the pairs that are hits at each
// threshold: the speaker is right when the predicted speaker mention shares
// a code point with the gold Source, the cue when the predicted cue shares
// one with the gold Cue. Pairs whose gold has no Source (or no Cue) are left
// out of that accuracy.
package quoteeval

import (
	"fmt"
	"io"
	"sort"
	"unicode"

	"github.com/wirestream/wirestream/pkg/article"
)

// Thresholds are the overlap thresholds reported.
var Thresholds = []float64{0.3, 0.8}

// Score holds the counts of one slice at one overlap threshold.
type Score struct {
	// Threshold is the minimum overlap of a hit.
	Threshold float64
	// Hits are gold/predicted pairs with at least Threshold overlap.
	Hits int
	// Gold and Predicted count the slice's gold contents and the scored
	// predictions (ignored predictions excluded).
	Gold, Predicted int
	// SpeakerRight of SpeakerTotal hits have a right speaker mention.
	SpeakerRight, SpeakerTotal int
	// CueRight of CueTotal hits have a right cue.
	CueRight, CueTotal int
}

// Precision is Hits / Predicted (0 with no predictions).
func (s Score) Precision() float64 { return ratio(s.Hits, s.Predicted) }

// Recall is Hits / Gold (0 with no gold).
func (s Score) Recall() float64 { return ratio(s.Hits, s.Gold) }

// F1 is the harmonic mean of precision and recall.
func (s Score) F1() float64 {
	p, r := s.Precision(), s.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// SpeakerAccuracy is SpeakerRight / SpeakerTotal.
func (s Score) SpeakerAccuracy() float64 { return ratio(s.SpeakerRight, s.SpeakerTotal) }

// CueAccuracy is CueRight / CueTotal.
func (s Score) CueAccuracy() float64 { return ratio(s.CueRight, s.CueTotal) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Slice is the result for one slice: one Score per threshold.
type Slice struct {
	// Name is "pure direct" or "all quoted".
	Name string
	// Scores follow Thresholds.
	Scores []Score
}

// At returns the score at threshold t, or the zero Score.
func (s Slice) At(t float64) Score {
	for _, sc := range s.Scores {
		if sc.Threshold == t {
			return sc
		}
	}
	return Score{}
}

// Report is the outcome of Evaluate.
type Report struct {
	// Documents is the number of documents scored.
	Documents int
	// PureDirect and AllQuoted are the two slices.
	PureDirect, AllQuoted Slice
}

// Write prints the report as a small table.
func (r Report) Write(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "documents: %d\n%-12s %5s %5s %5s %5s %6s %6s %6s %8s %6s\n",
		r.Documents, "slice", "t", "gold", "pred", "hits", "P", "R", "F1", "speaker", "cue"); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	for _, sl := range []Slice{r.PureDirect, r.AllQuoted} {
		for _, s := range sl.Scores {
			if _, err := fmt.Fprintf(w, "%-12s %5.1f %5d %5d %5d %6.1f %6.1f %6.1f %7.1f%% %5.1f%%\n",
				sl.Name, s.Threshold, s.Gold, s.Predicted, s.Hits, 100*s.Precision(), 100*s.Recall(), 100*s.F1(),
				100*s.SpeakerAccuracy(), 100*s.CueAccuracy()); err != nil {
				return fmt.Errorf("write report: %w", err)
			}
		}
	}
	return nil
}

// Evaluate runs extract on every document of the PolNeAR-style folder dir
// and scores the result. extract receives the article text and returns
// quotes with code-point offsets into it.
func Evaluate(dir string, extract func(body string) []article.Quote) (Report, error) {
	docs, err := Load(dir)
	if err != nil {
		return Report{}, fmt.Errorf("evaluate %s: %w", dir, err)
	}
	return EvaluateDocuments(docs, extract), nil
}

// EvaluateDocuments is Evaluate on documents already loaded.
func EvaluateDocuments(docs []Document, extract func(body string) []article.Quote) Report {
	r := Report{Documents: len(docs)}
	r.PureDirect = Slice{Name: "pure direct"}
	r.AllQuoted = Slice{Name: "all quoted"}
	for _, t := range Thresholds {
		r.PureDirect.Scores = append(r.PureDirect.Scores, Score{Threshold: t})
		r.AllQuoted.Scores = append(r.AllQuoted.Scores, Score{Threshold: t})
	}
	for _, d := range docs {
		runes := []rune(d.Text)
		preds := extract(d.Text)
		scoreDoc(runes, d.Attributions, preds, &r.PureDirect, isPure, directOnly)
		scoreDoc(runes, d.Attributions, preds, &r.AllQuoted, hasQuoteMark, directOrPartial)
	}
	return r
}

func directOnly(q article.Quote) bool { return q.Type == article.QuoteDirect }

func directOrPartial(q article.Quote) bool {
	return q.Type == article.QuoteDirect || q.Type == article.QuotePartial
}

// isDoubleMark reports whether r is a double quote mark.
func isDoubleMark(r rune) bool {
	switch r {
	case '"', '“', '”', '«', '»', '„':
		return true
	}
	return false
}

// isQuoteMark reports whether r is any quote mark, single or double.
func isQuoteMark(r rune) bool {
	switch r {
	case '\'', '‘', '’', '‚', '‹', '›':
		return true
	}
	return isDoubleMark(r)
}

// clamp returns sp limited to [0, n].
func clamp(sp article.Span, n int) article.Span {
	sp.Start = min(max(sp.Start, 0), n)
	sp.End = min(max(sp.End, sp.Start), n)
	return sp
}

// asciiSpace reports whether r is an ASCII space, tab or line break. The
// pure-direct test trims only these: a content ending in a no-break space
// after its closing mark is not pure (this reproduces the published slice
// sizes of PolNeAR dev, 355 and 624).
func asciiSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// isPure reports whether every span of a gold content, trimmed of spaces
// and punctuation (quote marks kept), opens and closes with a double mark.
func isPure(runes []rune, a Attribution) bool {
	for _, sp := range a.Content {
		sp = clamp(sp, len(runes))
		s, e := sp.Start, sp.End
		for s < e && !isDoubleMark(runes[s]) && (asciiSpace(runes[s]) || unicode.IsPunct(runes[s])) {
			s++
		}
		for e > s && !isDoubleMark(runes[e-1]) && (asciiSpace(runes[e-1]) || unicode.IsPunct(runes[e-1])) {
			e--
		}
		if e-s < 1 || !isDoubleMark(runes[s]) || !isDoubleMark(runes[e-1]) {
			return false
		}
	}
	return true
}

// hasQuoteMark reports whether a gold content holds a double quote mark.
func hasQuoteMark(runes []rune, a Attribution) bool {
	for _, sp := range a.Content {
		sp = clamp(sp, len(runes))
		for _, r := range runes[sp.Start:sp.End] {
			if isDoubleMark(r) {
				return true
			}
		}
	}
	return false
}

// trimmed returns spans with spaces, quote marks and punctuation cut from
// both ends of each, sorted and merged into disjoint intervals.
func trimmed(runes []rune, spans []article.Span) []article.Span {
	out := make([]article.Span, 0, len(spans))
	junk := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || isQuoteMark(r) }
	for _, sp := range spans {
		sp = clamp(sp, len(runes))
		for sp.Start < sp.End && junk(runes[sp.Start]) {
			sp.Start++
		}
		for sp.End > sp.Start && junk(runes[sp.End-1]) {
			sp.End--
		}
		if sp.End > sp.Start {
			out = append(out, sp)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	merged := out[:0]
	for _, sp := range out {
		if n := len(merged); n > 0 && sp.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, sp.End)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// size is the number of code points covered by disjoint spans.
func size(spans []article.Span) int {
	n := 0
	for _, s := range spans {
		n += s.End - s.Start
	}
	return n
}

// shared counts the code points two sorted disjoint span lists share.
func shared(a, b []article.Span) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i].Start, b[j].Start), min(a[i].End, b[j].End)
		if hi > lo {
			n += hi - lo
		}
		if a[i].End < b[j].End {
			i++
		} else {
			j++
		}
	}
	return n
}

// touches reports whether a mention shares a code point with any span.
func touches(m *article.Mention, spans []article.Span) bool {
	if m == nil {
		return false
	}
	for _, s := range spans {
		if min(m.End, s.End) > max(m.Start, s.Start) {
			return true
		}
	}
	return false
}

// scoreDoc adds one document's counts to sl.
func scoreDoc(runes []rune, gold []Attribution, preds []article.Quote, sl *Slice,
	inSlice func([]rune, Attribution) bool, scored func(article.Quote) bool) {
	type item struct {
		spans []article.Span
		idx   int
	}
	var gs, outside []item
	for i, a := range gold {
		it := item{trimmed(runes, a.Content), i}
		if inSlice(runes, a) {
			gs = append(gs, it)
		} else {
			outside = append(outside, it)
		}
	}
	var ps []item
	for i, q := range preds {
		if scored(q) {
			ps = append(ps, item{trimmed(runes, q.Spans), i})
		}
	}
	type pair struct {
		g, p int
		ov   float64
	}
	var pairs []pair
	for gi, g := range gs {
		for pi, p := range ps {
			sh := shared(g.spans, p.spans)
			if sh == 0 {
				continue
			}
			pairs = append(pairs, pair{gi, pi, float64(sh) / float64(max(size(g.spans), size(p.spans)))})
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].ov > pairs[j].ov })
	gUsed := make([]bool, len(gs))
	pUsed := make([]bool, len(ps))
	var matched []pair
	for _, pr := range pairs {
		if gUsed[pr.g] || pUsed[pr.p] {
			continue
		}
		gUsed[pr.g], pUsed[pr.p] = true, true
		matched = append(matched, pr)
	}
	predicted := 0
	for pi, p := range ps {
		if !pUsed[pi] {
			ignored := false
			for _, o := range outside {
				if shared(o.spans, p.spans) > 0 {
					ignored = true
					break
				}
			}
			if ignored {
				continue
			}
		}
		predicted++
	}
	for k := range sl.Scores {
		s := &sl.Scores[k]
		s.Gold += len(gs)
		s.Predicted += predicted
		for _, m := range matched {
			if m.ov < s.Threshold {
				continue
			}
			s.Hits++
			g := gold[gs[m.g].idx]
			q := preds[ps[m.p].idx]
			if len(g.Source) > 0 {
				s.SpeakerTotal++
				if touches(q.SpeakerMention, g.Source) {
					s.SpeakerRight++
				}
			}
			if len(g.Cue) > 0 {
				s.CueTotal++
				if touches(q.Cue, g.Cue) {
					s.CueRight++
				}
			}
		}
	}
}

// SliceSizes counts the gold contents of docs in the pure direct and the
// all quoted slices.
func SliceSizes(docs []Document) (pure, quoted int) {
	for _, d := range docs {
		runes := []rune(d.Text)
		for _, a := range d.Attributions {
			if isPure(runes, a) {
				pure++
			}
			if hasQuoteMark(runes, a) {
				quoted++
			}
		}
	}
	return pure, quoted
}
