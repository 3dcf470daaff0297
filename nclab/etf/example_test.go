package etf_test

import (
	"fmt"

	"github.com/nclab/nclab/nclab/etf"
	"gonum.org/v1/gonum/mat"
)

// A 4-class simplex ETF in 6 dimensions: unit rows at cosine -1/3, at ETF distance 0.
func ExampleEmbedded() {
	w, err := etf.Embedded(4, 6, 1, false)
	if err != nil {
		panic(err)
	}
	var g mat.Dense
	g.Mul(w, w.T())
	fmt.Printf("|w_0|^2 = %.3f, <w_0, w_1> = %.3f\n", g.At(0, 0), g.At(0, 1))
	fmt.Printf("E(W) = %.3f\n", etf.Distance(w))
	// Output:
	// |w_0|^2 = 1.000, <w_0, w_1> = -0.333
	// E(W) = 0.000
}

// The ETF distance of orthonormal rows (an identity matrix) is
// sqrt(2 - 2 sqrt((K-1)/K)): for K = 4, sqrt(2 - sqrt(3)).
func ExampleDistance() {
	id := mat.NewDense(4, 4, []float64{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1})
	fmt.Printf("%.6f\n", etf.Distance(id))
	// Output:
	// 0.517638
}
