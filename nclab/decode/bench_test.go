package decode

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/mat"
)

// mlabSizedFeatures mimics the M-lab MNIST sizes of METHOD.md §6 in d = 512: K = 10,
// perSingle samples of each class and perPair of each of the 45 pairs, with features
// h = sum_{k in S} w_k / m + Gaussian noise (w_k a random unit vector per class).
func mlabSizedFeatures(perSingle, perPair int, seed uint64) (*mat.Dense, []labelset.Set) {
	const k, d = 10, 512
	rng := rand.New(rand.NewPCG(seed, 99))
	dirs := rand.New(rand.NewPCG(1, 1)) // the same class directions for train and test
	w := make([][]float64, k)
	for c := range w {
		w[c] = make([]float64, d)
		for j := range w[c] {
			w[c][j] = dirs.NormFloat64() / math.Sqrt(d)
		}
	}
	var sets []labelset.Set
	for c := range k {
		for range perSingle {
			sets = append(sets, labelset.Set{c})
		}
	}
	for _, s := range labelset.All(k, 2) {
		for range perPair {
			sets = append(sets, s)
		}
	}
	x := mat.NewDense(len(sets), d, nil)
	for i, s := range sets {
		row := x.RawRowView(i)
		for _, c := range s {
			for j := range row {
				row[j] += w[c][j] / float64(len(s))
			}
		}
		for j := range row {
			row[j] += 0.5 * rng.NormFloat64() / math.Sqrt(d)
		}
	}
	return x, sets
}

var benchSink []labelset.Set

// BenchmarkONNPredict decodes 10,250 test features (d = 512) against the 55 label-set
// means of a 40,000-sample training set.
func BenchmarkONNPredict(b *testing.B) {
	train, trainSets := mlabSizedFeatures(3100, 200, 1)
	test, _ := mlabSizedFeatures(800, 50, 2)
	onn, err := FitONN(10, train, trainSets, Euclidean)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		p, _ := onn.Predict(test)
		benchSink = p.Sets
	}
	b.ReportMetric(onn.FLOPs(10250).Predict/1e9, "GFLOPs_predict")
}

// BenchmarkONNFit computes the 55 means of 40,000 training features.
func BenchmarkONNFit(b *testing.B) {
	train, trainSets := mlabSizedFeatures(3100, 200, 1)
	for b.Loop() {
		if _, err := FitONN(10, train, trainSets, Euclidean); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOvAPredict applies 10 trained logistic heads to 10,250 test features.
func BenchmarkOvAPredict(b *testing.B) {
	train, trainSets := mlabSizedFeatures(3100, 200, 1)
	test, _ := mlabSizedFeatures(800, 50, 2)
	ova, err := FitOvA(testBackend(b), 10, train, trainSets, DefaultOvAOptions())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		benchSink, _ = ova.Predict(test)
	}
	b.ReportMetric(ova.FLOPs(10250).Predict/1e9, "GFLOPs_predict")
}

// BenchmarkOvAFit trains the 10 heads on 40,000 features (d = 512) to the default
// target loss, full batch.
func BenchmarkOvAFit(b *testing.B) {
	train, trainSets := mlabSizedFeatures(3100, 200, 1)
	backend := testBackend(b)
	for b.Loop() {
		ova, err := FitOvA(backend, 10, train, trainSets, DefaultOvAOptions())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(ova.Evaluations), "evaluations")
		b.ReportMetric(ova.TrainLoss, "train_loss")
		b.ReportMetric(ova.FitFLOPs()/1e9, "GFLOPs_fit")
	}
}
