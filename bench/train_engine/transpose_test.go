// Package trainengine holds the minimal reproduction of a pure-Go backend
// cost found while profiling the training step (see README.md): the 2-D
// transpose of GoMLX compute v0.1.14.
package trainengine

import (
	"fmt"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/nclab/nclab/nclab"
)

// BenchmarkTranspose2D times one float32 [H, W] -> [W, H] transpose on the
// pure-Go backend, for the shapes the training step transposes: the MLP's
// first-layer input and weight gradient, the small CNN's first-layer patches
// and second-layer cotangent (batch 128, 56 x 56 and 28 x 28), the
// cotangents of one ResNet18 convolution per stage (128 x 32 x 32 positions
// and 64 channels, down to 128 x 4 x 4 and 512) and a 512 x 512 layer. "product" runs the same
// transpose as nclab/conv's weight gradient does for 16-256 columns: the
// product of the identity with the matrix, contracted on their last axes.
func BenchmarkTranspose2D(b *testing.B) {
	backend, err := nclab.NewBackend() // as the training step gets it (one op executor per core)
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range [][2]int{{128, 3136}, {512, 3136}, {401408, 9}, {100352, 64}, {131072, 64}, {32768, 128}, {8192, 256}, {2048, 512}, {512, 512}} {
		for _, how := range []string{"transpose", "product"} {
			b.Run(fmt.Sprintf("%s_%dx%d", how, d[0], d[1]), func(b *testing.B) {
				x := tensors.FromFlatDataAndDimensions(make([]float32, d[0]*d[1]), d[0], d[1])
				exec := MustNewExec(backend, func(x *Node) *Node {
					if how == "product" {
						eye := DiagonalWithValue(ScalarOne(x.Graph(), x.DType()), d[1])
						return DotGeneral(eye, []int{1}, nil, x, []int{1}, nil)
					}
					return Transpose(x, 0, 1)
				})
				exec.MustExec(x)[0].MustFinalizeAll()
				b.SetBytes(int64(4 * d[0] * d[1]))
				b.ResetTimer()
				for range b.N {
					exec.MustExec(x)[0].MustFinalizeAll()
				}
			})
		}
	}
}
