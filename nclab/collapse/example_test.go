package collapse_test

import (
	"fmt"

	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/etf"
	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/floats"
)

// Features at the Theorem 1 optimum (h = c_m sum_{k in S} w_k for a simplex ETF W),
// streamed in batches, have every collapse metric at 0 and gamma_2 = 2 c_2/c_1.
func ExampleAccumulator() {
	const k, d = 4, 6
	w, err := etf.Embedded(k, d, 1, false)
	if err != nil {
		panic(err)
	}
	c := map[int]float64{1: 0.4, 2: 0.35}
	acc, err := collapse.NewAccumulator(k, d, nil)
	if err != nil {
		panic(err)
	}
	for _, m := range []int{1, 2} {
		for _, s := range labelset.All(k, m) {
			h := make([]float64, d)
			for _, class := range s {
				floats.AddScaled(h, c[m], w.RawRowView(class))
			}
			// A batch of three identical samples of label set s.
			batch := append(append(append([]float64{}, h...), h...), h...)
			if err := acc.Add(batch, []labelset.Set{s, s, s}); err != nil {
				panic(err)
			}
		}
	}
	met, err := acc.Result(w, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("NC1 %.3f  NC_2 %.3f  NC2(W) %.3f  NC2(H) %.3f  NC3 %.3f\n", met.NC1, met.NCm[2], met.NC2W, met.NC2H, met.NC3)
	fmt.Printf("angle ratio (m=2) %.3f  gamma_2 %.3f\n", met.Angle[2], met.Gamma[2])
	// Output:
	// NC1 0.000  NC_2 0.000  NC2(W) 0.000  NC2(H) 0.000  NC3 0.000
	// angle ratio (m=2) 0.000  gamma_2 1.750
}
