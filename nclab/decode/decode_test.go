package decode

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/etf"
	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/mat"
)

func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := nclab.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// simplexRows returns the K x d simplex ETF sqrt(K/(K-1)) (I - 11^T/K) zero-padded to
// d >= K columns (etf.Embedded with the identity embedding).
func simplexRows(k, d int) *mat.Dense {
	w, err := etf.Embedded(k, d, 0, true)
	if err != nil {
		panic(err)
	}
	return w
}

// collapsedSample draws, for each set, count features c_m sum_{k in S} w_k + noise
// (Theorem 1's collapsed geometry with c_m = 1/m, plus isotropic Gaussian noise).
func collapsedSample(w *mat.Dense, sets []labelset.Set, count int, noise float64, seed uint64) (*mat.Dense, []labelset.Set) {
	_, d := w.Dims()
	rng := rand.New(rand.NewPCG(seed, 7))
	x := mat.NewDense(len(sets)*count, d, nil)
	var labels []labelset.Set
	for si, s := range sets {
		for c := range count {
			row := x.RawRowView(si*count + c)
			for _, k := range s {
				for j := range d {
					row[j] += w.At(k, j) / float64(len(s))
				}
			}
			for j := range d {
				row[j] += noise * rng.NormFloat64()
			}
			labels = append(labels, s)
		}
	}
	return x, labels
}

func setsUpTo(k, maxM int) []labelset.Set {
	var out []labelset.Set
	for m := 1; m <= maxM; m++ {
		out = append(out, labelset.All(k, m)...)
	}
	return out
}

func subsetAccuracy(truth, pred []labelset.Set) float64 {
	hit := 0
	for i := range truth {
		if truth[i].Equal(pred[i]) {
			hit++
		}
	}
	return float64(hit) / float64(len(truth))
}

// Under collapse the feature of S is c_m sum w_k; for K = 5, c_m = 1/m, the closest two
// distinct set means are 0.5 apart (computed below), so Gaussian noise of 0.02 per
// coordinate in d = 8 (norm ~0.06, far below 0.25) can never move a test feature to
// another set's mean: ONN must be exact, with either metric.
func TestONNExactOnCollapsedFeatures(t *testing.T) {
	const k, d = 5, 8
	w := simplexRows(k, d)
	sets := setsUpTo(k, 2)
	train, trainSets := collapsedSample(w, sets, 20, 0.02, 1)
	test, testSets := collapsedSample(w, sets, 10, 0.02, 2)
	for _, metric := range []Metric{Euclidean, Cosine} {
		onn, err := FitONN(k, train, trainSets, metric)
		if err != nil {
			t.Fatal(err)
		}
		if len(onn.Sets) != len(sets) {
			t.Fatalf("%v: %d sets seen, want %d", metric, len(onn.Sets), len(sets))
		}
		minSep := math.Inf(1)
		for i := range onn.Sets {
			for j := range i {
				diff := mat.NewVecDense(d, nil)
				diff.SubVec(onn.Means.RowView(i), onn.Means.RowView(j))
				minSep = min(minSep, mat.Norm(diff, 2))
			}
		}
		if minSep < 0.45 {
			t.Fatalf("closest set means %.3f apart; the test's noise argument needs ~0.5", minSep)
		}
		p, err := onn.Predict(test)
		if err != nil {
			t.Fatal(err)
		}
		if acc := subsetAccuracy(testSets, p.Sets); acc != 1 {
			t.Errorf("%v: subset accuracy %v on collapsed features, want exactly 1", metric, acc)
		}
		for i := range p.Margin {
			if p.Margin[i] <= 0 {
				t.Fatalf("%v: sample %d margin %v, want > 0", metric, i, p.Margin[i])
			}
		}
	}
}

