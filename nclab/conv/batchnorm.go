package conv

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/support/exceptions"
)

// BatchStatistics returns the per-channel mean and biased variance of x over
// every axis but the last (N, H, W for NHWC; N for [N, C]), as PyTorch's
// BatchNorm uses to normalise in training.
func BatchStatistics(x *Node) (mean, variance *Node) {
	axes := make([]int, x.Rank()-1)
	for i := range axes {
		axes[i] = i
	}
	mean = ReduceMean(x, axes...)
	centred := Sub(x, ExpandLeftToRank(mean, x.Rank()))
	variance = ReduceMean(Square(centred), axes...)
	return mean, variance
}

// Normalize is batch normalisation's affine map with given statistics:
// y = gamma * (x - mean) / sqrt(variance + eps) + beta, per channel (last axis).
// In training mean and variance are the batch statistics and the gradient
// flows through them (unlike GoMLX's norm.BatchNorm in v0.28, which stops it);
// in evaluation they are the running averages.
func Normalize(x, mean, variance, gamma, beta *Node, eps float64) *Node {
	c := x.Shape().Dim(-1)
	for _, p := range []*Node{mean, variance, gamma, beta} {
		if p.Rank() != 1 || p.Shape().Dim(0) != c {
			exceptions.Panicf("conv.Normalize: want per-channel vectors of size %d, got %s", c, p.Shape())
		}
	}
	r := x.Rank()
	// Div by Sqrt rather than Rsqrt: GoMLX v0.28.16 defines no gradient for Rsqrt.
	scale := Div(gamma, Sqrt(AddScalar(variance, eps)))
	shift := Sub(beta, Mul(mean, scale))
	return Add(Mul(x, ExpandLeftToRank(scale, r)), ExpandLeftToRank(shift, r))
}

// RunningUpdate is PyTorch's running-statistics update with momentum m:
// running <- (1 - m) running + m batch. For the variance PyTorch feeds the
// unbiased batch variance (count/(count-1) times the biased one); pass it so.
func RunningUpdate(running, batch *Node, m float64) *Node {
	return Add(MulScalar(running, 1-m), MulScalar(batch, m))
}
