package loss_test

import (
	"fmt"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/loss"
)

// With all logits 0, softmax is uniform: PAL on a two-label sample of K = 4 classes is
// 2 log 4, PAL-N is log 4, and one-vs-all is 4 log 2.
func ExampleKind_PerSample() {
	backend, err := nclab.NewBackend()
	if err != nil {
		panic(err)
	}
	defer backend.Finalize()
	logits := [][]float64{{0, 0, 0, 0}}
	targets := [][]float64{{0, 1, 1, 0}}
	for _, name := range []string{"pal", "pal-n", "ova"} {
		kind, err := loss.ParseKind(name)
		if err != nil {
			panic(err)
		}
		exec := graph.MustNewExec(backend, kind.PerSample)
		fmt.Printf("%-5s %.4f\n", kind, exec.MustExec(logits, targets)[0].Value().([]float64)[0])
	}
	// Output:
	// pal   2.7726
	// pal-n 1.3863
	// ova   2.7726
}
