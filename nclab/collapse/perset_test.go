package collapse

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/floats"
)

// TestSetAngleRatios: per-set ratios average to the angle ratio; a missing
// pair has no entry; a pair whose every sample is exactly mu_0 + mu_1 has
// ratio 0, and a pair rotated away from its tag sum a positive one.
func TestSetAngleRatios(t *testing.T) {
	const k, d = 4, 6
	rng := rand.New(rand.NewPCG(3, 4))
	centres := make([][]float64, k)
	for c := range centres {
		centres[c] = make([]float64, d)
		for j := range centres[c] {
			centres[c][j] = rng.NormFloat64()
		}
	}
	var rows []float64
	var sets []labelset.Set
	add := func(s labelset.Set, h []float64) {
		rows = append(rows, h...)
		sets = append(sets, s)
	}
	for c := range k {
		for range 3 {
			h := cloneRow(centres[c])
			for j := range h {
				h[j] += 0.1 * rng.NormFloat64()
			}
			add(labelset.MustNew(k, c), h)
		}
	}
	missing := labelset.MustNew(k, 2, 3)
	for _, s := range labelset.All(k, 2) {
		if s.Equal(missing) {
			continue
		}
		for range 2 {
			h := make([]float64, d)
			for j := range h {
				h[j] = 0.3 * rng.NormFloat64()
			}
			add(s, h)
		}
	}
	met := computeRows(t, k, d, rows, sets, nil, nil, nil)
	got, ratios, err := met.SetAngleRatios(2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Fatalf("%d pairs, want the 5 present: %v", len(got), got)
	}
	for _, s := range got {
		if s.Equal(missing) {
			t.Errorf("missing pair %v has a ratio", s)
		}
	}
	if mean := floats.Sum(ratios) / float64(len(ratios)); math.Abs(mean-met.Angle[2]) > 1e-12 {
		t.Errorf("mean per-set ratio %.15g, angle ratio %.15g", mean, met.Angle[2])
	}

	// The pair {0,1} exactly on the sum of the measured class means.
	mu0, mu1 := met.ClassMeans.RawRowView(0), met.ClassMeans.RawRowView(1)
	var kept []float64
	var keptSets []labelset.Set
	pair := labelset.MustNew(k, 0, 1)
	for i, s := range sets {
		if s.Equal(pair) {
			h := cloneRow(mu0)
			floats.Add(h, mu1)
			kept = append(kept, h...)
		} else {
			kept = append(kept, rows[i*d:(i+1)*d]...)
		}
		keptSets = append(keptSets, s)
	}
	met = computeRows(t, k, d, kept, keptSets, nil, nil, nil)
	got, ratios, err = met.SetAngleRatios(2)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range got {
		if s.Equal(pair) && math.Abs(ratios[i]) > 1e-6 {
			t.Errorf("pair on its tag sum: ratio %g, want 0", ratios[i])
		}
		if !s.Equal(pair) && !(ratios[i] > 0.01) {
			t.Errorf("random pair %v: ratio %g, want > 0", s, ratios[i])
		}
	}
	if _, _, err := met.SetAngleRatios(3); err == nil || !strings.Contains(err.Error(), "multiplicity 3") {
		t.Errorf("no triples: error %v", err)
	}
}

func cloneRow(v []float64) []float64 { return append([]float64(nil), v...) }
