package decode

import (
	"fmt"
	"path/filepath"

	"github.com/gomlx/compute"
	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/multilabel"
	"github.com/nclab/nclab/nclab/npyfile"
	"gonum.org/v1/gonum/mat"
)

// Run holds what decoding needs from a training run directory (written by
// `nclab train --out DIR`): train_features.npy and test_features.npy (N x d),
// train_labels.npy and test_labels.npy (N x K multi-hot).
type Run struct {
	K                           int
	TrainFeatures, TestFeatures *mat.Dense
	TrainSets, TestSets         []labelset.Set
}

// ReadRun reads the features and labels of a run directory, checking that the shapes
// agree and that every label row is a valid multi-hot vector.
func ReadRun(dir string) (*Run, error) {
	read := func(name string) (*mat.Dense, error) {
		m, _, err := npyfile.ReadMatrix(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("decode: run %s: %w", dir, err)
		}
		return m, nil
	}
	r := &Run{}
	var err error
	if r.TrainFeatures, err = read("train_features.npy"); err != nil {
		return nil, err
	}
	if r.TestFeatures, err = read("test_features.npy"); err != nil {
		return nil, err
	}
	trainLabels, err := read("train_labels.npy")
	if err != nil {
		return nil, err
	}
	testLabels, err := read("test_labels.npy")
	if err != nil {
		return nil, err
	}
	_, r.K = trainLabels.Dims()
	if _, k := testLabels.Dims(); k != r.K {
		return nil, fmt.Errorf("decode: run %s: train_labels.npy has %d classes, test_labels.npy %d", dir, r.K, k)
	}
	if _, d := r.TrainFeatures.Dims(); d != colsOf(r.TestFeatures) {
		return nil, fmt.Errorf("decode: run %s: train features have dimension %d, test features %d", dir, d, colsOf(r.TestFeatures))
	}
	if r.TrainSets, err = setsOf(trainLabels, rowsOf(r.TrainFeatures), filepath.Join(dir, "train_labels.npy")); err != nil {
		return nil, err
	}
	if r.TestSets, err = setsOf(testLabels, rowsOf(r.TestFeatures), filepath.Join(dir, "test_labels.npy")); err != nil {
		return nil, err
	}
	return r, nil
}

func rowsOf(m *mat.Dense) int { r, _ := m.Dims(); return r }
func colsOf(m *mat.Dense) int { _, c := m.Dims(); return c }

// setsOf converts multi-hot rows to label sets; n is the number of feature rows they
// must match.
func setsOf(y *mat.Dense, n int, path string) ([]labelset.Set, error) {
	rows, _ := y.Dims()
	if rows != n {
		return nil, fmt.Errorf("decode: %s has %d rows, the features %d", path, rows, n)
	}
	sets := make([]labelset.Set, rows)
	for i := range rows {
		s, err := labelset.FromMultiHot(y.RawRowView(i))
		if err != nil {
			return nil, fmt.Errorf("decode: %s row %d: %w", path, i, err)
		}
		sets[i] = s
	}
	return sets, nil
}

// Options configure Compare.
type Options struct {
	Metric Metric     // ONN distance; default Euclidean
	OvA    OvAOptions // one-vs-all training; DefaultOvAOptions if zero
}

// Comparison is the outcome of decoding a run's test features three ways: ONN, OvA
// heads with threshold 0.5, and OvA heads with a threshold tuned on a held-out split.
type Comparison struct {
	ONN                 *ONN
	ONNPredictions      *ONNPredictions
	OvA, OvATuned       *OvA
	OvAPredictions      []labelset.Set
	OvATunedPredictions []labelset.Set
	// Results scores the three decoders on the test set, in the order ONN, OvA,
	// tuned OvA.
	Results []MethodResult
}

// MethodResult is one decoder's test score and cost.
type MethodResult struct {
	Key    string // "onn", "ova", "ova_tuned": the keys of `nclab decode --json`
	Name   string // for tables: "ONN", "OvA (t = 0.5)", "OvA (tuned t = 0.35)"
	Report *multilabel.Report
	FLOPs  FLOPs
}

// Compare fits the three decoders on the run's training features, decodes its test
// features and scores them against the true test sets.
func Compare(backend compute.Backend, run *Run, opts Options) (*Comparison, error) {
	if opts.OvA == (OvAOptions{}) {
		opts.OvA = DefaultOvAOptions()
	}
	c := &Comparison{}
	var err error
	if c.ONN, err = FitONN(run.K, run.TrainFeatures, run.TrainSets, opts.Metric); err != nil {
		return nil, err
	}
	if c.ONNPredictions, err = c.ONN.Predict(run.TestFeatures); err != nil {
		return nil, err
	}
	if c.OvA, err = FitOvA(backend, run.K, run.TrainFeatures, run.TrainSets, opts.OvA); err != nil {
		return nil, err
	}
	if c.OvAPredictions, err = c.OvA.Predict(run.TestFeatures); err != nil {
		return nil, err
	}
	if c.OvATuned, err = FitOvATuned(backend, run.K, run.TrainFeatures, run.TrainSets, opts.OvA); err != nil {
		return nil, err
	}
	if c.OvATunedPredictions, err = c.OvATuned.Predict(run.TestFeatures); err != nil {
		return nil, err
	}
	nTest := len(run.TestSets)
	for _, m := range []struct {
		key, name string
		pred      []labelset.Set
		flops     FLOPs
	}{
		{"onn", "ONN", c.ONNPredictions.Sets, c.ONN.FLOPs(nTest)},
		{"ova", "OvA (t = 0.5)", c.OvAPredictions, c.OvA.FLOPs(nTest)},
		{"ova_tuned", fmt.Sprintf("OvA (tuned t = %.2f)", c.OvATuned.Threshold), c.OvATunedPredictions, c.OvATuned.FLOPs(nTest)},
	} {
		rep, err := multilabel.Evaluate(run.TestSets, m.pred, run.K)
		if err != nil {
			return nil, fmt.Errorf("decode: scoring %s: %w", m.name, err)
		}
		c.Results = append(c.Results, MethodResult{Key: m.key, Name: m.name, Report: rep, FLOPs: m.flops})
	}
	return c, nil
}
