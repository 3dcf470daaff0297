package collapse

import (
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// rowSpace is an orthonormal basis Q (d x r) of the row space of a classifier W, so
// that P = Q Q^T is the orthogonal projector onto the span of W's rows. q is nil when
// r = 0 (W = 0).
type rowSpace struct {
	q    *mat.Dense
	r, d int
}

// negligible is the relative Frobenius norm below which projected class means are
// taken as the projection's rounding noise (their angles are then NaN).
const negligible = 1e-10

// newRowSpace takes the right singular vectors of W whose singular values exceed
// s_max * max(K, d) * eps, the rank tolerance of NumPy's np.linalg.matrix_rank; when W
// has K <= d rows and is far from rank-deficient, rowSpaceByCholesky's basis of the same
// space instead (products through opts); gram is W W^T.
func newRowSpace(w, gram *mat.Dense, opts *Options) rowSpace {
	k, d := w.Dims()
	if k <= d {
		if sp, ok := rowSpaceByCholesky(w, gram, opts); ok {
			return sp
		}
	}
	sp := rowSpace{d: d}
	var svd mat.SVD
	if !svd.Factorize(w, mat.SVDThinV) {
		return sp
	}
	s := svd.Values(nil)
	if len(s) == 0 || s[0] == 0 {
		return sp
	}
	tol := s[0] * float64(max(k, d)) * 0x1p-52
	for sp.r < len(s) && s[sp.r] > tol {
		sp.r++
	}
	var v mat.Dense
	svd.VTo(&v)
	sp.q = mat.DenseCopyOf(v.Slice(0, d, 0, sp.r))
	return sp
}

// fullRankCond is the smallest eigenvalue of W W^T, relative to the largest, from which
// rowSpaceByCholesky takes W as having full row rank: s_min >= 1e-4 s_max lies far above
// matrix_rank's tolerance and above the eigenvalues' rounding. From singlePassCond
// (s_min >= 0.1 s_max) one CholeskyQR pass is enough.
const (
	fullRankCond   = 1e-8
	singlePassCond = 1e-2
)

// rowSpaceByCholesky is an orthonormal basis of the row space of a K x d classifier W of
// full row rank by CholeskyQR (Fukaya et al. 2014): Q_1 = W^T L_1^-T for the Cholesky
// factor L_1 of W W^T. Q_1 is orthonormal to about kappa(W)^2 times the rounding unit,
// so when W's condition number is above 10 a second pass, Q = Q_1 L_2^-T for the factor
// of Q_1^T Q_1 (CholeskyQR2), makes it orthonormal to rounding for condition numbers up
// to about 1e8; a well-conditioned W (a trained classifier is close to a simplex ETF)
// needs one. Each pass costs two K x K x d products and two K x K factorisations,
// against the thin SVD's bidiagonalisation and QR sweeps (several times slower at
// K = 1,000, d = 2,048). ok is false unless every eigenvalue of W W^T (gram) is above
// fullRankCond times the largest (largestEigenvalue and eigenvaluesAbove, without the
// eigenvalues themselves).
func rowSpaceByCholesky(w, gram *mat.Dense, opts *Options) (sp rowSpace, ok bool) {
	k, d := w.Dims()
	g := symmetrised(gram)
	top, ok := largestEigenvalue(g)
	if !ok || !(top > 0) {
		return sp, false
	}
	passes := 1
	if !eigenvaluesAbove(g, singlePassCond*top) {
		if !eigenvaluesAbove(g, fullRankCond*top) {
			return sp, false
		}
		passes = 2
	}
	// rows = L^-1 W (K x d) is Q^T, once for each factorisation.
	rows := w
	for pass := range passes {
		if pass > 0 {
			g = symmetrised(opts.outer(rows))
		}
		var chol mat.Cholesky
		if !chol.Factorize(g) {
			return sp, false
		}
		var l, inv mat.TriDense
		chol.LTo(&l)
		if err := inv.InverseTri(&l); err != nil {
			return sp, false
		}
		next := new(mat.Dense)
		opts.mul(next, &inv, rows)
		rows = next
	}
	return rowSpace{q: mat.DenseCopyOf(rows.T()), r: k, d: d}, true
}

// split returns P x and (I - P) x.
func (sp rowSpace) split(x []float64) (row, null []float64) {
	row = make([]float64, sp.d)
	null = make([]float64, sp.d)
	if sp.r > 0 {
		c := mat.NewVecDense(sp.r, nil)
		c.MulVec(sp.q.T(), mat.NewVecDense(sp.d, x))
		mat.NewVecDense(sp.d, row).MulVec(sp.q, c)
	}
	floats.SubTo(null, x, row)
	return row, null
}

// splitRows applies split to each row of a, with two matrix products (through opts).
func (sp rowSpace) splitRows(a *mat.Dense, opts *Options) (row, null *mat.Dense) {
	r, d := a.Dims()
	row = mat.NewDense(r, d, nil)
	if sp.r > 0 {
		var c mat.Dense
		opts.mul(&c, a, sp.q)
		opts.mul(row, &c, sp.q.T())
	}
	null = mat.NewDense(r, d, nil)
	null.Sub(a, row)
	return row, null
}

// subspaceSplit fills AngleRow, AngleNull, NC1Row, NullEnergy and WRank (METHOD.md §5)
// from sp, the row space of W.
// Every quantity is linear in h, so the metrics of P h come from the projected means
// and the within-class scatter along projected directions, with no pass over P h:
// mean(P h) = P mu, and ((P (h - mu)) . v) = ((h - mu) . P v) = ((h - mu) . v) for the
// directions v of NC1Row, which are combinations of the projected means and so lie in
// the row space already (P v = v to rounding). When projected is set, NC1Row and the
// null energy are computed in the coordinates Q^T h of the row space (r values instead
// of d), from the r x r within-class scatter Q^T Sigma_W Q; the angles, which only
// labelled multi-label data have, still take the projections in feature space.
func (met *Metrics) subspaceSplit(table *setTable, within withinFunc, projected projectedWithinFunc, sp rowSpace, rtol float64, unclipped bool) {
	met.WRank = sp.r
	index := map[string]int{}
	for i, s := range met.Sets {
		index[s.Key()] = i
	}
	sameSets := mat.Equal(met.SetMeans, met.ClassMeans) // single-label data
	// nullSq[i] is ||(I - P) mu_S||^2 for the set mean in row i of SetMeans.
	nullSq := make([]float64, len(met.Sets))
	// withinRow is the within-class scatter summed over W's row space, every
	// multiplicity: sum_j within(0, Q)_j.
	var withinRow float64
	if projected != nil && sp.r > 0 {
		// In the coordinates a = Q^T h: P mu has the same norms and angles as Q^T mu, and
		// ||(I - P) mu||^2 = ||mu||^2 - ||Q^T mu||^2.
		var coordClass mat.Dense
		met.opts.mul(&coordClass, met.ClassMeans, sp.q)
		coordSets := &coordClass
		if !sameSets {
			coordSets = new(mat.Dense)
			met.opts.mul(coordSets, met.SetMeans, sp.q)
		}
		coordG := mat.NewVecDense(sp.r, nil)
		coordG.MulVec(sp.q.T(), mat.NewVecDense(met.D, met.GlobalMean))
		scatter1 := projected(1, sp.q)
		met.NC1Row, _ = variability(&coordClass, coordG.RawVector().Data, nil, met.classCounts, met.NByMultiplicity[1], func(v *mat.Dense) []float64 {
			return quadraticForms(scatter1, v, &met.opts)
		}, rtol, rtol*met.lambdaMax, &met.opts)
		for i := range met.Sets {
			mu, a := met.SetMeans.RawRowView(i), coordSets.RawRowView(i)
			nullSq[i] = max(0, floats.Dot(mu, mu)-floats.Dot(a, a))
		}
		for _, m := range table.multiplicities() {
			if m == 1 {
				withinRow += mat.Trace(scatter1)
			} else {
				withinRow += floats.Sum(within(m, sp.q))
			}
		}
	} else {
		rowClass, _ := sp.splitRows(met.ClassMeans, &met.opts)
		rowG, _ := sp.split(met.GlobalMean)
		// Directions of P Sigma_B P below rtol times the largest eigenvalue of the
		// full-space Sigma_B are rounding noise of the projection, as in pinv.
		met.NC1Row, _ = variability(rowClass, rowG, nil, met.classCounts, met.NByMultiplicity[1], func(v *mat.Dense) []float64 {
			return within(1, v)
		}, rtol, rtol*met.lambdaMax, &met.opts)
		_, nullSets := sp.splitRows(met.SetMeans, &met.opts)
		for i := range met.Sets {
			nm := nullSets.RawRowView(i)
			nullSq[i] = floats.Dot(nm, nm)
		}
		if sp.r > 0 {
			withinRow = floats.Sum(within(0, sp.q))
		}
	}
	met.splitAngles(table, sp, index, sameSets, unclipped)

	// sum ||h||^2 = sum_S (n_S ||mu_S||^2 + spread_S), and the same for (I - P) h with
	// the within-class part spread_S minus its share along Q.
	var total, null float64
	for _, s := range table.sets {
		i := index[s.set.Key()]
		mu := met.SetMeans.RawRowView(i)
		c := float64(s.count)
		total += c*floats.Dot(mu, mu) + s.spread()
		null += c*nullSq[i] + s.spread()
	}
	switch {
	case sp.r == sp.d:
		met.NullEnergy = 0 // P = I: no null space
	case total == 0:
		met.NullEnergy = math.NaN()
	default:
		met.NullEnergy = max(0, null-withinRow) / total
	}
}

// splitAngles fills AngleRow and AngleNull, the tag-wise angle ratio of the set means
// projected on W's row space and on its null space, for every multiplicity that has an
// angle (none for single-label data); index maps a set's key to its row of SetMeans.
func (met *Metrics) splitAngles(table *setTable, sp rowSpace, index map[string]int, sameSets bool, unclipped bool) {
	met.AngleRow, met.AngleNull = map[int]float64{}, map[int]float64{}
	if len(met.Angle) == 0 {
		return
	}
	rowClass, nullClass := sp.splitRows(met.ClassMeans, &met.opts)
	// Angles between projected means that are rounding noise are undefined.
	fullNorm := mat.Norm(met.ClassMeans, 2)
	rowDegenerate := mat.Norm(rowClass, 2) <= negligible*fullNorm
	nullDegenerate := mat.Norm(nullClass, 2) <= negligible*fullNorm
	// Every set mean projected at once: SetMeans holds them in labelset order.
	rowSets, nullSets := rowClass, nullClass
	if !sameSets {
		rowSets, nullSets = sp.splitRows(met.SetMeans, &met.opts)
	}
	for m := range met.Angle {
		sets := table.byMultiplicity(m)
		rowMeans, nullMeans := make([][]float64, len(sets)), make([][]float64, len(sets))
		for i, s := range sets {
			rowMeans[i], nullMeans[i] = rowSets.RawRowView(index[s.set.Key()]), nullSets.RawRowView(index[s.set.Key()])
		}
		met.AngleRow[m], met.AngleNull[m] = math.NaN(), math.NaN()
		if !rowDegenerate {
			matched, all := newAngles(rowClass, m, unclipped).ratio(labelSets(sets), rowMeans)
			met.AngleRow[m] = matched / all
		}
		if !nullDegenerate {
			matched, all := newAngles(nullClass, m, unclipped).ratio(labelSets(sets), nullMeans)
			met.AngleNull[m] = matched / all
		}
	}
}

// quadraticForms returns v_j^T s v_j for each column v_j of v (products through opts).
func quadraticForms(s mat.Matrix, v *mat.Dense, opts *Options) []float64 {
	var sv mat.Dense
	opts.mul(&sv, s, v)
	r, q := v.Dims()
	out := make([]float64, q)
	for i := range r {
		for j, x := range v.RawRowView(i) {
			out[j] += x * sv.At(i, j)
		}
	}
	return out
}
