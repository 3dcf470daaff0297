package nclab_test

import (
	"fmt"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/nclab/nclab/nclab"
)

// With GOMLX_BACKEND unset, NewBackend gives the pure-Go backend.
func ExampleNewBackend() {
	backend, err := nclab.NewBackend()
	if err != nil {
		panic(err)
	}
	defer backend.Finalize()
	double := graph.MustNewExec(backend, func(x *graph.Node) *graph.Node { return graph.MulScalar(x, 2) })
	fmt.Println(double.MustExec([]float32{1, 2, 3})[0].Value())
	// Output: [2 4 6]
}
