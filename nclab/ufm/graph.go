package ufm

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math

	"github.com/nclab/nclab/nclab/loss"
)

// Logits is z_i = W h_i + b for every sample: features h [N, d], classifier w [K, d],
// bias b [K] give [N, K] (METHOD.md §1).
//
// It computes Z^T = W H^T [K, N] and transposes it, rather than H W^T directly: the
// pure-Go backend's matmul wants the left operand's contracted axis last, and with
// Z^T the gradient dW = dZ^T H needs no transpose, where dW from Z = H W^T made the
// backend transpose all of H (N x d) every step. The two extra [N, K] transposes
// are cheaper (measured ~1.3x faster steps at N = 10,000, d = 64, K = 10).
func Logits(w, h, b *Node) *Node {
	return Add(Transpose(Einsum("kd,nd->kn", w, h), 0, 1), ExpandAxes(b, 0))
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
