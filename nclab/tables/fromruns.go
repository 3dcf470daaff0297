package tables

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/nclab/nclab/nclab/decode"
	"github.com/nclab/nclab/nclab/multilabel"
	"github.com/nclab/nclab/nclab/train"
)

// Table1Rows turns the decoders of a decode.Comparison into Table 1 rows for one
// dataset variant: F1 is the sample-averaged F1 (multilabel.Scores.F1Samples), GFLOPs
// the decoder's fit plus test prediction.
func Table1Rows(dataset string, c *decode.Comparison) []Table1Row {
	rows := make([]Table1Row, 0, len(c.Results))
	for _, r := range c.Results {
		rows = append(rows, Table1RowFromReport(dataset, r.Name, r.Report, r.FLOPs.Total()/1e9))
	}
	return rows
}

// Table1RowFromReport builds one Table 1 row from a multilabel report.
func Table1RowFromReport(dataset, method string, rep *multilabel.Report, gflops float64) Table1Row {
	scores := func(s *multilabel.Scores) Scores {
		return Scores{F1: s.F1Samples, SubsetAccuracy: s.SubsetAccuracy, Samples: s.N}
	}
	row := Table1Row{Dataset: dataset, Method: method, Overall: scores(&rep.Scores), ByMultiplicity: map[int]Scores{}, GFLOPs: gflops}
	for m, s := range rep.ByMultiplicity {
		row.ByMultiplicity[m] = scores(s)
	}
	return row
}

// HeadResultFromRun scores a finished training run directory (train.OpenRun)
// for Table 2: the softmax-mass IoU of its test logits (test_logits.npy) on the
// true test sets, the Jaccard index of the ONN prediction on its test features
// (the paper's decoder for PAL-trained networks; METHOD.md §8), and the
// trainable parameters from summary.json.
func HeadResultFromRun(dir string) (HeadResult, error) {
	r, err := train.OpenRun(dir)
	if err != nil {
		return HeadResult{}, err
	}
	res, _, err := headResult(r)
	return res, err
}

// headResult scores r and returns its arrays too.
func headResult(r *train.RunDir) (HeadResult, *decode.Run, error) {
	run, err := r.Arrays()
	if err != nil {
		return HeadResult{}, nil, err
	}
	logits, err := r.TestLogits()
	if err != nil {
		return HeadResult{}, nil, err
	}
	if r.Summary.TrainableParameters <= 0 {
		return HeadResult{}, nil, fmt.Errorf("tables: run %s: summary.json has no positive trainable_parameters", r.Dir)
	}
	onn, err := decode.FitONN(run.K, run.TrainFeatures, run.TrainSets, decode.Euclidean)
	if err != nil {
		return HeadResult{}, nil, err
	}
	pred, err := onn.Predict(run.TestFeatures)
	if err != nil {
		return HeadResult{}, nil, err
	}
	rep, err := multilabel.Evaluate(run.TestSets, pred.Sets, run.K, logits)
	if err != nil {
		return HeadResult{}, nil, fmt.Errorf("tables: run %s: %w", r.Dir, err)
	}
	return HeadResult{SoftmaxIoU: rep.SoftmaxMassIoU, Jaccard: rep.JaccardSamples, TrainableParams: r.Summary.TrainableParameters}, run, nil
}

// Table2RowFromRuns scores two finished runs of one network, with the learned
// and with the frozen ETF head, as a Table 2 row, after checking that they
// form a pair: two different directories, the learned head first, the same
// data, number of labels K, architecture (widths, input size and pooling),
// loss and epochs. A pair that fails a check is an error naming it.
func Table2RowFromRuns(learnedDir, etfDir string) (Table2Row, error) {
	if same(learnedDir, etfDir) {
		return Table2Row{}, fmt.Errorf("tables: %s is given as both runs of the pair: want a learned-head and an ETF-head run", learnedDir)
	}
	l, err := train.OpenRun(learnedDir)
	if err != nil {
		return Table2Row{}, err
	}
	e, err := train.OpenRun(etfDir)
	if err != nil {
		return Table2Row{}, err
	}
	if err := checkPair(l, e); err != nil {
		return Table2Row{}, err
	}
	learned, lrun, err := headResult(l)
	if err != nil {
		return Table2Row{}, err
	}
	fixed, erun, err := headResult(e)
	if err != nil {
		return Table2Row{}, err
	}
	if lrun.K != erun.K {
		return Table2Row{}, fmt.Errorf("tables: not a pair: %s has K = %d labels, %s K = %d", learnedDir, lrun.K, etfDir, erun.K)
	}
	return Table2Row{Dataset: l.DatasetName(), Architecture: l.Summary.Arch, Learned: learned, ETF: fixed}, nil
}

func same(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// checkPair compares what a Table 2 pair must share, from summary.json and,
// when both runs have one, config.json.
func checkPair(l, e *train.RunDir) error {
	ls, es := l.Summary, e.Summary
	if ls.Head == "etf" && es.Head == "learned" {
		return fmt.Errorf("tables: pair in the wrong order: %s has the etf head and %s the learned one; give LEARNED_DIR,ETF_DIR", l.Dir, e.Dir)
	}
	if ls.Head != "learned" || es.Head != "etf" {
		return fmt.Errorf("tables: not a pair: heads %q (%s) and %q (%s), want learned then etf", ls.Head, l.Dir, es.Head, e.Dir)
	}
	diffs := []struct {
		what string
		a, b any
	}{
		{"dataset", ls.Dataset, es.Dataset},
		{"architecture", ls.Arch, es.Arch},
		{"loss", ls.Loss, es.Loss},
		{"epochs", ls.Epochs, es.Epochs},
	}
	if lc, ec := l.Settings, e.Settings; lc != nil && ec != nil {
		lm, em := lc.Model, ec.Model
		diffs = append(diffs, []struct {
			what string
			a, b any
		}{
			{"training data (SHA-256)", lc.Train.SHA256, ec.Train.SHA256},
			{"test data (SHA-256)", sha(lc.Test), sha(ec.Test)},
			{"K", lm.K, em.K},
			{"input (height, width, channels)", [3]int{lm.Height, lm.Width, lm.Channels}, [3]int{em.Height, em.Width, em.Channels}},
			{"convolution widths", fmt.Sprint(lm.Widths), fmt.Sprint(em.Widths)},
			{"width divisor", lm.WidthDivisor, em.WidthDivisor},
			{"input pooling", lm.InputPool, em.InputPool},
			{"input padding", lm.InputPad, em.InputPad},
			{"hidden width", lm.Hidden, em.Hidden},
			{"depth", lm.Depth, em.Depth},
		}...)
	}
	for _, d := range diffs {
		if d.a != d.b {
			return fmt.Errorf("tables: not a pair: %s differs: %v in %s, %v in %s", d.what, d.a, l.Dir, d.b, e.Dir)
		}
	}
	return nil
}

func sha(d *train.DataID) string {
	if d == nil {
		return ""
	}
	return d.SHA256
}
