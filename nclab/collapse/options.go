package collapse

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// DefaultPinvRTol is the default relative tolerance of pinv(Sigma_B): eigenvalues at or
// below DefaultPinvRTol times the largest one count as zero.
const DefaultPinvRTol = 1e-10

// Options tune how the metrics are computed. The zero value means the paper's
// definitions with DefaultPinvRTol.
type Options struct {
	// PinvRTol is the relative eigenvalue tolerance of pinv(Sigma_B); 0 means
	// DefaultPinvRTol.
	PinvRTol float64
	// ReferenceCode switches on the reference code's quirks (see the package
	// documentation): its global mean, uncentred NC2 on means, unclipped arccos.
	ReferenceCode bool
	// MatMul, when set, computes out = x v in float32 (x rows x d, v d x q, out rows x q,
	// all row-major) for the large products, those of at least FastProductMin
	// multiply-adds per block: the within-class scatter (as x^T x over blocks of
	// deviations from a per-set shift, summed in float64), the within-class projections
	// and the NCCAgreement scores (near-ties re-checked in float64). nclab collapse sets
	// it to GoMLX's SIMD matmul; nil means gonum's float64 Gemm and Syrk everywhere.
	// MatMul and MatMul64 may be called from several goroutines at once.
	MatMul func(x []float32, rows, d int, v []float32, q int, out []float32) error
	// MatMul64 is MatMul in float64, for the large dense products that follow the scans
	// (the d x d scatter times the between-class directions, the projections on W's row
	// space, Gram matrices of the class means), those of at least FastProductMin
	// multiply-adds. nclab collapse sets it to GoMLX's SIMD matmul; nil means gonum's
	// Gemm.
	MatMul64 func(x []float64, rows, d int, v []float64, q int, out []float64) error
}

// FastProductMin is the size (rows x d x q multiply-adds) of a block product from which
// Options.MatMul is used.
const FastProductMin = 1 << 26

// validate rejects a PinvRTol that is NaN, negative or at least 1.
func (o *Options) validate() error {
	if o != nil && !(o.PinvRTol >= 0 && o.PinvRTol < 1) {
		return fmt.Errorf("collapse: Options.PinvRTol = %v, want 0 <= PinvRTol < 1 (0 for the default %g)", o.PinvRTol, DefaultPinvRTol)
	}
	return nil
}

func (o *Options) rtol() float64 {
	if o == nil || o.PinvRTol == 0 {
		return DefaultPinvRTol
	}
	return o.PinvRTol
}

func (o *Options) referenceCode() bool { return o != nil && o.ReferenceCode }

// product is x v for one fixed d x q matrix v and row blocks x of any height, through
// MatMul in float32 when it is set and the block is large (v is converted once, and the
// float32 buffers are reused), else with gonum's float64 Gemm.
type product struct {
	matMul func(x []float32, rows, d int, v []float32, q int, out []float32) error
	v      blas64.General
	v32    []float32
	x32    []float32
	out32  []float32
}

// newProduct prepares products with v.
func (o *Options) newProduct(v blas64.General) *product {
	p := &product{v: v}
	if o != nil {
		p.matMul = o.MatMul
	}
	return p
}

// mul sets out (rows x q, row-major) = x (rows x d, row-major) v; fast says whether the
// product ran in float32.
func (p *product) mul(x []float64, rows int, out []float64) (fast bool, err error) {
	d, q := p.v.Rows, p.v.Cols
	if p.matMul == nil || rows*d*q < FastProductMin {
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, blas64.General{Rows: rows, Cols: d, Stride: d, Data: x[:rows*d]}, p.v, 0,
			blas64.General{Rows: rows, Cols: q, Stride: q, Data: out[:rows*q]})
		return false, nil
	}
	p.x32 = toFloat32(p.x32, x[:rows*d])
	p.out32 = grow(p.out32, rows*q)
	if err := p.matMul(p.x32, rows, d, p.vFloat32(), q, p.out32); err != nil {
		return true, fmt.Errorf("collapse: Options.MatMul: %w", err)
	}
	for i, e := range p.out32 {
		out[i] = float64(e)
	}
	return true, nil
}

// mul32 is mul for float32 rows x, always through MatMul (which must be set); fast is
// true.
func (p *product) mul32(x []float32, rows int, out []float32) (fast bool, err error) {
	d, q := p.v.Rows, p.v.Cols
	if err := p.matMul(x[:rows*d], rows, d, p.vFloat32(), q, out[:rows*q]); err != nil {
		return true, fmt.Errorf("collapse: Options.MatMul: %w", err)
	}
	return true, nil
}

// vFloat32 is v rounded to float32, row-major, converted on first use.
func (p *product) vFloat32() []float32 {
	if p.v32 == nil {
		d, q := p.v.Rows, p.v.Cols
		p.v32 = make([]float32, d*q)
		for i := range d {
			for j, e := range p.v.Data[i*p.v.Stride : i*p.v.Stride+q] {
				p.v32[i*q+j] = float32(e)
			}
		}
	}
	return p.v32
}

