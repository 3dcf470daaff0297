package collapse

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// spectrumCases are symmetric positive semi-definite matrices with known spectra: Q
// diag(values) Q^T for a random orthogonal Q.
func spectrumCases(t *testing.T) map[string]*mat.SymDense {
	rng := rand.New(rand.NewPCG(31, 32))
	withValues := func(values []float64) *mat.SymDense {
		n := len(values)
		a := mat.NewDense(n, n, nil)
		for i := range n {
			for j := range n {
				a.Set(i, j, rng.NormFloat64())
			}
		}
		var qr mat.QR
		qr.Factorize(a)
		var q mat.Dense
		qr.QTo(&q)
		var qd, g mat.Dense
		qd.Mul(&q, mat.NewDiagDense(n, values))
		g.Mul(&qd, q.T())
		return symmetrised(&g)
	}
	gaussianGram := func(k, d int) *mat.SymDense {
		m := mat.NewDense(k, d, nil)
		for i := range k {
			for j := range d {
				m.Set(i, j, rng.NormFloat64())
			}
		}
		return symmetrised(outerOf(m))
	}
	ramp := func(n int, lo, hi float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = lo + (hi-lo)*float64(i)/float64(n-1)
		}
		return v
	}
	etfGram := symmetrised(outerOf(etfRows(t, 120, 150))) // K - 1 equal eigenvalues and a zero
	cluster := ramp(300, 1, 2)
	cluster[299] = 2 + 1e-6 // the top eigenvalue 5e-7 relative above the next
	return map[string]*mat.SymDense{
		"3 x 3":                              withValues([]float64{1, 4, 9}),
		"Gaussian Gram 40 x 80":              gaussianGram(40, 80),
		"Gaussian Gram 400 x 800":            gaussianGram(400, 800),
		"simplex ETF, K = 120":               etfGram,
		"rank 5 of 200":                      withValues(append(make([]float64, 195), 1, 2, 3, 4, 5)),
		"even ramp of 300, top 5e-7 clear":   withValues(cluster),
		"one large, the rest tiny (n = 150)": withValues(append(ramp(149, 1e-12, 1e-10), 1)),
	}
}

// TestLargestEigenvalue checks the Lanczos value against gonum's full eigenvalue
// decomposition.
func TestLargestEigenvalue(t *testing.T) {
	for name, g := range spectrumCases(t) {
		var eig mat.EigenSym
		if !eig.Factorize(g, false) {
			t.Fatal(name, ": EigenSym failed")
		}
		values := eig.Values(nil)
		want := values[len(values)-1]
		got, ok := largestEigenvalue(g)
		if !ok || math.Abs(got-want) > 1e-12*want {
			t.Errorf("%s: largestEigenvalue %.17g (ok %v), EigenSym %.17g", name, got, ok, want)
		}
	}
}

// TestEigenvaluesAbove checks the Cholesky test of the smallest eigenvalue just below
// and just above it.
func TestEigenvaluesAbove(t *testing.T) {
	for name, g := range spectrumCases(t) {
		var eig mat.EigenSym
		eig.Factorize(g, false)
		values := eig.Values(nil)
		low, top := values[0], values[len(values)-1]
		margin := 1e-9 * top
		if low > margin && !eigenvaluesAbove(g, low-margin) {
			t.Errorf("%s: not every eigenvalue above %g, yet the smallest is %g", name, low-margin, low)
		}
		if eigenvaluesAbove(g, low+margin) {
			t.Errorf("%s: every eigenvalue above %g, yet the smallest is %g", name, low+margin, low)
		}
	}
}