// A hand-computed case in 2-D: training means mu_{0} = (1,0) (from (0,0) and (2,0)),
// mu_{1} = (0,3), mu_{0,1} = (4,4). The point (1,1) is 1 from mu_{0}, sqrt(5) from
// mu_{1} and sqrt(18) from mu_{0,1}: predict {0}, distance 1, margin sqrt(5) - 1.
func TestONNHandComputed(t *testing.T) {
	train := mat.NewDense(4, 2, []float64{0, 0, 2, 0, 0, 3, 4, 4})
	sets := []labelset.Set{{0}, {0}, {1}, {0, 1}}
	onn, err := FitONN(3, train, sets, Euclidean)
	if err != nil {
		t.Fatal(err)
	}
	if got := onn.Means.RawRowView(0); got[0] != 1 || got[1] != 0 {
		t.Fatalf("mean of {0} = %v, want (1,0)", got)
	}
	p, err := onn.Predict(mat.NewDense(1, 2, []float64{1, 1}))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Sets[0].Equal(labelset.Set{0}) || math.Abs(p.Distance[0]-1) > 1e-12 || math.Abs(p.Margin[0]-(math.Sqrt(5)-1)) > 1e-12 {
		t.Errorf("got %v distance %v margin %v, want {0}, 1, %v", p.Sets[0], p.Distance[0], p.Margin[0], math.Sqrt(5)-1)
	}
	// Cosine: (1,1) has cosine 1/sqrt(2) with (1,0), 1/sqrt(2) with (0,3) and 1 with
	// (4,4): predict {0,1} at distance 0, margin 1 - 1/sqrt(2).
	onn, _ = FitONN(3, train, sets, Cosine)
	p, _ = onn.Predict(mat.NewDense(1, 2, []float64{1, 1}))
	if !p.Sets[0].Equal(labelset.Set{0, 1}) || math.Abs(p.Distance[0]) > 1e-12 || math.Abs(p.Margin[0]-(1-1/math.Sqrt2)) > 1e-12 {
		t.Errorf("cosine: got %v distance %v margin %v", p.Sets[0], p.Distance[0], p.Margin[0])
	}
}

// Features that add up label-wise (h_S = sum_{k in S} w_k) but a training set that never
// shows the pair {0,1}: ONN can only output sets it has seen, so it misses every {0,1}
// test sample, while the OvA heads, each a linear separator of "k in S" (w_0·h is
// >= 0.75 when 0 in S and <= -0.25 otherwise), get them right.
func TestOvAWinsOnLabelSetsUnseenInTraining(t *testing.T) {
	const k, d = 5, 6
	w := simplexRows(k, d)
	var trainSets []labelset.Set
	for _, s := range setsUpTo(k, 2) {
		if !s.Equal(labelset.Set{0, 1}) {
			trainSets = append(trainSets, s)
		}
	}
	// c_m = 1 (not 1/m): the additive case.
	additive := func(sets []labelset.Set, count int, seed uint64) (*mat.Dense, []labelset.Set) {
		x, labels := collapsedSample(w, sets, count, 0.02, seed)
		for i, s := range labels {
			row := x.RawRowView(i)
			for _, c := range s {
				for j := range d {
					row[j] += w.At(c, j) * (1 - 1/float64(len(s)))
				}
			}
		}
		return x, labels
	}
	train, trainLabels := additive(trainSets, 10, 3)
	test, testLabels := additive([]labelset.Set{{0, 1}}, 20, 4)
	onn, err := FitONN(k, train, trainLabels, Euclidean)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := onn.Predict(test)
	if acc := subsetAccuracy(testLabels, p.Sets); acc != 0 {
		t.Errorf("ONN subset accuracy %v on a set never seen in training, want 0", acc)
	}
	ova, err := FitOvA(testBackend(t), k, train, trainLabels, DefaultOvAOptions())
	if err != nil {
		t.Fatal(err)
	}
	if ova.TrainLoss > DefaultOvAOptions().TargetLoss {
		t.Errorf("OvA stopped at loss %v (%s), above the target", ova.TrainLoss, ova.Status)
	}
	pred, _ := ova.Predict(test)
	if acc := subsetAccuracy(testLabels, pred); acc != 1 {
		t.Errorf("OvA subset accuracy %v on the unseen pair, want 1", acc)
	}
}

