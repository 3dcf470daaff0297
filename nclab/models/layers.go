package models

import (
	"hash/fnv"
	"math"
	"math/rand/v2"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/nclab/nclab/nclab/conv"
)

// BatchNormMomentum and BatchNormEpsilon are PyTorch's BatchNorm defaults.
const (
	BatchNormMomentum = 0.1
	BatchNormEpsilon  = 1e-5
)

// builder creates the variables of one model inside a graph-building function.
// Every variable's initial value is drawn in Go from a generator seeded by the
// model seed and the variable's path, so it does not depend on the order in
// which variables are created, nor on GoMLX's random-number state.
type builder struct {
	seed     int64
	training bool
	count    *Products // when not nil, every matrix product adds its multiply-accumulates
}

// countProduct adds one product's multiply-accumulates per example to b.count
// (if set): macs in the forward pass; as many in the input gradient unless it
// is the model's first product, whose input (the image) needs none; and in
// the weight gradient when the weight is trained.
func (b *builder) countProduct(macs int64, trainedWeight bool) {
	if b.count == nil {
		return
	}
	if b.count.Forward > 0 {
		b.count.InputGradient += macs
	}
	b.count.Forward += macs
	if trainedWeight {
		b.count.WeightGradient += macs
	}
}

// uniformVariable returns the variable at scope/name, creating it with values
// drawn uniformly from [-bound, bound] (bound 0: zeros) if it does not exist.
func (b *builder) uniformVariable(scope *model.Scope, name string, bound float64, dims ...int) *model.Variable {
	if v := scope.GetVariable(name); v != nil {
		return v
	}
	n := 1
	for _, d := range dims {
		n *= d
	}
	values := make([]float32, n)
	if bound != 0 {
		h := fnv.New64a()
		_, _ = h.Write([]byte(scope.Scope() + "/" + name))
		rng := rand.New(rand.NewPCG(uint64(b.seed), h.Sum64()))
		for i := range values {
			values[i] = float32((2*rng.Float64() - 1) * bound)
		}
	}
	return scope.VariableWithValue(name, tensors.FromFlatDataAndDimensions(values, dims...))
}

// constantVariable returns the variable at scope/name, creating it filled with value.
func (b *builder) constantVariable(scope *model.Scope, name string, value float32, dims ...int) *model.Variable {
	if v := scope.GetVariable(name); v != nil {
		return v
	}
	n := 1
	for _, d := range dims {
		n *= d
	}
	values := make([]float32, n)
	for i := range values {
		values[i] = value
	}
	return scope.VariableWithValue(name, tensors.FromFlatDataAndDimensions(values, dims...))
}

// conv2D is a square convolution with PyTorch's default initialisation
// (kaiming_uniform with a = sqrt(5): U(-1/sqrt(fan_in), 1/sqrt(fan_in))), no bias
// unless asked.
func (b *builder) conv2D(scope *model.Scope, x *Node, out, k, stride, pad int, bias bool) *Node {
	in := x.Shape().Dim(3)
	bound := 1 / math.Sqrt(float64(in*k*k))
	kernel := b.uniformVariable(scope, "kernel", bound, k, k, in, out).NodeValue(x.Graph())
	y := conv.Conv2D(x, kernel, stride, pad)
	b.countProduct(int64(y.Shape().Dim(1))*int64(y.Shape().Dim(2))*int64(k*k*in)*int64(out), true)
	if bias {
		y = Add(y, ExpandLeftToRank(b.uniformVariable(scope, "bias", bound, out).NodeValue(x.Graph()), 4))
	}
	return y
}

// dense is PyTorch's Linear: x W + b with W, b ~ U(-1/sqrt(in), 1/sqrt(in)).
func (b *builder) dense(scope *model.Scope, x *Node, out int, bias bool) *Node {
	in := x.Shape().Dim(-1)
	bound := 1 / math.Sqrt(float64(in))
	w := b.uniformVariable(scope, "weights", bound, in, out).NodeValue(x.Graph())
	y := product(x, w)
	b.countProduct(int64(in)*int64(out), true)
	if bias {
		y = Add(y, ExpandLeftToRank(b.uniformVariable(scope, "bias", bound, out).NodeValue(x.Graph()), 2))
	}
	return y
}

// batchNorm normalises over every axis but the last (BatchNorm2d on NHWC,
// BatchNorm1d on [N, C]): with the batch statistics in training, updating the
// running averages (PyTorch semantics: momentum 0.1, unbiased running
// variance), and with the running averages in evaluation.
func (b *builder) batchNorm(scope *model.Scope, x *Node) *Node {
	c := x.Shape().Dim(-1)
	g := x.Graph()
	gamma := b.constantVariable(scope, "gamma", 1, c).NodeValue(g)
	beta := b.constantVariable(scope, "beta", 0, c).NodeValue(g)
	runningMean := b.constantVariable(scope, "running_mean", 0, c).SetTrainable(false)
	runningVar := b.constantVariable(scope, "running_var", 1, c).SetTrainable(false)
	if !b.training {
		return conv.Normalize(x, runningMean.NodeValue(g), runningVar.NodeValue(g), gamma, beta, BatchNormEpsilon)
	}
	y, mean, variance := normalizeBatch(x, gamma, beta)
	count := float64(x.Shape().Size() / c)
	unbiased := MulScalar(variance, count/math.Max(1, count-1))
	runningMean.SetNodeValue(conv.RunningUpdate(runningMean.NodeValue(g), mean, BatchNormMomentum))
	runningVar.SetNodeValue(conv.RunningUpdate(runningVar.NodeValue(g), unbiased, BatchNormMomentum))
	return y
}

