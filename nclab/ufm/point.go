package ufm

import (
	"fmt"
	"math"

	"github.com/nclab/nclab/nclab/etf"
	"gonum.org/v1/gonum/mat"
)

// Point builds the optimum explicitly in dimension d (Theorem 1, METHOD.md §3):
// W = sqrt(rho) E U^T, a simplex ETF of row norm sqrt(rho) embedded by etf.Embedded
// (seeded random orthonormal U, or the identity embedding), h_i = c_m sum_{k in S_i} w_k,
// b = 0. It needs d >= K-1, the smallest dimension holding a K-class simplex ETF.
func (o *Optimum) Point(p Problem, d int, seed int64, identity bool) (Point, error) {
	if err := p.Validate(); err != nil {
		return Point{}, err
	}
	e, err := etf.Embedded(p.K, d, seed, identity)
	if err != nil {
		return Point{}, fmt.Errorf("ufm: optimum in dimension %d: %w", d, err)
	}
	w := mat.NewDense(p.K, d, nil)
	w.Scale(math.Sqrt(o.Rho), e)
	sets := p.Samples()
	h := mat.NewDense(len(sets), d, nil)
	for i, s := range sets {
		row := h.RawRowView(i)
		for _, k := range s {
			for j := range row {
				row[j] += o.C[len(s)] * w.At(k, j)
			}
		}
	}
	return Point{W: w, H: h, B: make([]float64, p.K)}, nil
}