// gramBlock is the column-block width of the float32 scatter: x^T x is computed block
// pair by block pair over the upper block triangle only, which saves up to half of the
// work for wide features while each product stays large enough to run efficiently.
const gramBlock = 512

// gram32 adds x^T x (x: rows x d float32, row-major) to the upper triangle of c,
// through MatMul, as products of x's column blocks, transposed, with x's column blocks,
// over the upper block triangle, each added to c in float64; scratch holds the float32
// buffers.
func (o *Options) gram32(x []float32, rows, d int, c blas64.Symmetric, scratch *gramScratch) error {
	// xt is x^T (d x rows): its block of rows [lo, hi) is block [lo, hi) of x, transposed.
	scratch.xt32 = grow(scratch.xt32, rows*d)
	transposeTo(scratch.xt32, x[:rows*d], rows, d)
	scratch.cols32 = grow(scratch.cols32, rows*min(gramBlock, d))
	scratch.out32 = grow(scratch.out32, min(gramBlock, d)*min(gramBlock, d))
	for lo2 := 0; lo2 < d; lo2 += gramBlock {
		hi2 := min(lo2+gramBlock, d)
		w2 := hi2 - lo2
		cols := scratch.cols32[:rows*w2] // x[:, lo2:hi2], row-major
		for i := range rows {
			copy(cols[i*w2:(i+1)*w2], x[i*d+lo2:i*d+hi2])
		}
		for lo1 := 0; lo1 <= lo2; lo1 += gramBlock {
			hi1 := min(lo1+gramBlock, d)
			w1 := hi1 - lo1
			out := scratch.out32[:w1*w2]
			if err := o.MatMul(scratch.xt32[lo1*rows:hi1*rows], w1, rows, cols, w2, out); err != nil {
				return fmt.Errorf("collapse: Options.MatMul: %w", err)
			}
			for i := range w1 {
				row := c.Data[(lo1+i)*c.Stride+lo2 : (lo1+i)*c.Stride+hi2]
				for j, e := range out[i*w2 : (i+1)*w2] {
					row[j] += float64(e) // below the diagonal of a diagonal block: unused
				}
			}
		}
	}
	return nil
}

// gramScratch are the float32 buffers of Options.gram.
type gramScratch struct{ xt32, cols32, out32 []float32 }

// transposeTo sets dst (d x rows, row-major) to the transpose of x (rows x d), in 8 x 8
// blocks: eight reads of eight contiguous values, eight writes of eight. Twice as fast as
// 32 x 32 tiles of single stores for the scatter's 1,000 x 2,048 blocks (2.3 against
// 1.1 GB/s on the 2-core Zen 4).
func transposeTo(dst, x []float32, rows, d int) {
	i := 0
	for ; i+8 <= rows; i += 8 {
		j := 0
		for ; j+8 <= d; j += 8 {
			var b [8][8]float32
			for r := range 8 {
				copy(b[r][:], x[(i+r)*d+j:(i+r)*d+j+8])
			}
			for c := range 8 {
				o := dst[(j+c)*rows+i : (j+c)*rows+i+8]
				o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7] = b[0][c], b[1][c], b[2][c], b[3][c], b[4][c], b[5][c], b[6][c], b[7][c]
			}
		}
		for ; j < d; j++ {
			for r := range 8 {
				dst[j*rows+i+r] = x[(i+r)*d+j]
			}
		}
	}
	for ; i < rows; i++ {
		for j := range d {
			dst[j*rows+i] = x[i*d+j]
		}
	}
}

// mul sets dst = a b (dst is resized as needed), through MatMul64 when it is set and the
// product is large, else with gonum. A failing MatMul64 falls back to gonum: the
// products are the same in float64.
func (o *Options) mul(dst *mat.Dense, a, b mat.Matrix) {
	rows, d := a.Dims()
	_, q := b.Dims()
	if o == nil || o.MatMul64 == nil || rows*d*q < FastProductMin {
		dst.Reset()
		dst.Mul(a, b)
		return
	}
	out := make([]float64, rows*q)
	if o.MatMul64(rowMajor(a), rows, d, rowMajor(b), q, out) != nil {
		dst.Reset()
		dst.Mul(a, b)
		return
	}
	*dst = *mat.NewDense(rows, q, out)
}

// outer returns a a^T, through mul (etf.Distance's Gram, faster for large a).
func (o *Options) outer(a *mat.Dense) *mat.Dense {
	var g mat.Dense
	o.mul(&g, a, a.T())
	return &g
}

// rowMajor returns the entries of m, row by row (without copying a compact *mat.Dense).
func rowMajor(m mat.Matrix) []float64 {
	if dense, ok := m.(*mat.Dense); ok {
		if raw := dense.RawMatrix(); raw.Stride == raw.Cols {
			return raw.Data[:raw.Rows*raw.Cols]
		}
	}
	return mat.DenseCopyOf(m).RawMatrix().Data
}

// toFloat32 returns x rounded to float32, in buf (grown as needed).
func toFloat32(buf []float32, x []float64) []float32 {
	buf = grow(buf, len(x))
	for i, e := range x {
		buf[i] = float32(e)
	}
	return buf
}

// grow returns buf resliced to n, reallocated when too small.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}
