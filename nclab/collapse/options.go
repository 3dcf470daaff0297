package collapse

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
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
	MatMul func(x []float32, rows, d int, v []float32, q int, out []float32) error
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
	if p.v32 == nil {
		p.v32 = make([]float32, d*q)
		for i := range d {
			for j, e := range p.v.Data[i*p.v.Stride : i*p.v.Stride+q] {
				p.v32[i*q+j] = float32(e)
			}
		}
	}
	p.x32 = toFloat32(p.x32, x[:rows*d])
	p.out32 = grow(p.out32, rows*q)
	if err := p.matMul(p.x32, rows, d, p.v32, q, p.out32); err != nil {
		return true, fmt.Errorf("collapse: Options.MatMul: %w", err)
	}
	for i, e := range p.out32 {
		out[i] = float64(e)
	}
	return true, nil
}

// gram adds x^T x (x: rows x d, row-major) to the upper triangle of c, through MatMul in
// float32 (as the product of x's transpose and x) when it is set and the block is
// large, else with gonum's float64 Syrk; scratch holds the float32 buffers.
func (o *Options) gram(x []float64, rows, d int, c blas64.Symmetric, scratch *gramScratch) error {
	if o == nil || o.MatMul == nil || rows*d*d < FastProductMin {
		blas64.Syrk(blas.Trans, 1, blas64.General{Rows: rows, Cols: d, Stride: d, Data: x[:rows*d]}, 1, c)
		return nil
	}
	scratch.x32 = toFloat32(scratch.x32, x[:rows*d])
	scratch.xt32 = grow(scratch.xt32, rows*d)
	for i := range rows {
		for j, e := range scratch.x32[i*d : (i+1)*d] {
			scratch.xt32[j*rows+i] = e
		}
	}
	scratch.out32 = grow(scratch.out32, d*d)
	if err := o.MatMul(scratch.xt32, d, rows, scratch.x32, d, scratch.out32); err != nil {
		return fmt.Errorf("collapse: Options.MatMul: %w", err)
	}
	for i := range d {
		row := c.Data[i*c.Stride : i*c.Stride+d]
		for j, e := range scratch.out32[i*d+i : (i+1)*d] {
			row[i+j] += float64(e)
		}
	}
	return nil
}

// gramScratch are the float32 buffers of Options.gram.
type gramScratch struct{ x32, xt32, out32 []float32 }

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
