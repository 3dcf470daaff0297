package collapse

import (
	"fmt"

	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// scatterBlock is how many deviation rows are buffered before one rank-k update.
const scatterBlock = 256

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
}

// scatter is sum (h - shift_S)(h - shift_S)^T over the samples of one multiplicity
// (upper triangle), fed by rank-k updates of buffered rows.
type scatter struct {
	c    blas64.Symmetric
	buf  []float64
	rows int
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
	a := &Accumulator{k: k, d: d, table: newSetTable(k, d), scatter: map[int]*scatter{}}
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
	d := a.d
	for i, s := range sets {
		row := features[i*d : (i+1)*d]
		st := a.table.lookup(s, row)
		sc := a.scatterOf(len(s))
		st.add(row, sc.buf[sc.rows*d:(sc.rows+1)*d])
		sc.rows++
		if sc.rows == scatterBlock {
			sc.flush(d)
		}
	}
	a.n += len(sets)
	return nil
}

// AddFloat32 is Add for float32 features (as GoMLX tensors and .npy files hold them);
// they are widened to float64 before anything is summed.
func (a *Accumulator) AddFloat32(features []float32, sets []labelset.Set) error {
	wide := make([]float64, len(features))
	for i, v := range features {
		wide[i] = float64(v)
	}
	return a.Add(wide, sets)
}

// N is the number of samples added so far.
func (a *Accumulator) N() int { return a.n }

func (a *Accumulator) scatterOf(m int) *scatter {
	sc, ok := a.scatter[m]
	if !ok {
		sc = &scatter{
			c:   blas64.Symmetric{N: a.d, Stride: a.d, Data: make([]float64, a.d*a.d), Uplo: blas.Upper},
			buf: make([]float64, scatterBlock*a.d),
		}
		a.scatter[m] = sc
	}
	return sc
}

// flush adds the buffered rows' outer products to the scatter: C += B^T B.
func (sc *scatter) flush(d int) {
	if sc.rows == 0 {
		return
	}
	b := blas64.General{Rows: sc.rows, Cols: d, Stride: d, Data: sc.buf[:sc.rows*d]}
	blas64.Syrk(blas.Trans, 1, b, 1, sc.c)
	sc.rows = 0
}

// Result computes the metrics from what was added. w (K x d) and b (K) are the
// classifier and bias, or nil. NCCAgreement needs a second pass over the data
// (Metrics.CountAgreement) and is NaN here.
func (a *Accumulator) Result(w *mat.Dense, b []float64) (*Metrics, error) {
	for _, sc := range a.scatter {
		sc.flush(a.d)
	}
	return finish(a.k, a.d, a.table, a.n, a.within, w, b, &a.opts)
}

// within is sum_i ((h_i - mu_S) . v_j)^2 over multiplicity m (every sample for m = 0),
// from the shifted scatter: v_j^T C v_j - sum_S (v_j . t_S)^2 / n_S, where t_S is the
// set's shifted sum.
func (a *Accumulator) within(m int, v *mat.Dense) []float64 {
	d, q := v.Dims()
	if m == 0 {
		out := make([]float64, q)
		for _, mm := range a.table.multiplicities() {
			floats.Add(out, a.within(mm, v))
		}
		return out
	}
	sc := a.scatter[m]
	vg := blas64.General{Rows: d, Cols: q, Stride: v.RawMatrix().Stride, Data: v.RawMatrix().Data}
	cv := blas64.General{Rows: d, Cols: q, Stride: q, Data: make([]float64, d*q)}
	blas64.Symm(blas.Left, 1, sc.c, vg, 0, cv)
	out := make([]float64, q)
	for j := range q {
		var s float64
		for i := range d {
			s += v.At(i, j) * cv.Data[i*q+j]
		}
		out[j] = s
	}
	proj := make([]float64, q)
	for _, st := range a.table.byMultiplicity(m) {
		t := mat.NewVecDense(d, st.sum)
		pv := mat.NewVecDense(q, proj)
		pv.MulVec(v.T(), t)
		for j := range q {
			out[j] -= proj[j] * proj[j] / float64(st.count)
		}
	}
	return out
}
