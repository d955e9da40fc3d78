package ner

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"
)

// TrainConfig sets up Train.
type TrainConfig struct {
	Bits      uint    // log2 of the weight rows (default 20)
	MaxEpochs int     // passes over the training data (default 15)
	Seed      uint64  // shuffling seed; equal seeds give equal models
	Version   string  // model version recorded in the file
	Clusters  int     // word clusters to learn from the training text (0: none)
	Prune     float32 // drop averaged weights smaller than this (default 0)
	Stacked   bool    // train a second, document-aware pass on first-pass tags
	Folds     int     // jackknife folds for the second pass and the dictionary (default 5)
	Dict      bool    // match the entity strings of the training data as features
	Log       io.Writer
}

// TrainResult records how a model was trained.
type TrainResult struct {
	Epochs        int       // first-pass epochs (best on dev)
	DevF1         []float64 // dev micro F1 after each first-pass epoch, in percent
	EpochsStacked int       // second-pass epochs (0 without a second pass)
	DevF1Stacked  []float64 // dev micro F1 after each second-pass epoch
	Dev           Report    // dev evaluation of the returned model
	TrainTokens   int       // tokens in the training data
	Rows          int       // non-zero weight rows in the returned model
	Elapsed       time.Duration
}

// trainSent is one training sentence with its features and gold tags.
type trainSent struct {
	feats []uint32
	offs  []int32
	gold  []int
}

// goldDoc is a dev document: words and gold IOB2 tags per sentence.
type goldDoc struct {
	words, gold [][]string
}

// readGold reads a gold CoNLL file (gold tag in the last column).
func readGold(r io.Reader) ([]goldDoc, error) {
	docs, err := readConll(r)
	if err != nil {
		return nil, err
	}
	out := make([]goldDoc, len(docs))
	for i, d := range docs {
		for s := range d.sents {
			out[i].words = append(out[i].words, d.words(s))
			out[i].gold = append(out[i].gold, d.column(s, 1))
		}
	}
	return out, nil
}

// evaluate tags gold documents with t and scores them.
func (t *Tagger) evaluate(docs []goldDoc) Report {
	rep := newReport()
	for _, d := range docs {
		pred := t.TagDocumentTokens(d.words)
		for s := range d.words {
			rep.add(d.gold[s], pred[s])
		}
	}
	return rep
}

