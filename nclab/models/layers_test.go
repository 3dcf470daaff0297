package models

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/nclab/nclab/nclab/conv"
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

// TestNormalizeBatchMatchesAutodiff: normalizeBatch has the value and the
// gradients (with respect to x, gamma and beta, through a non-linear loss) of
// GoMLX's differentiation of conv.Normalize with conv.BatchStatistics, for a
// batch [N, C] and an NHWC batch, and the same statistics.
func TestNormalizeBatchMatchesAutodiff(t *testing.T) {
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(6, 7))
	random := func(offset float64, dims ...int) *tensors.Tensor {
		n := 1
		for _, d := range dims {
			n *= d
		}
		v := make([]float64, n)
		for i := range v {
			v[i] = offset + rng.NormFloat64()
		}
		return tensors.FromFlatDataAndDimensions(v, dims...)
	}
	for _, dims := range [][]int{{7, 3}, {2, 3, 4, 5}} {
		c := dims[len(dims)-1]
		x, gamma, beta := random(2, dims...), random(1, c), random(0, c)
		run := func(norm func(x, gamma, beta *Node) (y, mean, variance *Node)) [][]float64 {
			out := MustExecOnceN(b, func(x, gamma, beta *Node) []*Node {
				y, mean, variance := norm(x, gamma, beta)
				loss := ReduceAllSum(Mul(Sin(y), Iota(x.Graph(), y.Shape(), 0)))
				return append([]*Node{y, mean, variance}, Gradient(loss, x, gamma, beta)...)
			}, x, gamma, beta)
			flat := make([][]float64, len(out))
			for i, o := range out {
				flat[i] = tensors.MustCopyFlatData[float64](o)
			}
			return flat
		}
		got := run(normalizeBatch)
		want := run(func(x, gamma, beta *Node) (y, mean, variance *Node) {
			mean, variance = conv.BatchStatistics(x)
			return conv.Normalize(x, mean, variance, gamma, beta, BatchNormEpsilon), mean, variance
		})
		for i := range want {
			for j := range want[i] {
				if math.Abs(got[i][j]-want[i][j]) > 1e-10*(1+math.Abs(want[i][j])) {
					t.Fatalf("%v: output %d (y, mean, variance, dx, dgamma, dbeta) element %d: %g, autodiff %g", dims, i, j, got[i][j], want[i][j])
				}
			}
		}
	}
}

// BenchmarkDenseGradient times the forward and backward pass (both gradients)
// of the MLP's first layer, batch 128, 3136 -> 512, with product and with
// GoMLX's Dot: the difference is the pure-Go backend's three transposes for
// the weight gradient of Dot (the largest, 512 x 3136, is what product avoids).
func BenchmarkDenseGradient(b *testing.B) {
	backend := testBackend(b)
	rng := rand.New(rand.NewPCG(8, 9))
	random := func(m, n int) *tensors.Tensor {
		v := make([]float32, m*n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return tensors.FromFlatDataAndDimensions(v, m, n)
	}
	x, w := random(128, 3136), random(3136, 512)
	for _, tc := range []struct {
		name string
		mul  func(x, w *Node) *Node
	}{{"product", product}, {"Dot", func(x, w *Node) *Node { return Dot(x, w).Product() }}} {
		b.Run(tc.name, func(b *testing.B) {
			exec := MustNewExec(backend, func(x, w *Node) []*Node {
				loss := ReduceAllSum(Square(tc.mul(x, w)))
				return Gradient(loss, x, w)
			})
			exec.MustExec(x, w)
			b.ResetTimer()
			for range b.N {
				exec.MustExec(x, w)
			}
		})
	}
}
