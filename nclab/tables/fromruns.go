package tables

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nclab/nclab/nclab/decode"
	"github.com/nclab/nclab/nclab/multilabel"
	"github.com/nclab/nclab/nclab/npyfile"
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

// HeadResultFromRun scores a finished training run directory for Table 2: the
// softmax-mass IoU of its test logits (test_logits.npy) on the true test sets, the
// Jaccard index of the ONN prediction on its test features (the paper's decoder for
// PAL-trained networks; METHOD.md §8), and the trainable parameters from
// summary.json.
func HeadResultFromRun(dir string) (HeadResult, error) {
	run, err := decode.ReadRun(dir)
	if err != nil {
		return HeadResult{}, err
	}
	logits, _, err := npyfile.ReadMatrix(filepath.Join(dir, "test_logits.npy"))
	if err != nil {
		return HeadResult{}, fmt.Errorf("tables: run %s: %w", dir, err)
	}
	var summary struct {
		TrainableParameters int `json:"trainable_parameters"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return HeadResult{}, fmt.Errorf("tables: run %s: %w", dir, err)
	}
	if err := json.Unmarshal(raw, &summary); err != nil {
		return HeadResult{}, fmt.Errorf("tables: run %s: summary.json: %w", dir, err)
	}
	if summary.TrainableParameters <= 0 {
		return HeadResult{}, fmt.Errorf("tables: run %s: summary.json has no positive trainable_parameters", dir)
	}
	onn, err := decode.FitONN(run.K, run.TrainFeatures, run.TrainSets, decode.Euclidean)
	if err != nil {
		return HeadResult{}, err
	}
	pred, err := onn.Predict(run.TestFeatures)
	if err != nil {
		return HeadResult{}, err
	}
	rep, err := multilabel.Evaluate(run.TestSets, pred.Sets, run.K, logits)
	if err != nil {
		return HeadResult{}, fmt.Errorf("tables: run %s: %w", dir, err)
	}
	return HeadResult{SoftmaxIoU: rep.SoftmaxMassIoU, Jaccard: rep.JaccardSamples, TrainableParams: summary.TrainableParameters}, nil
}