// Train learns a tagger from a CoNLL training file (IOB2 gold tags in the
// last column) with an averaged perceptron, keeping the epoch that scores
// best on dev. With Stacked set it then trains a second pass that sees the
// first pass's tags of the whole document; the first-pass tags of the
// training documents come from jackknifed models (each fold tagged by a
// model that never saw it), so the second pass learns from realistic
// first-pass errors. Training is deterministic for a given configuration.
func Train(ctx context.Context, train, dev io.Reader, cfg TrainConfig) (*Tagger, TrainResult, error) {
	start := time.Now()
	if cfg.Bits == 0 {
		cfg.Bits = 20
	}
	if cfg.MaxEpochs == 0 {
		cfg.MaxEpochs = 15
	}
	if cfg.Folds == 0 {
		cfg.Folds = 5
	}
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	var res TrainResult
	trainDocs, err := readGold(train)
	if err != nil {
		return nil, res, fmt.Errorf("ner: training data: %w", err)
	}
	devDocs, err := readGold(dev)
	if err != nil {
		return nil, res, fmt.Errorf("ner: dev data: %w", err)
	}
	g, err := sharedGazetteer()
	if err != nil {
		return nil, res, err
	}
	x := &extractor{gaz: g, bits: cfg.Bits}
	if cfg.Clusters > 0 {
		x.clusters = learnClusters(trainDocs, cfg.Clusters, cfg.Seed)
		logf("clusters: %d words in %d clusters", len(x.clusters), cfg.Clusters)
	}
	golds := make([][][]int, len(trainDocs))
	for d, doc := range trainDocs {
		golds[d] = make([][]int, len(doc.words))
		for s := range doc.words {
			golds[d][s] = bilouFromSpans(spansFromBIO(doc.gold[s]), len(doc.words[s]))
			res.TrainTokens += len(doc.words[s])
		}
	}
	// With a dictionary, each training document sees only the entities of
	// the other folds, as unseen text will.
	var foldDicts []*gazetteer
	if cfg.Dict {
		x.dict = buildDict(trainDocs, func(int) bool { return true })
		for f := 0; f < cfg.Folds; f++ {
			foldDicts = append(foldDicts, buildDict(trainDocs, func(d int) bool { return d%cfg.Folds != f }))
		}
		logf("dictionary: %d entity strings", len(x.dict.entries))
	}
	forDoc := func(x *extractor, d int) *extractor {
		if foldDicts == nil {
			return x
		}
		c := *x
		c.dict = foldDicts[d%cfg.Folds]
		return &c
	}
	docSents := func(x *extractor, docs []int, prev [][][]int) []trainSent {
		var out []trainSent
		for _, d := range docs {
			var p [][]int
			if prev != nil {
				p = prev[d]
			}
			df := forDoc(x, d).extract(trainDocs[d].words, p, nil)
			for s := range trainDocs[d].words {
				if len(golds[d][s]) > 0 {
					out = append(out, trainSent{feats: df.feats[s], offs: df.offs[s], gold: golds[d][s]})
				}
			}
		}
		return out
	}
	all := make([]int, len(trainDocs))
	for i := range all {
		all[i] = i
	}
	logf("training: %d documents, %d tokens, %d dev documents", len(trainDocs), res.TrainTokens, len(devDocs))

	// First pass, epochs chosen on dev.
	first := docSents(x, all, nil)
	var best *Tagger
	bestF1 := -1.0
	trainPerceptron(ctx, first, cfg, 1, func(epoch int, m *model) {
		t := &Tagger{stages: []stage{{m: m, x: x}}, version: cfg.Version}
		rep := t.evaluate(devDocs)
		f1 := 100 * rep.Overall.F1()
		res.DevF1 = append(res.DevF1, f1)
		logf("pass 1 epoch %d: dev F1 %.2f (%s)", epoch, f1, time.Since(start).Round(time.Second))
		if f1 > bestF1 {
			bestF1, best, res.Epochs, res.Dev = f1, t, epoch, rep
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, res, fmt.Errorf("ner: training cancelled: %w", err)
	}
	if cfg.Stacked {
		// Jackknife: tag each fold with a first-pass model trained on the
		// other folds, for the epochs chosen above.
		prev := make([][][]int, len(trainDocs))
		for f := 0; f < cfg.Folds; f++ {
			var in, out []int
			for d := range trainDocs {
				if d%cfg.Folds == f {
					out = append(out, d)
				} else {
					in = append(in, d)
				}
			}
			fcfg := cfg
			fcfg.MaxEpochs = res.Epochs
			var fm *model
			trainPerceptron(ctx, docSents(x, in, nil), fcfg, uint64(f+2), func(_ int, m *model) { fm = m })
			if err := ctx.Err(); err != nil {
				return nil, res, fmt.Errorf("ner: training cancelled: %w", err)
			}
			ft := &Tagger{stages: []stage{{m: fm, x: forDoc(x, out[0])}}}
			for _, d := range out {
				prev[d] = ft.decode(trainDocs[d].words)
			}
			logf("jackknife fold %d/%d done (%s)", f+1, cfg.Folds, time.Since(start).Round(time.Second))
		}
		x2 := &extractor{gaz: g, dict: x.dict, clusters: x.clusters, bits: cfg.Bits, stacked: true}
		second := docSents(x2, all, prev)
		firstStage := best.stages[0]
		best2, bestF1b := (*Tagger)(nil), -1.0
		trainPerceptron(ctx, second, cfg, 100, func(epoch int, m *model) {
			t := &Tagger{stages: []stage{firstStage, {m: m, x: x2}}, version: cfg.Version}
			rep := t.evaluate(devDocs)
			f1 := 100 * rep.Overall.F1()
			res.DevF1Stacked = append(res.DevF1Stacked, f1)
			logf("pass 2 epoch %d: dev F1 %.2f (%s)", epoch, f1, time.Since(start).Round(time.Second))
			if f1 > bestF1b {
				bestF1b, best2, res.EpochsStacked, res.Dev = f1, t, epoch, rep
			}
		})
		if err := ctx.Err(); err != nil {
			return nil, res, fmt.Errorf("ner: training cancelled: %w", err)
		}
		best = best2
	}
	for _, st := range best.stages {
		res.Rows += len(st.m.ids)
	}
	res.Elapsed = time.Since(start)
	return best, res, nil
}

// trainPerceptron runs cfg.MaxEpochs averaged-perceptron epochs over sents
// (shuffled with a seed derived from cfg.Seed and salt) and hands the
// quantised averaged model to onEpoch after each epoch. It stops early when
// ctx is cancelled.
func trainPerceptron(ctx context.Context, sents []trainSent, cfg TrainConfig, salt uint64, onEpoch func(epoch int, m *model)) {
	p := newPerceptron(1 << cfg.Bits)
	order := make([]int, len(sents))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, salt))
	pred := make([]int, 0, 128)
	var e, delta []float32
	var back []uint8
	for epoch := 1; epoch <= cfg.MaxEpochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, si := range order {
			if ctx.Err() != nil {
				return
			}
			s := &sents[si]
			n := len(s.gold)
			if cap(e) < n*numTags {
				e = make([]float32, n*numTags)
				delta = make([]float32, n*numTags)
				back = make([]uint8, n*numTags)
			}
			pred = pred[:n]
			p.emissions(s.feats, s.offs, e)
			viterbi(e, n, &p.trans, pred, back, delta)
			if !slices.Equal(pred, s.gold) {
				p.update(s, pred)
			} else {
				p.c++
			}
		}
		onEpoch(epoch, quantise(cfg.Bits, p.averaged(), p.averagedTrans(), cfg.Prune))
	}
}

