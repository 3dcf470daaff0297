package ufm

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/nclab/nclab/nclab/labelset"
)

// Hand-built means: mu_0 = e_0, mu_1 = e_1, mu_2 = e_2 (two samples each, spread
// symmetrically around the mean); mu_{01} = 0.3 e_0 + 0.9 e_1 exactly, and
// mu_{12} = e_1 + e_2 + e_3, whose e_3 part is outside the span (residual 1/sqrt 3).
func TestFitTags(t *testing.T) {
	k := 3
	rows := [][]float64{
		{1, 0.5, 0, 0}, {1, -0.5, 0, 0}, // {0}
		{0, 1, 0, 0.2}, {0, 1, 0, -0.2}, // {1}
		{0, 0, 1, 0}, {0, 0, 1, 0}, // {2}
		{0.3, 0.9, 0, 0}, // {0,1}
		{0, 1, 1, 1},     // {1,2}
		{0, 0, 0, 0},     // {0,1,2}: left out
	}
	sets := []labelset.Set{{0}, {0}, {1}, {1}, {2}, {2}, {0, 1}, {1, 2}, {0, 1, 2}}
	h := mat.NewDense(len(rows), 4, nil)
	for i, r := range rows {
		h.SetRow(i, r)
	}
	fits, err := FitTags(h, sets, k)
	if err != nil {
		t.Fatal(err)
	}
	if len(fits) != 2 {
		t.Fatalf("%d fits, want 2 (the all-label set left out)", len(fits))
	}
	want := []TagFit{{labelset.Set{0, 1}, []float64{0.3, 0.9}, 0}, {labelset.Set{1, 2}, []float64{1, 1}, 1 / math.Sqrt(3)}}
	for i, w := range want {
		f := fits[i]
		if !f.Set.Equal(w.Set) || math.Abs(f.Weights[0]-w.Weights[0]) > 1e-12 || math.Abs(f.Weights[1]-w.Weights[1]) > 1e-12 || math.Abs(f.Residual-w.Residual) > 1e-12 {
			t.Errorf("fit %d = %+v, want %+v", i, f, w)
		}
	}
	if _, err := FitTags(h.Slice(2, 9, 0, 4), sets[2:], k); err == nil {
		t.Error("label 0 without single-label samples: no error")
	}
	if _, err := FitTags(h, sets[1:], k); err == nil {
		t.Error("row count mismatch: no error")
	}
}