// XOR geometry: the four sets sit at the corners (±1,±1) with {0} and {0,1} on one
// diagonal, {1} and {2} on the other. "0 in S" is XOR of the coordinates' signs, which no
// line separates, so any OvA head for class 0 misclassifies at least one corner cluster
// (subset accuracy <= 3/4), while the set means are 2 apart and ONN is exact.
func TestONNWinsWhenLabelsAreNotLinearlySeparable(t *testing.T) {
	corners := map[string][2]float64{"0": {1, 1}, "0+1": {-1, -1}, "1": {1, -1}, "2": {-1, 1}}
	rng := rand.New(rand.NewPCG(5, 5))
	build := func(count int) (*mat.Dense, []labelset.Set) {
		x := mat.NewDense(4*count, 2, nil)
		var labels []labelset.Set
		i := 0
		for _, key := range []string{"0", "0+1", "1", "2"} {
			s, _ := labelset.ParseKey(3, key)
			for range count {
				x.Set(i, 0, corners[key][0]+0.05*rng.NormFloat64())
				x.Set(i, 1, corners[key][1]+0.05*rng.NormFloat64())
				labels = append(labels, s)
				i++
			}
		}
		return x, labels
	}
	train, trainLabels := build(25)
	test, testLabels := build(25)
	onn, _ := FitONN(3, train, trainLabels, Euclidean)
	p, _ := onn.Predict(test)
	if acc := subsetAccuracy(testLabels, p.Sets); acc != 1 {
		t.Errorf("ONN subset accuracy %v, want 1", acc)
	}
	ova, err := FitOvA(testBackend(t), 3, train, trainLabels, DefaultOvAOptions())
	if err != nil {
		t.Fatal(err)
	}
	pred, _ := ova.Predict(test)
	if acc := subsetAccuracy(testLabels, pred); acc > 0.75 {
		t.Errorf("OvA subset accuracy %v on XOR-placed sets, want <= 0.75", acc)
	}
}