// perceptron is the training state: current weights w and the running
// sums u needed for averaging (average = w - u/c).
type perceptron struct {
	w, u   []float32
	trans  [(numTags + 1) * numTags]float32
	transU [(numTags + 1) * numTags]float32
	c      float32
}

func newPerceptron(rows int) *perceptron {
	return &perceptron{w: make([]float32, rows*numTags), u: make([]float32, rows*numTags), c: 1}
}

// emissions fills e with the current scores.
func (p *perceptron) emissions(feats []uint32, offs []int32, e []float32) {
	n := len(offs) - 1
	for i := 0; i < n; i++ {
		out := e[i*numTags : (i+1)*numTags]
		clear(out)
		for _, r := range feats[offs[i]:offs[i+1]] {
			row := p.w[int(r)*numTags : int(r)*numTags+numTags]
			for k := range out {
				out[k] += row[k]
			}
		}
	}
}

// update applies the perceptron update for one sentence.
func (p *perceptron) update(s *trainSent, pred []int) {
	c := p.c
	for i, g := range s.gold {
		pr := pred[i]
		if g != pr {
			for _, r := range s.feats[s.offs[i]:s.offs[i+1]] {
				base := int(r) * numTags
				p.w[base+g]++
				p.u[base+g] += c
				p.w[base+pr]--
				p.u[base+pr] -= c
			}
		}
		gp, pp := numTags, numTags
		if i > 0 {
			gp, pp = s.gold[i-1], pred[i-1]
		}
		if gp != pp || g != pr {
			p.trans[gp*numTags+g]++
			p.transU[gp*numTags+g] += c
			p.trans[pp*numTags+pr]--
			p.transU[pp*numTags+pr] -= c
		}
	}
	p.c++
}

// averaged returns the averaged emission weights.
func (p *perceptron) averaged() []float32 {
	out := make([]float32, len(p.w))
	for i, w := range p.w {
		out[i] = w - p.u[i]/p.c
	}
	return out
}

// averagedTrans returns the averaged transition weights.
func (p *perceptron) averagedTrans() []float32 {
	out := make([]float32, len(p.trans))
	for i, w := range p.trans {
		out[i] = w - p.transU[i]/p.c
	}
	return out
}
