package collapse

import (
	"math/rand/v2"
	"testing"

	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/mat"
)

// benchData is the size of M-lab MNIST's training set (METHOD.md §6): K = 10,
// d = 512, 3,100 samples per class and 200 per each of the 45 pairs (N = 40,000);
// features are class-structured Gaussian noise, with a random classifier and bias.
func benchData() (features *mat.Dense, sets []labelset.Set, w *mat.Dense, b []float64) {
	const k, d = 10, 512
	rng := rand.New(rand.NewPCG(2024, 7))
	base := mat.NewDense(k, d, nil)
	for i := range k {
		for j := range d {
			base.Set(i, j, rng.NormFloat64())
		}
	}
	for c := range k {
		for range 3100 {
			sets = append(sets, labelset.Set{c})
		}
	}
	for _, s := range labelset.All(k, 2) {
		for range 200 {
			sets = append(sets, s)
		}
	}
	rng.Shuffle(len(sets), func(i, j int) { sets[i], sets[j] = sets[j], sets[i] })
	features = mat.NewDense(len(sets), d, nil)
	for i, s := range sets {
		row := features.RawRowView(i)
		for j := range row {
			row[j] = 0.5 * rng.NormFloat64()
			for _, c := range s {
				row[j] += base.At(c, j)
			}
		}
	}
	w = mat.NewDense(k, d, nil)
	w.Scale(0.1, base)
	b = make([]float64, k)
	return features, sets, w, b
}

// BenchmarkCollapse is every metric (with W and b, so NCC agreement too) on
// N = 40,000, d = 512, K = 10 plus the 45 pairs, all features in memory (Compute).
// bench/collapse.sh runs it next to bench/collapse_numpy.py.
func BenchmarkCollapse(b *testing.B) {
	features, sets, w, bias := benchData()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Compute(10, features, sets, w, bias, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCollapseAccumulator is the same through the streaming Accumulator, fed in
// batches of 128 (d x d scatter per multiplicity; no NCC agreement pass).
func BenchmarkCollapseAccumulator(b *testing.B) {
	features, sets, w, bias := benchData()
	_, d := features.Dims()
	data := features.RawMatrix().Data
	b.ResetTimer()
	for b.Loop() {
		acc, err := NewAccumulator(10, d, nil)
		if err != nil {
			b.Fatal(err)
		}
		for start := 0; start < len(sets); start += 128 {
			end := min(start+128, len(sets))
			if err := acc.Add(data[start*d:end*d], sets[start:end]); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := acc.Result(w, bias); err != nil {
			b.Fatal(err)
		}
	}
}
