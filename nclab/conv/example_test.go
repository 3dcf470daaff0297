package conv_test

import (
	"fmt"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/conv"
)

// A 3x3 box filter (all ones) with zero padding sums each pixel's
// neighbourhood: 4 neighbours in a corner, 9 inside.
func ExampleConv2D() {
	backend, err := nclab.NewBackend()
	if err != nil {
		fmt.Println(err)
		return
	}
	image := tensors.FromFlatDataAndDimensions([]float32{1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 3, 3, 1)
	box := tensors.FromFlatDataAndDimensions([]float32{1, 1, 1, 1, 1, 1, 1, 1, 1}, 3, 3, 1, 1)
	y := graph.MustExecOnce(backend, func(x, k *graph.Node) *graph.Node { return conv.Conv2D(x, k, 1, 1) }, image, box)
	fmt.Println(tensors.MustCopyFlatData[float32](y))
	// Output:
	// [4 6 4 6 9 6 4 6 4]
}
