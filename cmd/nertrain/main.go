// Command nertrain trains the entity tagger of pkg/ner on CoNLL-2003 style
// data and writes the model file plus a JSON record of how it was trained:
//
//	go run ./cmd/nertrain -train ../shared/data/conll2003/train.txt \
//	    -dev ../shared/data/conll2003/valid.txt -out pkg/ner/model/ner.model
//
// Training is deterministic for a given seed; the epoch that scores best on
// -dev is kept.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/wirestream/wirestream/pkg/ner"
)

// info is the JSON record written beside the model.
type info struct {
	Version     string                `json:"version"`
	Trained     string                `json:"trained_on"`
	Dev         string                `json:"dev"`
	Seed        uint64                `json:"seed"`
	Epochs      int                   `json:"epochs"`
	Stacked     bool                  `json:"stacked"`
	Epochs2     int                   `json:"epochs_second_pass,omitempty"`
	Folds       int                   `json:"jackknife_folds,omitempty"`
	MaxEpochs   int                   `json:"max_epochs"`
	HashBits    uint                  `json:"hash_bits"`
	Clusters    int                   `json:"clusters"`
	Dict        bool                  `json:"train_entity_dictionary"`
	Rows        int                   `json:"nonzero_feature_rows"`
	TrainTokens int                   `json:"train_tokens"`
	Seconds     float64               `json:"training_seconds"`
	ModelBytes  int                   `json:"model_bytes"`
	Features    []string              `json:"features"`
	DevF1       []float64             `json:"dev_f1_by_epoch"`
	DevF1b      []float64             `json:"dev_f1_by_epoch_second_pass,omitempty"`
	DevScores   map[string]typeScores `json:"dev_scores"`
}

// typeScores are entity-level scores in percent.
type typeScores struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Gold      int     `json:"gold"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "nertrain:", err)
		os.Exit(1)
	}
}

func run() error {
	trainPath := flag.String("train", "../shared/data/conll2003/train.txt", "CoNLL training file (IOB2 tag in the last column)")
	devPath := flag.String("dev", "../shared/data/conll2003/valid.txt", "CoNLL development file, used to choose the epoch")
	out := flag.String("out", "pkg/ner/model/ner.model", "model file to write; the JSON record goes beside it with extension .json")
	version := flag.String("version", "conll2003-stacked-2", "model version to record")
	seed := flag.Uint64("seed", 1, "shuffling seed")
	epochs := flag.Int("epochs", 15, "maximum epochs")
	bits := flag.Uint("bits", 20, "log2 of the hashed feature rows")
	clusters := flag.Int("clusters", 0, "word clusters to learn from the training text (0: none; 256 measured neutral on valid)")
	prune := flag.Float64("prune", 0, "drop averaged weights below this magnitude")
	stacked := flag.Bool("stacked", true, "train a second, document-aware pass on jackknifed first-pass tags")
	folds := flag.Int("folds", 5, "jackknife folds for the second pass and the dictionary")
	dict := flag.Bool("dict", false, "match the entity strings of the training data as features (jackknifed; neutral on valid, worse on entities unseen in training, so off)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	tr, err := os.Open(*trainPath)
	if err != nil {
		return fmt.Errorf("opening training data: %w", err)
	}
	defer tr.Close()
	dv, err := os.Open(*devPath)
	if err != nil {
		return fmt.Errorf("opening dev data: %w", err)
	}
	defer dv.Close()
	t, res, err := ner.Train(ctx, tr, dv, ner.TrainConfig{
		Bits: *bits, MaxEpochs: *epochs, Seed: *seed, Version: *version,
		Clusters: *clusters, Prune: float32(*prune), Stacked: *stacked, Folds: *folds, Dict: *dict, Log: os.Stderr,
	})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.Save(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	rec := info{
		Version: *version, Trained: filepath.Base(*trainPath), Dev: filepath.Base(*devPath),
		Seed: *seed, Epochs: res.Epochs, Stacked: *stacked, Epochs2: res.EpochsStacked, MaxEpochs: *epochs, HashBits: *bits, Clusters: *clusters, Dict: *dict,
		Rows: res.Rows, TrainTokens: res.TrainTokens, Seconds: res.Elapsed.Seconds(),
		ModelBytes: buf.Len(), Features: ner.FeatureNames(), DevF1: res.DevF1, DevF1b: res.DevF1Stacked,
		DevScores: map[string]typeScores{},
	}
	if *stacked {
		rec.Folds = *folds
	}
	for name, c := range res.Dev.ByType {
		rec.DevScores[name] = scores(c)
	}
	rec.DevScores["overall"] = scores(res.Dev.Overall)
	js, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding training record: %w", err)
	}
	jsonPath := strings.TrimSuffix(*out, filepath.Ext(*out)) + ".json"
	if err := os.WriteFile(jsonPath, append(js, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing training record: %w", err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s (%d bytes, %d epochs) and %s in %s\n", *out, buf.Len(), res.Epochs, jsonPath, res.Elapsed.Round(time.Second))
	return res.Dev.Write(os.Stderr)
}

// scores converts counts to percentages rounded to two decimals.
func scores(c ner.Counts) typeScores {
	r := func(v float64) float64 { return float64(int(v*10000+0.5)) / 100 }
	return typeScores{Precision: r(c.Precision()), Recall: r(c.Recall()), F1: r(c.F1()), Gold: c.Gold}
}