// At W = 0, b = 0 every logit is 0 and each of the K binary cross-entropies is log 2,
// so the objective is K log 2 whatever the features; its gradient w.r.t. b_k is
// mean_i (1/2 - y_ik) and w.r.t. W is mean_i (1/2 - y_ik) h_i. A second point is checked
// against a float64 evaluation and central finite differences.
func TestOvAObjectiveAndGradient(t *testing.T) {
	backend := testBackend(t)
	const k, d = 3, 4
	x, sets := collapsedSample(simplexRows(k, d), setsUpTo(k, 2), 2, 0.3, 9)
	n, _ := x.Dims()
	lossAt := func(w, b []float64) float64 { // float64 reference
		var total float64
		for i := range n {
			for c := range k {
				z := b[c]
				for j := range d {
					z += w[c*d+j] * x.At(i, j)
				}
				y := 0.0
				if sets[i].Contains(c) {
					y = 1
				}
				total += math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - y*z
			}
		}
		return total / float64(n)
	}
	ev, err := newOvAEvaluator(backend, k, x, sets, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.close()
	params := make([]float64, k*(d+1))
	f, g, err := ev.lossAndGradient(params)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f-k*math.Ln2) > 1e-12 {
		t.Errorf("loss at zero = %v, want K log 2 = %v", f, k*math.Ln2)
	}
	for c := range k {
		want := 0.0
		for i := range n {
			if !sets[i].Contains(c) {
				want += 0.5
			} else {
				want -= 0.5
			}
		}
		want /= float64(n)
		if math.Abs(g[k*d+c]-want) > 1e-12 {
			t.Errorf("dL/db_%d = %v, want %v", c, g[k*d+c], want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range params {
		params[i] = rng.NormFloat64()
	}
	f, g, _ = ev.lossAndGradient(params)
	if ref := lossAt(params[:k*d], params[k*d:]); math.Abs(f-ref) > 1e-12*math.Max(1, ref) {
		t.Errorf("loss %v, float64 reference %v", f, ref)
	}
	const h = 1e-5
	for i := range params {
		up := append([]float64(nil), params...)
		down := append([]float64(nil), params...)
		up[i] += h
		down[i] -= h
		fd := (lossAt(up[:k*d], up[k*d:]) - lossAt(down[:k*d], down[k*d:])) / (2 * h)
		if math.Abs(g[i]-fd) > 1e-8 {
			t.Errorf("gradient[%d] = %v, finite difference %v", i, g[i], fd)
		}
	}
}

func TestOvATunedIsDeterministicAndCountsItsTuning(t *testing.T) {
	backend := testBackend(t)
	const k, d = 4, 5
	x, sets := collapsedSample(simplexRows(k, d), setsUpTo(k, 2), 10, 0.4, 11)
	opts := DefaultOvAOptions()
	a, err := FitOvATuned(backend, k, x, sets, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := FitOvATuned(backend, k, x, sets, opts)
	if a.Threshold != b.Threshold || !mat.Equal(a.W, b.W) {
		t.Errorf("same seed, different result: thresholds %v %v", a.Threshold, b.Threshold)
	}
	if a.Threshold < 0.05 || a.Threshold > 0.95 {
		t.Errorf("threshold %v outside the grid", a.Threshold)
	}
	// Training on 80 % of the data with the same number of evaluations would cost 80 %
	// of the full fit; the tuned fit must add the held-out scoring on top of its own training.
	n, _ := x.Dims()
	train := float64(a.Evaluations)*ovaEvaluationFLOPs(n-int(math.Round(0.2*float64(n))), d, k) + float64(a.Iterations)*ovaIterationFLOPs(d, k)
	if a.FitFLOPs() <= train {
		t.Errorf("tuned fit FLOPs %v do not exceed its training FLOPs %v", a.FitFLOPs(), train)
	}
}

// Hand counts: d = 3, 4 sets: Euclidean 2·3·4 + 2·3 + 6·4 = 54, cosine 2·3·4 + 2·3 +
// 5·4 + 1 = 51; OvA with K = 2 heads: 2·3·2 + 2·2 = 16.
func TestFLOPsHandCounts(t *testing.T) {
	if got := onnPredictFLOPs(3, 4, Euclidean); got != 54 {
		t.Errorf("euclidean %v, want 54", got)
	}
	if got := onnPredictFLOPs(3, 4, Cosine); got != 51 {
		t.Errorf("cosine %v, want 51", got)
	}
	if got := ovaPredictFLOPs(3, 2); got != 16 {
		t.Errorf("ova %v, want 16", got)
	}
	// Fit of the hand-computed ONN: 4 features of d = 2 summed (8), 3 means divided (6)
	// and their squared norms (12): 26.
	onn, _ := FitONN(3, mat.NewDense(4, 2, []float64{0, 0, 2, 0, 0, 3, 4, 4}), []labelset.Set{{0}, {0}, {1}, {0, 1}}, Euclidean)
	if f := onn.FLOPs(10); f.Fit != 26 || f.Predict != 10*onnPredictFLOPs(2, 3, Euclidean) {
		t.Errorf("FLOPs %+v", f)
	}
}

func TestBadInputIsAnError(t *testing.T) {
	backend := testBackend(t)
	x := mat.NewDense(2, 2, []float64{1, 0, 0, 1})
	good := []labelset.Set{{0}, {1}}
	nan := mat.NewDense(2, 2, []float64{1, math.NaN(), 0, 1})
	cases := []struct {
		name, want string
		err        func() error
	}{
		{"length", "2 training features but 1 label sets", func() error { _, err := FitONN(2, x, good[:1], Euclidean); return err }},
		{"nan", "row 0 column 1 is NaN", func() error { _, err := FitONN(2, nan, good, Euclidean); return err }},
		{"class", "not a sorted subset of [0,2)", func() error { _, err := FitONN(2, x, []labelset.Set{{0}, {2}}, Euclidean); return err }},
		{"repeat", "not a sorted subset", func() error { _, err := FitONN(2, x, []labelset.Set{{0}, {1, 1}}, Euclidean); return err }},
		{"empty", "empty label set", func() error {
			_, err := FitOvA(backend, 2, x, []labelset.Set{{0}, {}}, DefaultOvAOptions())
			return err
		}},
		{"dim", "dimension 3", func() error {
			onn, _ := FitONN(2, x, good, Euclidean)
			_, err := onn.Predict(mat.NewDense(1, 3, nil))
			return err
		}},
		{"opts", "holdout fraction", func() error {
			o := DefaultOvAOptions()
			o.HoldoutFraction = 1
			_, err := FitOvATuned(backend, 2, x, good, o)
			return err
		}},
		{"metric", "unknown ONN metric", func() error { _, err := ParseMetric("manhattan"); return err }},
	}
	for _, c := range cases {
		err := c.err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
