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
	// multiply-adds per block: the within-class projections and the NCCAgreement scores
	// (near-ties re-checked in float64). nclab collapse sets it to GoMLX's SIMD matmul;
	// nil means gonum's float64 Gemm everywhere.
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

// product sets out (rows x q, row-major) = x (rows x d, row-major) v (d x q), through
// MatMul in float32 when it is set and the product is large; fast says which.
func (o *Options) product(x []float64, rows, d int, v blas64.General, out []float64) (fast bool, err error) {
	q := v.Cols
	if o == nil || o.MatMul == nil || rows*d*q < FastProductMin {
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, blas64.General{Rows: rows, Cols: d, Stride: d, Data: x[:rows*d]}, v, 0,
			blas64.General{Rows: rows, Cols: q, Stride: q, Data: out[:rows*q]})
		return false, nil
	}
	x32 := make([]float32, rows*d)
	for i, e := range x[:rows*d] {
		x32[i] = float32(e)
	}
	v32 := make([]float32, d*q)
	for i := range d {
		for j, e := range v.Data[i*v.Stride : i*v.Stride+q] {
			v32[i*q+j] = float32(e)
		}
	}
	out32 := make([]float32, rows*q)
	if err := o.MatMul(x32, rows, d, v32, q, out32); err != nil {
		return true, fmt.Errorf("collapse: Options.MatMul: %w", err)
	}
	for i, e := range out32 {
		out[i] = float64(e)
	}
	return true, nil
}
