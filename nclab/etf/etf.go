package etf

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Simplex returns the K x K simplex ETF E = sqrt(K/(K-1)) (I_K - 11^T/K) of METHOD.md §4.
// It panics if k < 2 (a one-class ETF does not exist).
func Simplex(k int) *mat.Dense {
	if k < 2 {
		panic(fmt.Sprintf("etf: Simplex needs K >= 2, got %d", k))
	}
	return scaledCentering(k, math.Sqrt(float64(k)/float64(k-1)))
}

// Target returns T = (I_K - 11^T/K)/sqrt(K-1), the Gram matrix of a simplex ETF
// normalised to unit Frobenius norm (METHOD.md §5).
func Target(k int) *mat.Dense {
	if k < 2 {
		panic(fmt.Sprintf("etf: Target needs K >= 2, got %d", k))
	}
	return scaledCentering(k, 1/math.Sqrt(float64(k-1)))
}

// scaledCentering returns scale * (I_K - 11^T/K), the form shared by the simplex ETF
// and its normalised Gram target.
func scaledCentering(k int, scale float64) *mat.Dense {
	c := mat.NewDense(k, k, nil)
	for i := range k {
		for j := range k {
			v := -1 / float64(k)
			if i == j {
				v += 1
			}
			c.Set(i, j, scale*v)
		}
	}
	return c
}

// Embedded returns a K x d simplex ETF: rows of unit norm with pairwise cosine
// -1/(K-1), W W^T = E E^T (METHOD.md §4).
//
// For d >= K it is W = E U^T, where U (d x K) has orthonormal columns: U = [I_K; 0]
// when identity is true (the reference code's choice), otherwise a Haar-random
// orthonormal U drawn from seed (same seed, same matrix). For d = K-1 the rows are
// written in an orthonormal basis of the complement of the all-ones vector (for
// identity, the Helmert basis; otherwise that basis rotated at random). d < K-1 is
// an error: a K-class simplex needs K-1 dimensions.
func Embedded(k, d int, seed int64, identity bool) (*mat.Dense, error) {
	if k < 2 {
		return nil, fmt.Errorf("etf: K = %d, want K >= 2", k)
	}
	if d < k-1 {
		return nil, fmt.Errorf("etf: feature dimension d = %d is too small for a %d-class simplex ETF (need d >= K-1 = %d)", d, k, k-1)
	}
	e := Simplex(k)
	var p *mat.Dense // K x d with P P^T acting as the identity on 1^⊥
	if d >= k {
		u := orthonormalColumns(d, k, seed, identity) // d x K
		p = mat.DenseCopyOf(u.T())
	} else {
		q := helmert(k) // K x (K-1)
		if identity {
			p = q
		} else {
			r := orthonormalColumns(k-1, k-1, seed, false)
			p = mat.NewDense(k, k-1, nil)
			p.Mul(q, r.T())
		}
	}
	w := mat.NewDense(k, d, nil)
	w.Mul(e, p)
	return w, nil
}

// orthonormalColumns returns a rows x cols matrix with orthonormal columns: the
// identity's first columns, or the Q factor of a seeded Gaussian matrix with the signs
// fixed by R's diagonal so that Q is Haar distributed.
func orthonormalColumns(rows, cols int, seed int64, identity bool) *mat.Dense {
	u := mat.NewDense(rows, cols, nil)
	if identity {
		for i := range cols {
			u.Set(i, i, 1)
		}
		return u
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6e636c6162)) // "nclab"
	for i := range rows {
		for j := range cols {
			u.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(u)
	var q, r mat.Dense
	qr.QTo(&q)
	qr.RTo(&r)
	for j := range cols {
		sign := 1.0
		if r.At(j, j) < 0 {
			sign = -1
		}
		for i := range rows {
			u.Set(i, j, sign*q.At(i, j))
		}
	}
	return u
}

// helmert returns a K x (K-1) matrix whose orthonormal columns span the complement of
// the all-ones vector: column j is (1,...,1,-(j+1),0,...)/sqrt((j+1)(j+2)).
func helmert(k int) *mat.Dense {
	q := mat.NewDense(k, k-1, nil)
	for j := range k - 1 {
		n := float64(j + 1)
		s := 1 / math.Sqrt(n*(n+1))
		for i := 0; i <= j; i++ {
			q.Set(i, j, s)
		}
		q.Set(j+1, j, -n*s)
	}
	return q
}

// Distance is the ETF distance E(A) = || A A^T/||A A^T||_F - T ||_F of METHOD.md §5,
// for A with K >= 2 rows (classifier rows w_k or centred class means). It is 0 exactly
// when the rows of A form a scaled, rotated simplex ETF and at most 2. It returns NaN
// when A A^T is zero (no direction to compare).
func Distance(a mat.Matrix) float64 {
	k, _ := a.Dims()
	var g mat.SymDense
	g.SymOuterK(1, a)
	return gramDistance(&g, k)
}

// GramDistance is E for a K x K Gram-like matrix G (A A^T, or W M^T for NC3):
// || G/||G||_F - T ||_F. It returns NaN when G is zero.
func GramDistance(g mat.Matrix) float64 {
	k, c := g.Dims()
	if k != c {
		panic(fmt.Sprintf("etf: GramDistance needs a square matrix, got %d x %d", k, c))
	}
	return gramDistance(g, k)
}

func gramDistance(g mat.Matrix, k int) float64 {
	if k < 2 {
		panic(fmt.Sprintf("etf: distance needs K >= 2 rows, got %d", k))
	}
	norm := mat.Norm(g, 2)
	if norm == 0 {
		return math.NaN()
	}
	t := Target(k)
	var sum float64
	for i := range k {
		for j := range k {
			d := g.At(i, j)/norm - t.At(i, j)
			sum += d * d
		}
	}
	return math.Sqrt(sum)
}
