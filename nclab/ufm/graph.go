package ufm

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/nclab/nclab/nclab/loss"
)

// Logits is z_i = W h_i + b for every sample: features h [N, d], classifier w [K, d],
// bias b [K] give [N, K] (METHOD.md §1).
//
// Z = H W^T is one product in the layout the pure-Go backend's matmul runs without
// moving H: H contracted on its last axis, the small W on its last. GoMLX's own
// gradient of that product contracts the cotangent G [N, K] on its first axis for
// dW = G^T H, which the backend runs only after transposing all of H (N x d) every
// step. The custom gradients here take dW = (G^T) H, transposing the small G instead,
// and dH = G W; each is the product's exact vector-Jacobian product for any cotangent
// and reads W and H themselves, so a second reverse pass (HessianVectorProduct)
// differentiates through them. Against the earlier Z^T = W H^T (its transposed H packed
// by the backend's generic code every step; ~1.3x faster than GoMLX's gradient of
// H W^T), a gradient-descent step at N = 10,000, d = 64, K = 10 took 3.9-4.4 -> 2.7-3.2
// ms in float32 and 6.1-6.9 -> 4.9-5.7 ms in float64 (alternating runs, 2-core AMD
// EPYC Zen 5; 3.4 -> 2.6 ms on its AVX2 path).
func Logits(w, h, b *Node) *Node {
	var g *Node // the cotangent of H W^T, recorded during the backward pass
	cotangent := func() *Node {
		if g == nil {
			exceptions.Panicf("ufm: the gradient of Logits was taken before its cotangent was recorded")
		}
		return g
	}
	frozen := StopGradient(w)
	// Sub(w, frozen) is zero, with w's gradient G^T H.
	zero := IdentityWithCustomGradient(Sub(w, frozen), func(_, _ *Node) *Node {
		return DotGeneral(Transpose(cotangent(), 0, 1), []int{1}, nil, h, []int{0}, nil)
	})
	hIn := IdentityWithCustomGradient(h, func(_, _ *Node) *Node {
		return DotGeneral(cotangent(), []int{1}, nil, w, []int{0}, nil)
	})
	// Created last, so its gradient is taken first: it records G for the two above.
	z := IdentityWithCustomGradient(DotGeneral(hIn, []int{1}, nil, frozen, []int{1}, nil), func(_, v *Node) *Node {
		g = v
		return v
	})
	return Add(z, ExpandAxes(Add(b, ReduceSum(zero, 1)), 0))
}

// ObjectiveGraph is the UFM objective of METHOD.md §3 as a scalar graph node:
// (1/N) sum_i L(W h_i + b, S_i) + lW/2 ||W||^2 + lH/2 ||H||^2 + lb/2 ||b||^2, with L the
// PAL (or PAL-N) loss of nclab/loss and targets the multi-hot rows [N, K].
func (p Problem) ObjectiveGraph(w, h, b, targets *Node) *Node {
	perSample := loss.PAL
	if p.Normalized {
		perSample = loss.PALNormalized
	}
	data := MulScalar(ReduceAllSum(perSample(Logits(w, h, b), targets)), p.lossScale())
	return Add(data, Add(p.decay(p.LambdaW, w), Add(p.decay(p.LambdaH, h), p.decay(p.LambdaB, b))))
}

// decay is lambda/2 ||x||^2.
func (p Problem) decay(lambda float64, x *Node) *Node {
	return MulScalar(ReduceAllSum(Square(x)), lambda/2)
}