// normalizeBatch is batch normalisation in training: conv.Normalize of x with
// its own batch statistics (conv.BatchStatistics), the gradient flowing
// through them, with the same values and gradients as GoMLX's differentiation
// of those two, but a hand-written backward pass. It also returns the
// statistics, without gradient, for the running averages.
//
// With the centred input c = x - mean, s = 1/sqrt(var + eps) and n samples
// per channel, the closed form
//
//	dbeta = sum dy, dgamma = s sum dy c,
//	dx = gamma s dy - gamma s dbeta / n - gamma s^3 c (sum dy c) / n
//
// takes seven passes over the activation (a product and two reductions, then
// dx as two products and two sums with per-channel vectors); GoMLX's
// differentiation op by op (the products, the variance's square, the
// broadcasts of the mean and of the per-channel scale) takes about twice as
// many.
//
// The cotangent dy reaches it through a custom gradient on the output, which
// builds the three gradients; x, gamma and beta pass through custom
// gradients that return them in place of GoMLX's own (left unused, so never
// computed). Every path from x, gamma or beta to an objective passes through
// the output, whose gradient is thus always taken first.
func normalizeBatch(x, gamma, beta *Node) (y, mean, variance *Node) {
	type gradients struct{ x, gamma, beta *Node }
	var back *gradients // set during the backward pass
	through := func(pick func(*gradients) *Node) func(_, v *Node) *Node {
		return func(_, v *Node) *Node {
			if back == nil {
				return v // no recorded cotangent: GoMLX's own gradient
			}
			return pick(back)
		}
	}
	xi := IdentityWithCustomGradient(x, through(func(g *gradients) *Node { return g.x }))
	gammaI := IdentityWithCustomGradient(gamma, through(func(g *gradients) *Node { return g.gamma }))
	betaI := IdentityWithCustomGradient(beta, through(func(g *gradients) *Node { return g.beta }))
	mean, variance = conv.BatchStatistics(xi)
	r := x.Rank()
	// conv.BatchStatistics's own centred input: the backends merge the two.
	centred := Sub(xi, ExpandLeftToRank(mean, r))
	y = IdentityWithCustomGradient(conv.Normalize(xi, mean, variance, gammaI, betaI, BatchNormEpsilon), func(_, dy *Node) *Node {
		axes := make([]int, r-1)
		for i := range axes {
			axes[i] = i
		}
		n := float64(x.Shape().Size() / x.Shape().Dim(-1))
		invStd := Rsqrt(AddScalar(variance, BatchNormEpsilon))
		sumDy := ReduceSum(dy, axes...)
		sumDyC := ReduceSum(Mul(dy, centred), axes...)
		gs := Mul(gamma, invStd)
		cCoef := MulScalar(Mul(Mul(gs, Square(invStd)), sumDyC), -1/n)
		shift := MulScalar(Mul(gs, sumDy), -1/n)
		dx := Add(Add(Mul(dy, ExpandLeftToRank(gs, r)), Mul(centred, ExpandLeftToRank(cCoef, r))), ExpandLeftToRank(shift, r))
		back = &gradients{x: dx, gamma: Mul(invStd, sumDyC), beta: sumDy}
		return dy
	})
	return y, StopGradient(mean), StopGradient(variance)
}

// product is Dot(x, w) for x [M, K] and w [K, O], with the same value and
// gradients, but a weight gradient in a layout the pure-Go backend's matmul
// takes as is.
//
// GoMLX v0.28.16 differentiates Dot(x, w) with respect to w as a DotGeneral
// that contracts the leading axis (M) of both the cotangent v ([M, O]) and x;
// the backend's matmul wants the contracted axis last on its left operand, so
// it transposes both, computes [O, K] and transposes that back to [K, O]:
// three 2-D transposes, the last one of the largest tensor of the layer (for
// the MLP's first layer, 3136 x 512), which the backend runs at a few ns per
// element. Here the weight gradient is x^T v, transposing only x (the right
// operand [M, O] is contracted on its leading axis, which the matmul takes
// directly), or (v^T x)^T when transposing v and the result is cheaper.
//
// The cotangent v reaches it through a custom gradient on the product, which
// records v on its way back; w passes through a custom gradient that replaces
// GoMLX's own weight gradient (left unused, so never computed) by the one
// from v. Both are set within the one backward pass that reaches them (the
// product is the only consumer of the identity on w, so the product's
// gradient is always taken first).
func product(x, w *Node) *Node {
	m, k, o := x.Shape().Dim(0), x.Shape().Dim(1), w.Shape().Dim(1)
	var v *Node // the cotangent of the product, set during the backward pass
	wc := IdentityWithCustomGradient(w, func(_, dw *Node) *Node {
		if v == nil {
			return dw // no recorded cotangent: GoMLX's own gradient
		}
		var grad *Node
		if m*k <= m*o+k*o {
			grad = DotGeneral(Transpose(x, 0, 1), []int{1}, nil, v, []int{0}, nil)
		} else {
			grad = Transpose(DotGeneral(Transpose(v, 0, 1), []int{1}, nil, x, []int{0}, nil), 0, 1)
		}
		v = nil
		return grad
	})
	return IdentityWithCustomGradient(Dot(x, wc).Product(), func(_, dy *Node) *Node {
		v = dy
		return dy
	})
}

// relu is max(x, 0) as a Where on x < 0: the same values (a NaN stays NaN)
// and the same gradient (one at x = 0, as GoMLX's Max gives), but the
// gradient is one Where, where GoMLX v0.28.16 differentiates Max(x, 0)
// through Sign(Sign(x - 0) + 1) and a product, four passes more over the
// activation.
func relu(x *Node) *Node {
	zero := ScalarZero(x.Graph(), x.DType())
	return Where(LessThan(x, zero), zero, x)
}
