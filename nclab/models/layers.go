package models

import (
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
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
	y := Dot(x, w).Product()
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
	mean, variance := conv.BatchStatistics(x)
	count := float64(x.Shape().Size() / c)
	unbiased := MulScalar(StopGradient(variance), count/math.Max(1, count-1))
	runningMean.SetNodeValue(conv.RunningUpdate(runningMean.NodeValue(g), StopGradient(mean), BatchNormMomentum))
	runningVar.SetNodeValue(conv.RunningUpdate(runningVar.NodeValue(g), unbiased, BatchNormMomentum))
	return conv.Normalize(x, mean, variance, gamma, beta, BatchNormEpsilon)
}

func relu(x *Node) *Node { return MaxScalar(x, 0) }

var _ = dtypes.Float32
