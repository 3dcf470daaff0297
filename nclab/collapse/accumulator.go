package collapse

import (
	"fmt"
	"math"

	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// scatterBlock is how many deviation rows are buffered before one rank-k update;
// fastScatterBlock is the same when the update runs through Options.MatMul (a larger
// block keeps the float32 product efficient; its sums stay short enough to be accurate
// to float32 rounding).
const (
	scatterBlock     = 256
	fastScatterBlock = 1000
)

// Accumulator gathers the statistics of the collapse metrics batch by batch. It keeps,
// per label set, a count, a shift (the set's first sample) and the sum of the shifted
// features; per multiplicity, the d x d scatter of the shifted features. Result can be
// called at any time and more than once.
type Accumulator struct {
	k, d    int
	opts    Options
	table   *setTable
	n       int
	scatter map[int]*scatter
	scale   float64 // power of two applied to every feature, set by the first batch
	// scaleFixed means scale was set beforehand (ComputeSource, from the largest
	// magnitude of the whole source), not by the first batch.
	scaleFixed bool
	scaled     []float64
}

// scatter is sum (h - shift_S)(h - shift_S)^T over the samples of one multiplicity
// (upper triangle), fed by rank-k updates of buffered rows: in float32 through
// Options.MatMul (fast) or in float64 with gonum.
type scatter struct {
	c           blas64.Symmetric
	fast        bool
	block       int       // rows per update
	buf, spare  []float64 // the rows being buffered and those of the update in flight
	buf32, sp32 []float32 // the same when fast
	rows        int
	scratch     gramScratch
	pending     chan error // the update in flight, or nil
	full        []float64  // c symmetrised (d x d), for within; nil until then and after an update
}

// NewAccumulator starts an accumulation for K classes and d-dimensional features; opts
// may be nil.
func NewAccumulator(k, d int, opts *Options) (*Accumulator, error) {
	if k < 2 {
		return nil, fmt.Errorf("collapse: K = %d, want K >= 2", k)
	}
	if d < 1 {
		return nil, fmt.Errorf("collapse: feature dimension d = %d, want d >= 1", d)
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	a := &Accumulator{k: k, d: d, table: newSetTable(k, d), scatter: map[int]*scatter{}, scale: 1}
	if opts != nil {
		a.opts = *opts
	}
	return a, nil
}

// Add accumulates a batch: features holds len(sets) rows of d values, row-major. A
// batch with a bad label set, a non-finite feature or the wrong length is rejected
// whole, with an error naming the sample (counted from the first Add).
func (a *Accumulator) Add(features []float64, sets []labelset.Set) error {
	if err := validateBatch(a.k, a.d, features, sets, a.n); err != nil {
		return err
	}
	// Features whose magnitude would overflow (or underflow) squares are scaled by a
	// power of two, fixed by the first batch; a later batch beyond that range is refused.
	var maxAbs float64
	for _, v := range features {
		maxAbs = max(maxAbs, math.Abs(v))
	}
	if a.n == 0 && !a.scaleFixed {
		a.scale = scaleFor(maxAbs)
	}
	if _, e := math.Frexp(maxAbs * a.scale); maxAbs != 0 && e > maxScale+100 {
		return &beyondScaleError{first: a.n, last: a.n + len(sets) - 1, maxAbs: maxAbs}
	}
	features, a.scaled = scaleRows(features, a.scale, a.scaled)
	return addRows(a, features, sets)
}

// AddFloat32 is Add for float32 features (as GoMLX tensors and .npy files hold them);
// every sum is in float64, as with Add. Their magnitudes never call for a scale, so no
// widened copy is made unless float64 batches set one before.
func (a *Accumulator) AddFloat32(features []float32, sets []labelset.Set) error {
	return a.addFloat32(features, sets, false)
}

// addFloat32 is AddFloat32; finite says a Source has checked every value already.
func (a *Accumulator) addFloat32(features []float32, sets []labelset.Set, finite bool) error {
	if a.scale != 1 {
		wide := make([]float64, len(features))
		for i, v := range features {
			wide[i] = float64(v)
		}
		return a.Add(wide, sets)
	}
	check := validateBatch[float32]
	if finite {
		check = validateLayout[float32]
	}
	if err := check(a.k, a.d, features, sets, a.n); err != nil {
		return err
	}
	return addRows(a, features, sets)
}

// addRows accumulates a validated batch at the accumulator's scale.
func addRows[T float32 | float64](a *Accumulator, features []T, sets []labelset.Set) error {
	d := a.d
	for i, s := range sets {
		row := features[i*d : (i+1)*d]
		st := lookupRow(a.table, s, row)
		sc := a.scatterOf(len(s))
		if sc.fast {
			addRow(st, row, sc.buf32[sc.rows*d:(sc.rows+1)*d])
		} else {
			addRow(st, row, sc.buf[sc.rows*d:(sc.rows+1)*d])
		}
		sc.rows++
		if sc.rows == sc.block {
			if err := sc.flush(d, &a.opts); err != nil {
				return err
			}
		}
	}
	a.n += len(sets)
	return nil
}

// beyondScaleError is a batch whose magnitude is beyond 2^(maxScale+100) at the scale
// the first batch fixed.
type beyondScaleError struct {
	first, last int
	maxAbs      float64
}

func (e *beyondScaleError) Error() string {
	return fmt.Sprintf("collapse: samples %d..%d reach magnitude %g, beyond 2^%d times the first batch's scale",
		e.first, e.last, e.maxAbs, maxScale+100)
}

// scaleFor is the power of two that brings features of largest magnitude maxAbs into
// [1/2, 1) when they are beyond 2^±maxScale, else 1.
func scaleFor(maxAbs float64) float64 {
	if _, e := math.Frexp(maxAbs); maxAbs != 0 && (e > maxScale || e < -maxScale) {
		return math.Ldexp(1, -e)
	}
	return 1
}

// N is the number of samples added so far.
func (a *Accumulator) N() int { return a.n }

func (a *Accumulator) scatterOf(m int) *scatter {
	sc, ok := a.scatter[m]
	if !ok {
		d := a.d
		sc = &scatter{
			c:     blas64.Symmetric{N: d, Stride: d, Data: make([]float64, d*d), Uplo: blas.Upper},
			fast:  a.opts.MatMul != nil && fastScatterBlock*d*d >= FastProductMin,
			block: scatterBlock,
		}
		if sc.fast {
			sc.block = fastScatterBlock
			sc.buf32 = make([]float32, sc.block*d)
		} else {
			sc.buf = make([]float64, sc.block*d)
		}
		a.scatter[m] = sc
	}
	return sc
}

// flush starts adding the buffered rows' outer products to the scatter, C += B^T B, in
// the background while the next rows are buffered (on 2 cores the reading and the
// per-set sums then overlap the product); an update first waits for the one before,
// so the sums are added in the same order every time. It returns the error of the
// update before.
func (sc *scatter) flush(d int, opts *Options) error {
	if sc.rows == 0 {
		return nil
	}
	if err := sc.wait(); err != nil {
		return err
	}
	rows := sc.rows
	sc.rows, sc.full = 0, nil
	sc.pending = make(chan error, 1)
	if sc.fast {
		if sc.sp32 == nil {
			sc.sp32 = make([]float32, len(sc.buf32))
		}
		full := sc.buf32
		sc.buf32, sc.sp32 = sc.sp32, full
		go func() { sc.pending <- opts.gram32(full, rows, d, sc.c, &sc.scratch) }()
		return nil
	}
	if sc.spare == nil {
		sc.spare = make([]float64, len(sc.buf))
	}
	full := sc.buf
	sc.buf, sc.spare = sc.spare, full
	go func() {
		blas64.Syrk(blas.Trans, 1, blas64.General{Rows: rows, Cols: d, Stride: d, Data: full[:rows*d]}, 1, sc.c)
		sc.pending <- nil
	}()
	return nil
}

// wait waits for the update in flight, if any, and returns its error.
func (sc *scatter) wait() error {
	if sc.pending == nil {
		return nil
	}
	err := <-sc.pending
	sc.pending = nil
	return err
}

// Result computes the metrics from what was added. w (K x d) and b (K) are the
// classifier and bias, or nil. NCCAgreement needs a second pass over the data
// (Metrics.CountAgreement) and is NaN here.
func (a *Accumulator) Result(w *mat.Dense, b []float64) (*Metrics, error) {
	for _, sc := range a.scatter {
		if err := sc.flush(a.d, &a.opts); err != nil {
			return nil, err
		}
		if err := sc.wait(); err != nil {
			return nil, err
		}
	}
	met, err := finish(a.k, a.d, a.table, a.n, a.within, a.projectedWithin, w, b, &a.opts)
	if err != nil {
		return nil, err
	}
	met.unscale(a.scale)
	return met, nil
}

// classMeans returns a Metrics holding only what NCC agreement needs (K, D, ClassMeans,
// the scale and the options), or nil when a class has no multiplicity-1 sample
// (Result then says so).
func (a *Accumulator) classMeans() *Metrics {
	singles := a.table.byMultiplicity(1)
	if len(singles) < a.k {
		return nil
	}
	met := &Metrics{K: a.k, D: a.d, ClassMeans: mat.NewDense(a.k, a.d, nil), opts: a.opts}
	for _, s := range singles {
		met.ClassMeans.SetRow(s.set[0], s.mean())
	}
	met.scale = a.scale
	if a.scale != 1 {
		met.ClassMeans.Scale(1/a.scale, met.ClassMeans)
	}
	return met
}

// fullScatter is the shifted scatter of multiplicity m, symmetrised (d x d), as a general
// matrix: gonum's Gemm is blocked and parallel, its Symm is not, and MatMul64 takes
// general matrices.
func (a *Accumulator) fullScatter(m int) *mat.Dense {
	d := a.d
	sc := a.scatter[m]
	if sc.full == nil {
		c := sc.c
		sc.full = make([]float64, d*d)
		for i := range d {
			for j := i; j < d; j++ {
				sc.full[i*d+j] = c.Data[i*c.Stride+j]
				sc.full[j*d+i] = c.Data[i*c.Stride+j]
			}
		}
	}
	return mat.NewDense(d, d, sc.full)
}

// shiftedSums returns the sets of multiplicity m and their shifted sums t_S, one row
// each.
func (a *Accumulator) shiftedSums(m int) ([]*setStats, *mat.Dense) {
	sets := a.table.byMultiplicity(m)
	sums := mat.NewDense(len(sets), a.d, nil)
	for i, st := range sets {
		sums.SetRow(i, st.sum)
	}
	return sets, sums
}

// projectedWithin is the within-class scatter of multiplicity m in the coordinates of
// q's orthonormal columns (d x r), from the shifted scatter C and the shifted sums t_S:
// q^T C q - sum_S (q^T t_S)(q^T t_S)^T / n_S.
func (a *Accumulator) projectedWithin(m int, q *mat.Dense) *mat.SymDense {
	var cq, g mat.Dense
	a.opts.mul(&cq, a.fullScatter(m), q)
	a.opts.mul(&g, q.T(), &cq)
	sets, sums := a.shiftedSums(m)
	var proj mat.Dense
	a.opts.mul(&proj, sums, q)
	weighted := mat.DenseCopyOf(&proj)
	for i, st := range sets {
		floats.Scale(1/float64(st.count), weighted.RawRowView(i))
	}
	var shares mat.Dense
	a.opts.mul(&shares, proj.T(), weighted)
	g.Sub(&g, &shares)
	return symmetrised(&g)
}

// within is sum_i ((h_i - mu_S) . v_j)^2 over multiplicity m (every sample for m = 0),
// from the shifted scatter: v_j^T C v_j - sum_S (v_j . t_S)^2 / n_S, where t_S is the
// set's shifted sum.
func (a *Accumulator) within(m int, v *mat.Dense) []float64 {
	if m == 0 {
		_, q := v.Dims()
		out := make([]float64, q)
		for _, mm := range a.table.multiplicities() {
			floats.Add(out, a.within(mm, v))
		}
		return out
	}
	out := quadraticForms(a.fullScatter(m), v, &a.opts)
	// The shifted sums t_S of every set of multiplicity m, projected in one product.
	sets, sums := a.shiftedSums(m)
	var proj mat.Dense
	a.opts.mul(&proj, sums, v)
	for i, st := range sets {
		for j, p := range proj.RawRowView(i) {
			out[j] -= p * p / float64(st.count)
		}
	}
	return out
}
