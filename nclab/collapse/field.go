package collapse

import (
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// fieldMetrics fills CDNV, NC2Uniformity and NC3UniformityCV (METHOD.md §5, "Field
// metrics") from the class means mu_k, their per-class spreads, the mean muG of the
// multiplicity-1 features and W (or nil). Pairwise terms come from the K x K Gram
// matrix of the centred means (gram, or computed when nil), one row at a time: nothing
// K^2 x d is formed.
func (met *Metrics) fieldMetrics(singles []*setStats, muG []float64, gram, w *mat.Dense) {
	k, _ := met.ClassMeans.Dims()
	centred := centredRows(met.ClassMeans, muG)
	if gram == nil {
		gram = met.opts.outer(centred)
	}

	// sigma_k^2 = mean over class k of ||h - mu_k||^2.
	sigma2 := make([]float64, k)
	for _, s := range singles {
		sigma2[s.set[0]] = s.spread() / float64(s.count)
	}
	var cdnv float64
	var logs []float64
	norm := make([]float64, k)
	for c := range k {
		norm[c] = math.Sqrt(gram.At(c, c))
	}
	for a := range k {
		for b := a + 1; b < k; b++ {
			dist2 := math.Max(0, gram.At(a, a)+gram.At(b, b)-2*gram.At(a, b)) // ||mu_a - mu_b||^2
			cdnv += (sigma2[a] + sigma2[b]) / (2 * dist2)
			// ||u_a - u_b||^2 = 2 - 2 cos(a, b) for the unit vectors u.
			cos := math.Max(-1, math.Min(1, gram.At(a, b)/(norm[a]*norm[b])))
			logs = append(logs, -0.5*math.Log(2-2*cos))
		}
	}
	pairs := float64(k * (k - 1) / 2)
	met.CDNV = cdnv / pairs
	met.NC2Uniformity.Mean, met.NC2Uniformity.Std = meanStd(logs)

	met.NC3UniformityCV = math.NaN()
	if w != nil {
		cosines := make([]float64, k)
		for c := range k {
			wk := w.RawRowView(c)
			cosines[c] = floats.Dot(wk, centred.RawRowView(c)) / (floats.Norm(wk, 2) * norm[c])
		}
		mean, std := meanStd(cosines)
		met.NC3UniformityCV = std / mean
	}
}

// meanStd returns the mean and the population standard deviation (two passes).
func meanStd(x []float64) (mean, std float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)))
}
