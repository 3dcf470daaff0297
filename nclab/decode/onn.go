package decode

import (
	"fmt"
	"math"

	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/mat"
)

// Metric is the distance the ONN decoder uses between a feature and a label-set mean.
type Metric int

const (
	// Euclidean is ||h - mu_S||_2, the paper's choice (METHOD.md §8).
	Euclidean Metric = iota
	// Cosine is 1 - cos(h, mu_S); a vector of norm 0 has cosine 0 with everything.
	Cosine
)

// ParseMetric reads "euclidean" or "cosine".
func ParseMetric(name string) (Metric, error) {
	switch name {
	case "euclidean":
		return Euclidean, nil
	case "cosine":
		return Cosine, nil
	}
	return 0, fmt.Errorf("decode: unknown ONN metric %q (want euclidean or cosine)", name)
}

// String returns the name ParseMetric reads.
func (m Metric) String() string {
	if m == Cosine {
		return "cosine"
	}
	return "euclidean"
}

// ONN is the nearest-label-set-mean decoder of METHOD.md §8: it predicts, for a test
// feature h, the label set S whose training mean mu_S is nearest to h, over every label
// set seen in training (all multiplicities). Under multi-label neural collapse
// (Theorem 1) the features of each set collapse to mu_S, so ONN is exact there.
type ONN struct {
	K      int
	Metric Metric
	// Sets are the label sets seen in training, in labelset.Set.Compare order
	// (multiplicity, then lexicographic); row i of Means is the mean of Sets[i].
	Sets   []labelset.Set
	Means  *mat.Dense
	Counts []int
	// meanNorms[i] is ||mu_i||^2 (Euclidean) or ||mu_i|| (Cosine).
	meanNorms []float64
	// fitFLOPs is the cost of computing the means and their norms; see FitFLOPs.
	fitFLOPs float64
}

// FitONN computes the mean training feature of every label set present in sets
// (features row i belongs to sets[i]). It fails on mismatched lengths, an invalid label
// set, or a non-finite feature.
func FitONN(k int, features *mat.Dense, sets []labelset.Set, metric Metric) (*ONN, error) {
	n, d := features.Dims()
	if err := checkLabels(k, n, sets, "training"); err != nil {
		return nil, err
	}
	if err := checkFinite(features, "training features"); err != nil {
		return nil, err
	}
	if metric != Euclidean && metric != Cosine {
		return nil, fmt.Errorf("decode: unknown ONN metric %d", metric)
	}
	stats, err := labelset.Count(k, sets)
	if err != nil {
		return nil, fmt.Errorf("decode: training labels: %w", err)
	}
	onn := &ONN{K: k, Metric: metric, Sets: stats.Sets, Counts: stats.Count}
	index := make(map[string]int, len(onn.Sets))
	for i, s := range onn.Sets {
		index[s.Key()] = i
	}
	onn.Means = mat.NewDense(len(onn.Sets), d, nil)
	for i, s := range sets {
		row := onn.Means.RawRowView(index[s.Key()])
		for j, v := range features.RawRowView(i) {
			row[j] += v
		}
	}
	onn.meanNorms = make([]float64, len(onn.Sets))
	for i, c := range onn.Counts {
		row := onn.Means.RawRowView(i)
		for j := range row {
			row[j] /= float64(c)
		}
		sq := dot(row, row)
		if metric == Cosine {
			sq = math.Sqrt(sq)
		}
		onn.meanNorms[i] = sq
	}
	onn.fitFLOPs = onnFitFLOPs(n, d, len(onn.Sets), metric)
	return onn, nil
}

// ONNPredictions holds, per test feature, the chosen label set, its distance and the
// margin: the distance to the second-nearest mean minus the distance to the nearest
// (+Inf when training saw a single set). A small margin flags an uncertain decision.
type ONNPredictions struct {
	Sets     []labelset.Set
	Distance []float64
	Margin   []float64
}

// Predict decodes every row of features. Ties go to the set listed first in o.Sets.
func (o *ONN) Predict(features *mat.Dense) (*ONNPredictions, error) {
	n, d := features.Dims()
	if _, dm := o.Means.Dims(); d != dm {
		return nil, fmt.Errorf("decode: test features have dimension %d, the ONN means %d", d, dm)
	}
	if err := checkFinite(features, "test features"); err != nil {
		return nil, err
	}
	p := &ONNPredictions{Sets: make([]labelset.Set, n), Distance: make([]float64, n), Margin: make([]float64, n)}
	const chunk = 2048 // rows per matrix product, to bound memory on large test sets
	numSets := len(o.Sets)
	dots := mat.NewDense(min(chunk, max(n, 1)), numSets, nil)
	for start := 0; start < n; start += chunk {
		end := min(start+chunk, n)
		block := features.Slice(start, end, 0, d)
		g := dots.Slice(0, end-start, 0, numSets).(*mat.Dense)
		g.Mul(block, o.Means.T()) // g[i][s] = <h_i, mu_s>
		for i := start; i < end; i++ {
			h := features.RawRowView(i)
			hh := dot(h, h)
			best, second := math.Inf(1), math.Inf(1)
			bestSet := 0
			for s, hm := range g.RawRowView(i - start) {
				dist := o.distance(hh, hm, s)
				switch {
				case dist < best:
					best, second, bestSet = dist, best, s
				case dist < second:
					second = dist
				}
			}
			p.Sets[i] = o.Sets[bestSet]
			p.Distance[i] = best
			p.Margin[i] = second - best
		}
	}
	return p, nil
}

