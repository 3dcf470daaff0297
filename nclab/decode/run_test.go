package decode

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/npyfile"
	"gonum.org/v1/gonum/mat"
)

// writeRunDir writes features (float32) and multi-hot labels (uint8) in the layout of
// `nclab train --out DIR`.
func writeRunDir(t *testing.T, dir string, k int, train, test *mat.Dense, trainSets, testSets []labelset.Set) {
	t.Helper()
	write := func(prefix string, x *mat.Dense, sets []labelset.Set) {
		n, d := x.Dims()
		f := make([]float32, 0, n*d)
		for i := range n {
			for _, v := range x.RawRowView(i) {
				f = append(f, float32(v))
			}
		}
		y := make([]uint8, n*k)
		for i, s := range sets {
			for _, c := range s {
				y[i*k+c] = 1
			}
		}
		if err := npyfile.Write(filepath.Join(dir, prefix+"_features.npy"), []int{n, d}, f); err != nil {
			t.Fatal(err)
		}
		if err := npyfile.Write(filepath.Join(dir, prefix+"_labels.npy"), []int{n, k}, y); err != nil {
			t.Fatal(err)
		}
	}
	write("train", train, trainSets)
	write("test", test, testSets)
}

func TestReadRunAndCompareOnCollapsedFeatures(t *testing.T) {
	const k, d = 4, 6
	w := simplexRows(k, d)
	train, trainSets := collapsedSample(w, setsUpTo(k, 2), 8, 0.02, 1)
	test, testSets := collapsedSample(w, setsUpTo(k, 2), 3, 0.02, 2)
	dir := t.TempDir()
	writeRunDir(t, dir, k, train, test, trainSets, testSets)
	run, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.K != k || len(run.TrainSets) != len(trainSets) || !run.TestSets[len(testSets)-1].Equal(testSets[len(testSets)-1]) {
		t.Fatalf("read K=%d, %d train sets, last test set %v", run.K, len(run.TrainSets), run.TestSets[len(run.TestSets)-1])
	}
	if got := run.TrainFeatures.At(5, 2); got != float64(float32(train.At(5, 2))) {
		t.Errorf("feature (5,2) = %v, wrote %v", got, float32(train.At(5, 2)))
	}
	c, err := Compare(testBackend(t), run, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if acc := subsetAccuracy(testSets, c.ONNPredictions.Sets); acc != 1 {
		t.Errorf("ONN subset accuracy %v on collapsed features, want 1", acc)
	}
	if got := c.Results[0]; got.Key != "onn" || got.Report.SubsetAccuracy != 1 || got.Report.ByMultiplicity[2].F1Samples != 1 {
		t.Errorf("ONN result %+v", got)
	}
	if c.OvATuned.FitFLOPs() == 0 || c.OvA.Threshold != 0.5 {
		t.Errorf("OvA threshold %v, tuned fit FLOPs %v", c.OvA.Threshold, c.OvATuned.FitFLOPs())
	}
}

func TestReadRunErrorsNameTheFile(t *testing.T) {
	const k = 3
	x := mat.NewDense(3, 2, []float64{1, 0, 0, 1, 1, 1})
	sets := []labelset.Set{{0}, {1}, {0, 1}}
	dir := t.TempDir()
	writeRunDir(t, dir, k, x, x, sets, sets)
	// A label row with no label.
	if err := npyfile.Write(filepath.Join(dir, "test_labels.npy"), []int{3, k}, []uint8{1, 0, 0, 0, 0, 0, 1, 1, 0}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRun(dir); err == nil || !strings.Contains(err.Error(), "test_labels.npy row 1") {
		t.Errorf("empty label row: %v", err)
	}
	// Fewer label rows than features.
	if err := npyfile.Write(filepath.Join(dir, "test_labels.npy"), []int{2, k}, []uint8{1, 0, 0, 0, 1, 0}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRun(dir); err == nil || !strings.Contains(err.Error(), "has 2 rows, the features 3") {
		t.Errorf("row mismatch: %v", err)
	}
	os.Remove(filepath.Join(dir, "train_features.npy"))
	if _, err := ReadRun(dir); err == nil || !strings.Contains(err.Error(), "train_features.npy") {
		t.Errorf("missing file: %v", err)
	}
}
