package decode_test

import (
	"fmt"

	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/decode"
	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/mat"
)

// Two training features per set. The means are (1, 0.1), (0.1, 1) and (1.1, 1); the test
// point (0.9, 0.2) is sqrt(0.02) = 0.141 from the first and sqrt(0.68) = 0.825 from the
// runner-up {0,1}, a margin of 0.683. FLOPs: 2·2·3 + 2·2 + 6·3 = 34.
func ExampleFitONN() {
	train := mat.NewDense(6, 2, []float64{
		1, 0, 1, 0.2, // {0}
		0, 1, 0.2, 1, // {1}
		1, 1, 1.2, 1, // {0,1}
	})
	sets := []labelset.Set{{0}, {0}, {1}, {1}, {0, 1}, {0, 1}}
	onn, err := decode.FitONN(2, train, sets, decode.Euclidean)
	if err != nil {
		panic(err)
	}
	p, err := onn.Predict(mat.NewDense(1, 2, []float64{0.9, 0.2}))
	if err != nil {
		panic(err)
	}
	fmt.Printf("sets seen %v; predicted %v at distance %.3f, margin %.3f\n", onn.Sets, p.Sets[0], p.Distance[0], p.Margin[0])
	fmt.Printf("FLOPs per prediction: %.0f\n", onn.FLOPsPerPrediction())
	// Output:
	// sets seen [{0} {1} {0,1}]; predicted {0} at distance 0.141, margin 0.683
	// FLOPs per prediction: 34
}

// Three well-separated clusters; logistic heads trained to a mean loss of 0.01 predict
// the set of each cluster, including the pair.
func ExampleFitOvA() {
	backend, err := nclab.NewBackend()
	if err != nil {
		panic(err)
	}
	train := mat.NewDense(6, 2, []float64{
		2, -1, 2.2, -1, // {0}
		-1, 2, -1, 2.2, // {1}
		2, 2, 2.2, 2.2, // {0,1}
	})
	sets := []labelset.Set{{0}, {0}, {1}, {1}, {0, 1}, {0, 1}}
	ova, err := decode.FitOvA(backend, 2, train, sets, decode.DefaultOvAOptions())
	if err != nil {
		panic(err)
	}
	pred, err := ova.Predict(mat.NewDense(3, 2, []float64{2.1, -1, -1, 2.1, 2.1, 2.1}))
	if err != nil {
		panic(err)
	}
	fmt.Println(pred, "target loss reached:", ova.TrainLoss <= 0.01)
	// Output: [{0} {1} {0,1}] target loss reached: true
}
