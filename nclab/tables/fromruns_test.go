package tables

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nclab/nclab/nclab/decode"
	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/multilabel"
	"github.com/nclab/nclab/nclab/npyfile"
)

// A run with K = 3 and features at three well-separated points, so ONN is exact on the
// test set (Jaccard 1). Test logits: sample 0 (set {0}) has logits (0,0,0), softmax mass
// 1/3 on {0}; sample 1 ({1}) has (0, ln 2, 0), mass 2/4 = 1/2; sample 2 ({0,1}) has
// (0,0,0), mass 2/3. Mean IoU = (1/3 + 1/2 + 2/3) / 3 = 1/2.
func TestHeadResultFromRun(t *testing.T) {
	dir := t.TempDir()
	features := []float32{1, 0, 0, 1, 1, 1}
	labels := []uint8{1, 0, 0, 0, 1, 0, 1, 1, 0}
	for _, split := range []string{"train", "test"} {
		if err := npyfile.Write(filepath.Join(dir, split+"_features.npy"), []int{3, 2}, features); err != nil {
			t.Fatal(err)
		}
		if err := npyfile.Write(filepath.Join(dir, split+"_labels.npy"), []int{3, 3}, labels); err != nil {
			t.Fatal(err)
		}
	}
	const ln2 = 0.6931471805599453
	if err := npyfile.Write(filepath.Join(dir, "test_logits.npy"), []int{3, 3}, []float64{0, 0, 0, 0, ln2, 0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), []byte(`{"trainable_parameters": 1234}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "log.jsonl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := HeadResultFromRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := got.SoftmaxIoU - 0.5; d > 1e-12 || d < -1e-12 || got.Jaccard != 1 || got.TrainableParams != 1234 {
		t.Errorf("got %+v, want IoU 0.5, Jaccard 1, 1234 parameters", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := HeadResultFromRun(dir); err == nil || !strings.Contains(err.Error(), "trainable_parameters") {
		t.Errorf("summary without parameters: %v", err)
	}
}

// Two test samples, {0} and {0,1}; the prediction {0} for both scores subset accuracy
// 1/2 and sample F1 (1 + 2/3)/2 = 5/6 overall, 1 and 2/3 per multiplicity.
func TestTable1RowsFromComparison(t *testing.T) {
	truth := []labelset.Set{{0}, {0, 1}}
	rep, err := multilabel.Evaluate(truth, []labelset.Set{{0}, {0}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	c := &decode.Comparison{Results: []decode.MethodResult{{Key: "onn", Name: "ONN", Report: rep, FLOPs: decode.FLOPs{Fit: 1e9, Predict: 5e8}}}}
	rows := Table1Rows("toy", c)
	r := rows[0]
	if r.Method != "ONN" || r.GFLOPs != 1.5 || r.Overall.SubsetAccuracy != 0.5 || r.ByMultiplicity[2].F1 < 2.0/3-1e-12 || r.ByMultiplicity[2].F1 > 2.0/3+1e-12 {
		t.Errorf("row %+v", r)
	}
	if f := r.Overall.F1; f < 5.0/6-1e-12 || f > 5.0/6+1e-12 {
		t.Errorf("overall F1 %v, want 5/6", f)
	}
}

// toyRun writes a run directory of K labels (features: one-hot points), with
// the given summary fields.
func toyRun(t *testing.T, k int, head, dataset, arch string, params int) string {
	t.Helper()
	dir := t.TempDir()
	var features []float32
	var labels []uint8
	for i := range k {
		for j := range k {
			features = append(features, float32(b2i(i == j)))
			labels = append(labels, uint8(b2i(i == j)))
		}
	}
	for _, split := range []string{"train", "test"} {
		if err := npyfile.Write(filepath.Join(dir, split+"_features.npy"), []int{k, k}, features); err != nil {
			t.Fatal(err)
		}
		if err := npyfile.Write(filepath.Join(dir, split+"_labels.npy"), []int{k, k}, labels); err != nil {
			t.Fatal(err)
		}
	}
	if err := npyfile.Write(filepath.Join(dir, "test_logits.npy"), []int{k, k}, features); err != nil {
		t.Fatal(err)
	}
	summary := fmt.Sprintf(`{"epochs": 8, "arch": %q, "head": %q, "loss": "pal", "dataset": %q, "trainable_parameters": %d, "history": []}`, arch, head, dataset, params)
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), []byte(summary), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "log.jsonl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestTable2RowFromRunsRefusesBadPairs: a swapped, repeated or mismatched pair
// is an error naming what is wrong; a good pair gives the row.
func TestTable2RowFromRunsRefusesBadPairs(t *testing.T) {
	learned := toyRun(t, 3, "learned", "mnist-mlab/quick/train", "smallcnn", 1000)
	etf := toyRun(t, 3, "etf", "mnist-mlab/quick/train", "smallcnn", 900)
	row, err := Table2RowFromRuns(learned, etf)
	if err != nil {
		t.Fatal(err)
	}
	if row.Dataset != "mnist-mlab/quick" || row.Architecture != "smallcnn" || row.ParametersSaved() != 0.1 {
		t.Errorf("row %+v (parameters saved %v), want mnist-mlab/quick, smallcnn, 0.1", row, row.ParametersSaved())
	}
	for _, tc := range []struct {
		name     string
		pair     [2]string
		contains string
	}{
		{"swapped", [2]string{etf, learned}, "wrong order"},
		{"repeated", [2]string{learned, learned + "/"}, "given as both runs"},
		{"two learned", [2]string{learned, toyRun(t, 3, "learned", "mnist-mlab/quick/train", "smallcnn", 1000)}, "want learned then etf"},
		{"other data", [2]string{learned, toyRun(t, 3, "etf", "fashion-mlab/quick/train", "smallcnn", 900)}, "dataset differs"},
		{"other architecture", [2]string{learned, toyRun(t, 3, "etf", "mnist-mlab/quick/train", "mlp", 900)}, "architecture differs"},
		{"other K", [2]string{learned, toyRun(t, 4, "etf", "mnist-mlab/quick/train", "smallcnn", 900)}, "K = 3 labels"},
		{"missing run", [2]string{learned, filepath.Join(t.TempDir(), "none")}, "summary.json"},
	} {
		_, err := Table2RowFromRuns(tc.pair[0], tc.pair[1])
		if err == nil || !strings.Contains(err.Error(), tc.contains) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.contains)
		}
	}
}
