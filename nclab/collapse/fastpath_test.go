package collapse

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nclab/nclab/nclab/etf"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// TestVariabilityByInverse checks variability's inverse way against its eigenvector way
// on the same means and within-class oracle, and that it declines where its closed form
// does not hold: means of rank below r - 1 (several zero eigenvalues), a global mean
// that is not the count-weighted mean (no known null direction) with a zero eigenvalue,
// and tall means (r > d).
func TestVariabilityByInverse(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	// within is the exact oracle of a random within-class scatter S = B B^T.
	withinOf := func(d int) func(v *mat.Dense) []float64 {
		b := mat.NewDense(d, d+3, nil)
		for i := range d {
			for j := range d + 3 {
				b.Set(i, j, rng.NormFloat64())
			}
		}
		var s mat.Dense
		s.Mul(b, b.T())
		return func(v *mat.Dense) []float64 {
			var sv mat.Dense
			sv.Mul(&s, v)
			_, q := v.Dims()
			out := make([]float64, q)
			for j := range q {
				out[j] = floats.Dot(mat.Col(nil, j, v), mat.Col(nil, j, &sv))
			}
			return out
		}
	}
	randomMeans := func(r, d, rank int) *mat.Dense {
		a, b := mat.NewDense(r, rank, nil), mat.NewDense(rank, d, nil)
		for i := range r {
			for j := range rank {
				a.Set(i, j, rng.NormFloat64())
			}
		}
		for i := range rank {
			for j := range d {
				b.Set(i, j, 3+rng.NormFloat64()) // a common offset, as trained features have
			}
		}
		var m mat.Dense
		m.Mul(a, b)
		return &m
	}
	weighted := func(means *mat.Dense, w []float64) []float64 {
		r, d := means.Dims()
		mu := make([]float64, d)
		for i := range r {
			floats.AddScaled(mu, w[i]/floats.Sum(w), means.RawRowView(i))
		}
		return mu
	}
	for _, tc := range []struct {
		name      string
		r, d      int
		rank      int
		balanced  bool
		unweight  bool // muG is not the count-weighted mean
		wantFast  bool
		floorFrac float64
	}{
		{name: "balanced, null direction 1", r: 10, d: 30, rank: 10, balanced: true, wantFast: true},
		{name: "unbalanced counts, null direction the counts", r: 12, d: 20, rank: 12, wantFast: true},
		{name: "r = d", r: 16, d: 16, rank: 16, wantFast: true},
		{name: "muG not the weighted mean, G invertible", r: 8, d: 20, rank: 8, unweight: true, wantFast: true},
		{name: "means of rank 4 < r - 1", r: 10, d: 30, rank: 4, wantFast: false},
		{name: "muG not the weighted mean, G singular", r: 10, d: 30, rank: 5, unweight: true, wantFast: false},
		{name: "tall: r > d", r: 12, d: 6, rank: 6, wantFast: false},
		{name: "a floor above every eigenvalue", r: 10, d: 30, rank: 10, floorFrac: 2, wantFast: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			means := randomMeans(tc.r, tc.d, tc.rank)
			w := make([]float64, tc.r)
			for i := range w {
				w[i] = 5
				if !tc.balanced {
					w[i] = float64(1 + rng.IntN(20))
				}
			}
			muG := weighted(means, w)
			if tc.unweight {
				floats.Scale(0.9, muG)
			}
			within := withinOf(tc.d)
			centred := centredRows(means, muG)
			var gram mat.Dense
			if tc.r <= tc.d {
				gram.Mul(centred, centred.T())
			} else {
				gram.Mul(centred.T(), centred)
			}
			sym := symmetrised(&gram)
			floor := 0.0
			if tc.floorFrac > 0 {
				var eig mat.EigenSym
				eig.Factorize(sym, false)
				floor = tc.floorFrac * eig.Values(nil)[sym.SymmetricDim()-1] / float64(tc.r)
			}
			n := int(floats.Sum(w))
			wantNC, wantMax := variabilityByEigen(centred, sym, n, within, DefaultPinvRTol, floor, nil)
			fast := false
			if tc.r <= tc.d {
				var nc, lmax float64
				nc, lmax, fast = variabilityByInverse(centred, sym, w, n, within, DefaultPinvRTol, floor, nil)
				if fast && (math.Abs(nc-wantNC) > 1e-10*math.Abs(wantNC) || math.Abs(lmax-wantMax) > 1e-12*wantMax) {
					t.Errorf("by inverse: nc %.15g, lambda_max %.15g; by eigenvectors %.15g, %.15g", nc, lmax, wantNC, wantMax)
				}
			}
			if fast != tc.wantFast {
				t.Errorf("inverse way taken = %v, want %v", fast, tc.wantFast)
			}
			nc, lmax := variability(means, muG, nil, w, n, within, DefaultPinvRTol, floor, nil)
			if math.Abs(nc-wantNC) > 1e-10*math.Abs(wantNC) && !(math.IsNaN(nc) && math.IsNaN(wantNC)) || math.Abs(lmax-wantMax) > 1e-12*wantMax {
				t.Errorf("variability: nc %.15g, lambda_max %.15g; by eigenvectors %.15g, %.15g", nc, lmax, wantNC, wantMax)
			}
		})
	}
}

