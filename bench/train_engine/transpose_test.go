// Package trainengine holds the minimal reproduction of a pure-Go backend
// cost found while profiling the training step (see README.md): the 2-D
// transpose of GoMLX compute v0.1.14.
package trainengine

import (
	"fmt"
	"testing"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/core/tensors"
)

// BenchmarkTranspose2D times one float32 [H, W] -> [W, H] transpose on the
// pure-Go backend, for the shapes the training step transposes: the MLP's
// first-layer input and weight gradient, a ResNet18 stage-1 cotangent
// (128 x 32 x 32 positions, 64 channels) and a 512 x 512 layer.
func BenchmarkTranspose2D(b *testing.B) {
	backend, err := compute.NewWithConfig("go")
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range [][2]int{{128, 3136}, {512, 3136}, {131072, 64}, {512, 512}} {
		b.Run(fmt.Sprintf("%dx%d", d[0], d[1]), func(b *testing.B) {
			x := tensors.FromFlatDataAndDimensions(make([]float32, d[0]*d[1]), d[0], d[1])
			exec := MustNewExec(backend, func(x *Node) *Node { return Transpose(x, 0, 1) })
			exec.MustExec(x)
			b.SetBytes(int64(4 * d[0] * d[1]))
			b.ResetTimer()
			for range b.N {
				exec.MustExec(x)
			}
		})
	}
}