// distance turns <h,h> and <h,mu_s> into the metric's distance.
func (o *ONN) distance(hh, hm float64, s int) float64 {
	if o.Metric == Cosine {
		denom := math.Sqrt(hh) * o.meanNorms[s]
		if denom == 0 {
			return 1
		}
		return 1 - hm/denom
	}
	// ||h - mu||^2 = ||h||^2 - 2<h,mu> + ||mu||^2, clamped against rounding below 0.
	return math.Sqrt(max(hh-2*hm+o.meanNorms[s], 0))
}

// FLOPsPerPrediction is the analytic cost of decoding one feature; see onnPredictFLOPs.
func (o *ONN) FLOPsPerPrediction() float64 {
	_, d := o.Means.Dims()
	return onnPredictFLOPs(d, len(o.Sets), o.Metric)
}

// FitFLOPs is the analytic cost of FitONN on its training set; see onnFitFLOPs.
func (o *ONN) FitFLOPs() float64 { return o.fitFLOPs }

// FLOPs returns the cost of fitting plus decoding nTest features.
func (o *ONN) FLOPs(nTest int) FLOPs {
	return FLOPs{Fit: o.fitFLOPs, Predict: float64(nTest) * o.FLOPsPerPrediction(), PerPrediction: o.FLOPsPerPrediction()}
}

// onnPredictFLOPs counts, for one feature of dimension d against s means, each
// multiplication, addition, division, square root and comparison as one FLOP:
//
//	Euclidean: <h,mu> for every mean 2ds, ||h||^2 2d, ||h||^2-2<h,mu>+||mu||^2 3s,
//	           square root s, nearest and second nearest 2s:  2ds + 2d + 6s.
//	Cosine:    <h,mu> 2ds, ||h|| 2d+1, the division by ||h|| ||mu|| 2s, 1-cos s,
//	           nearest and second nearest 2s:                 2ds + 2d + 5s + 1.
func onnPredictFLOPs(d, s int, metric Metric) float64 {
	df, sf := float64(d), float64(s)
	if metric == Cosine {
		return 2*df*sf + 2*df + 5*sf + 1
	}
	return 2*df*sf + 2*df + 6*sf
}

// onnFitFLOPs counts the sums of n features (nd additions), the division into means
// (sd), and the squared norms of the means (2sd; plus s square roots for Cosine).
func onnFitFLOPs(n, d, s int, metric Metric) float64 {
	f := float64(n)*float64(d) + 3*float64(s)*float64(d)
	if metric == Cosine {
		f += float64(s)
	}
	return f
}

// FLOPs is an analytic operation count: Fit is the one-off cost on the training set
// (ONN: the means; OvA: training the heads), Predict the cost of decoding the test set.
type FLOPs struct {
	Fit           float64 `json:"fit"`
	Predict       float64 `json:"predict"`
	PerPrediction float64 `json:"per_prediction"`
}

// Total is Fit + Predict, the figure Table 1 reports.
func (f FLOPs) Total() float64 { return f.Fit + f.Predict }

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func checkLabels(k, n int, sets []labelset.Set, what string) error {
	if k < 2 {
		return fmt.Errorf("decode: K = %d classes, want K >= 2", k)
	}
	if len(sets) != n {
		return fmt.Errorf("decode: %d %s features but %d label sets", n, what, len(sets))
	}
	if n == 0 {
		return fmt.Errorf("decode: no %s samples", what)
	}
	for i, s := range sets {
		if len(s) == 0 {
			return fmt.Errorf("decode: %s sample %d has an empty label set", what, i)
		}
		if !strictlyIncreasing(s) || s[0] < 0 || s[len(s)-1] >= k {
			return fmt.Errorf("decode: %s sample %d has label set %v, not a sorted subset of [0,%d)", what, i, s, k)
		}
	}
	return nil
}

func strictlyIncreasing(s labelset.Set) bool {
	for i := 1; i < len(s); i++ {
		if s[i] <= s[i-1] {
			return false
		}
	}
	return true
}

func checkFinite(m *mat.Dense, what string) error {
	r, _ := m.Dims()
	for i := range r {
		for j, v := range m.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("decode: %s row %d column %d is %v", what, i, j, v)
			}
		}
	}
	return nil
}