// TestRowSpaceByCholesky checks the CholeskyQR2 basis against the SVD's: the same
// projector, an orthonormal basis; and that it declines for W of lower rank (rows of a
// simplex ETF sum to zero) or nearly so, and for K > d.
func TestRowSpaceByCholesky(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	random := func(k, d int) *mat.Dense {
		w := mat.NewDense(k, d, nil)
		for i := range k {
			for j := range d {
				w.Set(i, j, 2+rng.NormFloat64()) // an offset makes W W^T less well conditioned
			}
		}
		return w
	}
	nearlyDeficient := random(6, 10)
	row := nearlyDeficient.RawRowView(5)
	for j := range row {
		row[j] = nearlyDeficient.At(0, j) + 1e-6*rng.NormFloat64()
	}
	// conditioned is a K x d W = U S V^T with random orthogonal U and V and singular
	// values spread from 1 to 1/cond.
	orthogonal := func(n int) *mat.Dense {
		var qr mat.QR
		qr.Factorize(random(n, n))
		var q mat.Dense
		qr.QTo(&q)
		return &q
	}
	conditioned := func(k, d int, cond float64) *mat.Dense {
		u, v := orthogonal(k), orthogonal(d)
		us := mat.DenseCopyOf(u)
		for j := range k {
			s := math.Pow(cond, -float64(j)/float64(k-1))
			for i := range k {
				us.Set(i, j, s*u.At(i, j))
			}
		}
		var w mat.Dense
		w.Mul(us, v.Slice(0, d, 0, k).T()) // U S times the first K columns of V, transposed
		return &w
	}
	for _, tc := range []struct {
		name     string
		w        *mat.Dense
		wantFast bool
	}{
		{"K = 10, d = 40", random(10, 40), true},
		{"condition number 3 (one pass)", conditioned(10, 40, 3), true},
		{"condition number 1e3 (two passes)", conditioned(10, 40, 1e3), true},
		{"K = d = 12", random(12, 12), true},
		{"simplex ETF rows (rank K - 1)", etfRows(t, 8, 20), false},
		{"two rows 1e-6 apart", nearlyDeficient, false},
		{"K > d", random(9, 5), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, d := tc.w.Dims()
			var svd mat.SVD
			svd.Factorize(tc.w, mat.SVDThinV)
			sp, fast := rowSpaceByCholesky(tc.w, outerOf(tc.w), nil)
			if k > d {
				fast = false // newRowSpace does not try it
			}
			if fast != tc.wantFast {
				t.Fatalf("CholeskyQR2 taken = %v, want %v", fast, tc.wantFast)
			}
			if !fast {
				return
			}
			want := newRowSpaceSVD(tc.w)
			var p, pWant, qtq mat.Dense
			p.Mul(sp.q, sp.q.T())
			pWant.Mul(want.q, want.q.T())
			p.Sub(&p, &pWant)
			if sp.r != want.r || mat.Norm(&p, 2) > 1e-12 {
				t.Errorf("rank %d (SVD %d), ||P - P_svd||_F = %.3g", sp.r, want.r, mat.Norm(&p, 2))
			}
			qtq.Mul(sp.q.T(), sp.q)
			for i := range sp.r {
				qtq.Set(i, i, qtq.At(i, i)-1)
			}
			if mat.Norm(&qtq, 2) > 1e-13 {
				t.Errorf("||Q^T Q - I||_F = %.3g", mat.Norm(&qtq, 2))
			}
		})
	}
}

// newRowSpaceSVD is newRowSpace's SVD way alone (a W with K > d never takes the other).
func newRowSpaceSVD(w *mat.Dense) rowSpace {
	k, d := w.Dims()
	tall := mat.NewDense(k+d, d, nil) // W with d zero rows below: the same row space, K > d
	tall.Slice(0, k, 0, d).(*mat.Dense).Copy(w)
	return newRowSpace(tall, outerOf(tall), nil)
}

// etfRows is a K x d simplex ETF (its rows sum to zero).
func etfRows(t *testing.T, k, d int) *mat.Dense {
	w, err := etf.Embedded(k, d, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// outerOf is a a^T.
func outerOf(a *mat.Dense) *mat.Dense {
	var g mat.Dense
	g.Mul(a, a.T())
	return &g
}

// TestTransposeTo: the blocked transpose against the definition, for sizes with and
// without partial 8 x 8 blocks.
func TestTransposeTo(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {8, 8}, {3, 17}, {16, 9}, {1000, 260}, {13, 2048}} {
		rows, d := size[0], size[1]
		x := make([]float32, rows*d)
		for i := range x {
			x[i] = float32(i)
		}
		dst := make([]float32, rows*d)
		transposeTo(dst, x, rows, d)
		for i := range rows {
			for j := range d {
				if dst[j*rows+i] != x[i*d+j] {
					t.Fatalf("%d x %d: entry (%d, %d) of the transpose is %v, want %v", rows, d, j, i, dst[j*rows+i], x[i*d+j])
				}
			}
		}
	}
}
