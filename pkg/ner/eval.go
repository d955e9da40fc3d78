package ner

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Counts holds entity-level counts for one type (or all types).
type Counts struct {
	Gold, Pred, Correct int
}

// Precision returns Correct/Pred (0 when nothing was predicted).
func (c Counts) Precision() float64 { return ratio(c.Correct, c.Pred) }

// Recall returns Correct/Gold (0 when there is no gold entity).
func (c Counts) Recall() float64 { return ratio(c.Correct, c.Gold) }

// F1 returns the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Report is an entity-level evaluation with conlleval semantics: a
// predicted entity counts as correct only when its span and type both
// match a gold entity exactly.
type Report struct {
	Tokens  int
	ByType  map[string]Counts
	Overall Counts
}

// newReport returns an empty report with every type present.
func newReport() Report {
	r := Report{ByType: make(map[string]Counts, numTypes)}
	for _, t := range Types {
		r.ByType[t] = Counts{}
	}
	return r
}

// add scores one sentence of gold and predicted IOB2 tags.
func (r *Report) add(gold, pred []string) {
	r.Tokens += len(gold)
	g, p := spansFromBIO(gold), spansFromBIO(pred)
	seen := make(map[span]bool, len(g))
	for _, s := range g {
		seen[s] = true
		c := r.ByType[Types[s.ty]]
		c.Gold++
		r.ByType[Types[s.ty]] = c
		r.Overall.Gold++
	}
	for _, s := range p {
		c := r.ByType[Types[s.ty]]
		c.Pred++
		r.Overall.Pred++
		if seen[s] {
			c.Correct++
			r.Overall.Correct++
		}
		r.ByType[Types[s.ty]] = c
	}
}

// EvalConll scores a tagged CoNLL file in conlleval layout: the
// second-to-last column of each token line is the gold IOB2 tag and the
// last column the predicted one (the output of ConllTag on a gold file).
func EvalConll(r io.Reader) (Report, error) {
	rep := newReport()
	cr := newConllReader(r)
	for {
		d, err := cr.next()
		if err == io.EOF {
			return rep, nil
		}
		if err != nil {
			return rep, err
		}
		for s := range d.sents {
			rep.add(d.column(s, 2), d.column(s, 1))
		}
	}
}

// Evaluate tags a gold CoNLL file (gold IOB2 tag in the last column) with t,
// document by document, and scores the predictions.
func (t *Tagger) Evaluate(r io.Reader) (Report, error) {
	rep := newReport()
	cr := newConllReader(r)
	for {
		d, err := cr.next()
		if err == io.EOF {
			return rep, nil
		}
		if err != nil {
			return rep, err
		}
		words := make([][]string, len(d.sents))
		for s := range d.sents {
			words[s] = d.words(s)
		}
		pred := t.TagDocumentTokens(words)
		for s := range d.sents {
			rep.add(d.column(s, 1), pred[s])
		}
	}
}

// Write prints precision, recall and F1 per type and overall, in percent.
func (r Report) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "type\tgold\tpred\tcorrect\tprecision\trecall\tF1\t\n")
	row := func(name string, c Counts) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t\n", name, c.Gold, c.Pred, c.Correct,
			100*c.Precision(), 100*c.Recall(), 100*c.F1())
	}
	for _, t := range Types {
		row(t, r.ByType[t])
	}
	row("overall", r.Overall)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("ner: writing report: %w", err)
	}
	return nil
}
