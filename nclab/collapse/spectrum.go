package collapse

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// The fast paths (variabilityByInverse, rowSpaceByCholesky) need two facts about the
// spectrum of a K x K Gram matrix G, not the spectrum itself: its largest eigenvalue,
// and that every other eigenvalue stays above a bound. A full eigenvalue decomposition
// (gonum's Dsytrd, serial) takes 0.5-0.8 s at K = 1,000; the largest eigenvalue by
// Lanczos and the bound by one Cholesky factorisation take about a tenth of that.

// Lanczos settings of largestEigenvalue: after at least lanczosMinSteps steps, the top
// Ritz pair's residual must fall to lanczosTol times the Ritz value within
// lanczosMaxSteps steps (checked every lanczosCheck steps).
const (
	lanczosTol      = 1e-12
	lanczosMinSteps = 100
	lanczosMaxSteps = 300
	lanczosCheck    = 10
)

// largestEigenvalue returns the largest eigenvalue of the symmetric positive
// semi-definite matrix g, by the Lanczos method with full reorthogonalisation from a
// fixed pseudo-random start (the same value on every call). The Ritz value never
// exceeds the largest eigenvalue, and its residual bounds its distance to an eigenvalue
// of g; that this is the largest one holds with probability 1 - 1e-15 or better for
// K <= 1e6 after the first 100 steps (Kuczyński and Woźniakowski 1992: a shortfall of
// 5 % after m steps has probability at most 1.65 sqrt(K) exp(-sqrt(0.05) (2m - 1))),
// and the callers keep a factor-2 margin on every bound it enters. With fewer than 100
// rows it takes all of them, and the Ritz values are the eigenvalues. ok is false when the
// residual has not converged (callers then take the full eigenvalue decomposition).
func largestEigenvalue(g *mat.SymDense) (top float64, ok bool) {
	n := g.SymmetricDim()
	// A general matrix-vector product on the symmetrised matrix: gonum's Gemv is
	// several times faster than its Symv.
	full := blas64.General{Rows: n, Cols: n, Stride: n, Data: make([]float64, n*n)}
	for i := range n {
		for j := i; j < n; j++ {
			full.Data[i*n+j] = g.At(i, j)
			full.Data[j*n+i] = full.Data[i*n+j]
		}
	}
	rng := rand.New(rand.NewPCG(0x6c616e63, 0x7a6f73))
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	floats.Scale(1/floats.Norm(v, 2), v)
	basis := [][]float64{v}
	var alpha, beta []float64
	steps := min(n, lanczosMaxSteps)
	for j := range steps {
		w := make([]float64, n)
		blas64.Gemv(blas.NoTrans, 1, full, blas64.Vector{N: n, Inc: 1, Data: basis[j]}, 0, blas64.Vector{N: n, Inc: 1, Data: w})
		alpha = append(alpha, floats.Dot(w, basis[j]))
		gv := floats.Norm(w, 2)
		for range 2 { // Gram-Schmidt twice keeps the basis orthonormal to rounding
			for _, u := range basis {
				floats.AddScaled(w, -floats.Dot(w, u), u)
			}
		}
		b := floats.Norm(w, 2)
		// b at the rounding of g v: the Krylov space is invariant (every eigenvalue of a
		// simplex ETF's Gram matrix is found in two steps), and holds every eigenvalue
		// whose eigenvectors the start is not orthogonal to; what is left of w is
		// rounding, no longer orthogonal to the basis, and must not be taken as the
		// next vector.
		invariant := b <= lanczosTol*gv
		last := j+1 == steps
		if (j+1 >= min(n, lanczosMinSteps) && (j+1)%lanczosCheck == 0) || last || invariant {
			theta, y := topRitzPair(alpha, beta)
			if j+1 == n || invariant || b*math.Abs(y) <= lanczosTol*theta {
				return theta, true
			}
		}
		if last {
			break
		}
		floats.Scale(1/b, w)
		beta = append(beta, b)
		basis = append(basis, w)
	}
	return 0, false
}

// topRitzPair returns the largest eigenvalue of the symmetric tridiagonal matrix with
// diagonal alpha and off-diagonal beta, and the last component of its unit eigenvector.
func topRitzPair(alpha, beta []float64) (theta, last float64) {
	m := len(alpha)
	t := mat.NewSymDense(m, nil)
	for i, a := range alpha {
		t.SetSym(i, i, a)
		if i+1 < m {
			t.SetSym(i, i+1, beta[i])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(t, true) {
		return 0, math.Inf(1)
	}
	var vectors mat.Dense
	eig.VectorsTo(&vectors)
	return eig.Values(nil)[m-1], vectors.At(m-1, m-1)
}

// eigenvaluesAbove reports whether every eigenvalue of the symmetric g exceeds tau: by
// Sylvester's law of inertia, whether g - tau I has a Cholesky factorisation (to its
// rounding, about K eps ||g||).
func eigenvaluesAbove(g *mat.SymDense, tau float64) bool {
	n := g.SymmetricDim()
	shifted := mat.NewSymDense(n, nil)
	shifted.CopySym(g)
	for i := range n {
		shifted.SetSym(i, i, shifted.At(i, i)-tau)
	}
	var chol mat.Cholesky
	return chol.Factorize(shifted)
}
