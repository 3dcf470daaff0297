package models

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/core/tensors"
)

// TestProductMatchesDot: product has Dot's value and gradients (with respect to
// both operands, through a non-linear loss), on both of its weight-gradient
// routes (x transposed: M x K no larger than the cotangent and the result;
// v and the result transposed: a narrow head), and twice in one graph (two
// gradients of different objectives, each with its own backward pass).
func TestProductMatchesDot(t *testing.T) {
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(4, 5))
	random := func(dims ...int) *tensors.Tensor {
		v := make([]float64, dims[0]*dims[1])
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return tensors.FromFlatDataAndDimensions(v, dims...)
	}
	for _, tc := range []struct{ m, k, o int }{{6, 20, 5}, {6, 5, 3}, {3, 12, 2}, {7, 7, 7}} {
		x, w := random(tc.m, tc.k), random(tc.k, tc.o)
		grads := func(mul func(x, w *Node) *Node) [][]float64 {
			out := MustExecOnceN(b, func(x, w *Node) []*Node {
				first := ReduceAllSum(Square(Sin(mul(x, w))))
				second := ReduceAllSum(Cos(mul(x, w)))
				return append(append([]*Node{first}, Gradient(first, x, w)...), Gradient(second, x, w)...)
			}, x, w)
			flat := make([][]float64, len(out))
			for i, o := range out {
				flat[i] = tensors.MustCopyFlatData[float64](o)
			}
			return flat
		}
		got := grads(product)
		want := grads(func(x, w *Node) *Node { return Dot(x, w).Product() })
		for i := range want {
			for j := range want[i] {
				if math.Abs(got[i][j]-want[i][j]) > 1e-12*(1+math.Abs(want[i][j])) {
					t.Fatalf("%+v: output %d element %d: product gives %g, Dot %g", tc, i, j, got[i][j], want[i][j])
				}
			}
		}
	}
}
