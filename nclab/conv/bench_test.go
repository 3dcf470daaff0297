package conv

import (
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

func randomTensor32(rng *rand.Rand, scale float64, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64() * scale)
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

// smallCNNLoss is the small CNN of the benchmarks (3 x [conv3x3 + BN + ReLU +
// max-pool 2], widths 32-64-128, global average pool, linear to 10), with a
// sum-of-logits loss: enough to time a forward and backward pass.
func smallCNNLoss(in []*Node, conv func(x, k *Node) *Node, pool func(x *Node) *Node) *Node {
	x := in[0]
	for l := range 3 {
		x = conv(x, in[1+3*l])
		m, v := BatchStatistics(x)
		x = MaxScalar(Normalize(x, m, v, in[2+3*l], in[3+3*l], 1e-5), 0)
		x = pool(x)
	}
	logits := Dot(GlobalAvgPool(x), in[10]).Product()
	return ReduceAllMean(Square(logits))
}

func benchSmallCNN(b *testing.B, conv func(x, k *Node) *Node, pool func(x *Node) *Node, batch int) {
	backend := testBackend(b)
	rng := rand.New(rand.NewPCG(1, 1))
	args := []any{randomTensor32(rng, 1, batch, 56, 56, 1)}
	cin := 1
	for _, cout := range []int{32, 64, 128} {
		args = append(args, randomTensor32(rng, 0.1, 3, 3, cin, cout),
			tensors.FromValue(make([]float32, cout)), tensors.FromValue(make([]float32, cout)))
		cin = cout
	}
	args = append(args, randomTensor32(rng, 0.1, 128, 10))
	exec := MustNewExec(backend, func(in []*Node) []*Node {
		loss := smallCNNLoss(in, conv, pool)
		return append([]*Node{loss}, Gradient(loss, in[1:]...)...)
	})
	exec.MustExec(args...)
	b.ResetTimer()
	for range b.N {
		exec.MustExec(args...)
	}
}

// BenchmarkSmallCNNStep times a forward + backward pass of the small CNN,
// batch 128, 56x56x1, with the patch convolution and the slice max-pool.
func BenchmarkSmallCNNStep(b *testing.B) {
	benchSmallCNN(b, func(x, k *Node) *Node { return Conv2D(x, k, 1, 1) },
		func(x *Node) *Node { return MaxPool2D(x, 2) }, 128)
}

// BenchmarkConvLayer times forward + backward of the middle layer alone
// (32 -> 64 channels, 28x28, batch 128) with the patch convolution ...
func BenchmarkConvLayer(b *testing.B) {
	benchConvLayer(b, func(x, k *Node) *Node { return Conv2D(x, k, 1, 1) })
}

// ... and with GoMLX's direct convolution.
func BenchmarkConvLayerNative(b *testing.B) {
	benchConvLayer(b, func(x, k *Node) *Node {
		return Convolve(x, k).PaddingPerDim([][2]int{{1, 1}, {1, 1}}).Done()
	})
}

func benchConvLayer(b *testing.B, conv func(x, k *Node) *Node) {
	backend := testBackend(b)
	rng := rand.New(rand.NewPCG(1, 1))
	x := randomTensor32(rng, 1, 128, 28, 28, 32)
	k := randomTensor32(rng, 0.1, 3, 3, 32, 64)
	exec := MustNewExec(backend, func(x, k *Node) []*Node {
		loss := ReduceAllMean(Square(conv(x, k)))
		return append([]*Node{loss}, Gradient(loss, x, k)...)
	})
	exec.MustExec(x, k)
	b.ResetTimer()
	for range b.N {
		exec.MustExec(x, k)
	}
}

// BenchmarkMaxPool2D times forward + backward of the small CNN's first
// max-pool (128 x 56 x 56 x 32, window 2), of an intermediate value as in
// the network (the backend copies a parameter it reshapes).
func BenchmarkMaxPool2D(b *testing.B) {
	backend := testBackend(b)
	rng := rand.New(rand.NewPCG(1, 1))
	x := randomTensor32(rng, 1, 128, 56, 56, 32)
	exec := MustNewExec(backend, func(x *Node) []*Node {
		y := MaxPool2D(MulScalar(x, 2), 2)
		return []*Node{Gradient(ReduceAllSum(Mul(y, y)), x)[0]}
	})
	exec.MustExec(x)
	b.ResetTimer()
	for range b.N {
		exec.MustExec(x)
	}
}

// BenchmarkConvStage1Forward times Conv2D's forward pass on ResNet18's stage-1
// layer as a training step runs it (128 x 32 x 32 x 64, 3x3 kernel to 64
// channels, padding 1: the patch gather, the chunked products and their
// concatenation), in GFLOP/s of the layer's product, to set beside the
// engine's own convolution (bench/compute_versions, ConvGeneralStage1).
func BenchmarkConvStage1Forward(b *testing.B) {
	backend := testBackend(b)
	rng := rand.New(rand.NewPCG(1, 1))
	x := randomTensor32(rng, 1, 128, 32, 32, 64)
	k := randomTensor32(rng, 0.1, 3, 3, 64, 64)
	// x is scaled first, as a layer's input is an intermediate value: the backend
	// copies a parameter that the chunks' custom gradients pass through.
	exec := MustNewExec(backend, func(x, k *Node) *Node { return Conv2D(MulScalar(x, 1), k, 1, 1) })
	exec.MustExec(x, k)
	b.ResetTimer()
	for range b.N {
		exec.MustExec(x, k)
	}
	b.ReportMetric(2*128*32*32*(9*64)*64*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
