package loss

import (
	"fmt"
	"math"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/support/exceptions"
)

// PAL is the pick-all-labels cross-entropy of METHOD.md §2,
// L_PAL(z, S) = -sum_{k in S} log softmax(z)_k, per sample: logits and targets are
// [N, K] (targets multi-hot, same dtype), the result is [N].
func PAL(logits, targets *Node) *Node {
	checkShapes("PAL", logits, targets)
	return Neg(ReduceSum(Mul(targets, LogSoftmax(logits, -1)), -1))
}

// PALNormalized is PAL-N of METHOD.md §2: L_PAL(z, S) / |S|, with |S| = sum_k y_k.
// A target row without labels gives NaN (0/0), which training detects as divergence.
func PALNormalized(logits, targets *Node) *Node {
	checkShapes("PALNormalized", logits, targets)
	return Div(PAL(logits, targets), ReduceSum(targets, -1))
}

// OneVsAll is the binary-relevance loss of METHOD.md §2,
// sum_k BCE(sigmoid(z_k), y_k) = sum_k log(1 + e^{z_k}) - y_k z_k, per sample.
func OneVsAll(logits, targets *Node) *Node {
	checkShapes("OneVsAll", logits, targets)
	return ReduceSum(binaryCrossEntropyWithLogits(logits, targets), -1)
}

// binaryCrossEntropyWithLogits is log(1 + e^z) - y z element-wise, evaluated as
// (1 - y) z + log1p(e^-z) for z > 0 and log1p(e^z) - y z otherwise, so that a confident
// correct logit (z = 40, y = 1) gives e^-40 and not 40 - 40 = 0. Each branch sees only
// the inputs it is evaluated on (the other gets 0), so neither overflows (no NaN leaks
// into the gradient through the branch not taken) and the gradient is sigmoid(z) - y.
func binaryCrossEntropyWithLogits(z, y *Node) *Node {
	zero := ZerosLike(z)
	positive := GreaterThan(z, zero)
	zPos := Where(positive, z, zero)
	zNeg := Where(positive, zero, z)
	return Where(positive,
		Add(Mul(OneMinus(y), zPos), Log1p(Exp(Neg(zPos)))),
		Sub(Log1p(Exp(zNeg)), Mul(y, zNeg)))
}

func checkShapes(name string, logits, targets *Node) {
	if logits.Rank() != 2 || !logits.Shape().Equal(targets.Shape()) {
		exceptions.Panicf("loss.%s: logits %s and targets %s must both be [N, K] with the same dtype", name, logits.Shape(), targets.Shape())
	}
	if !logits.DType().IsFloat() {
		exceptions.Panicf("loss.%s: logits dtype %s is not a float", name, logits.DType())
	}
}

// Kind names one of the losses, for flags and hyper-parameters.
type Kind int

const (
	KindPAL           Kind = iota // "pal": PAL, the default
	KindPALNormalized             // "pal-n": PALNormalized
	KindOneVsAll                  // "ova": OneVsAll
)

var kindNames = [...]string{"pal", "pal-n", "ova"}

// String is the name ParseKind reads.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("loss.Kind(%d)", int(k))
	}
	return kindNames[k]
}

// ParseKind reads "pal", "pal-n" or "ova".
func ParseKind(name string) (Kind, error) {
	for i, n := range kindNames {
		if n == name {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("loss: unknown loss %q (want pal, pal-n or ova)", name)
}

// PerSample returns the per-sample losses [N] of this kind for logits and targets [N, K].
func (k Kind) PerSample(logits, targets *Node) *Node {
	switch k {
	case KindPAL:
		return PAL(logits, targets)
	case KindPALNormalized:
		return PALNormalized(logits, targets)
	case KindOneVsAll:
		return OneVsAll(logits, targets)
	}
	exceptions.Panicf("loss: invalid %s", k)
	return nil
}

// Reference is the float64 reference of this kind's loss for one sample with logits
// z and multi-hot targets y (len K each), computed with a max-shifted log-sum-exp.
func (k Kind) Reference(z, y []float64) float64 {
	if len(z) != len(y) {
		panic(fmt.Sprintf("loss: Reference with %d logits and %d targets", len(z), len(y)))
	}
	switch k {
	case KindPAL, KindPALNormalized:
		maxZ := math.Inf(-1)
		for _, v := range z {
			maxZ = math.Max(maxZ, v)
		}
		var sumExp float64
		for _, v := range z {
			sumExp += math.Exp(v - maxZ)
		}
		logSumExp := maxZ + math.Log(sumExp)
		var l, m float64
		for i, v := range z {
			l -= y[i] * (v - logSumExp)
			m += y[i]
		}
		if k == KindPALNormalized {
			l /= m
		}
		return l
	case KindOneVsAll:
		var l float64
		for i, v := range z {
			// log(1 + e^v) - y v without cancellation for large |v|.
			if v > 0 {
				l += (1-y[i])*v + math.Log1p(math.Exp(-v))
			} else {
				l += math.Log1p(math.Exp(v)) - y[i]*v
			}
		}
		return l
	}
	panic(fmt.Sprintf("loss: invalid %s", k))
}
