// Package computeversions times the pure-Go backend's own operations, through
// compute's API alone (no GoMLX graph package), so that the same benchmarks
// build against the compute release nclab uses (v0.1.14, GoMLX v0.28.16's) and
// against a newer one that GoMLX v0.28.16 cannot build with. README.md in this
// folder has the commands and the measurements.
package computeversions

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	_ "github.com/gomlx/compute/gobackend"
	"github.com/gomlx/compute/shapes"
)

// newBackend returns the backend GOMLX_BACKEND names, or the pure-Go one.
func newBackend(tb testing.TB) compute.Backend {
	config := os.Getenv(compute.ConfigEnvVar)
	if config == "" {
		config = "go"
	}
	backend, err := compute.NewWithConfig(config)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(backend.Finalize)
	return backend
}

// op builds one operation of a graph over its parameters.
type op func(f compute.Function, x []compute.Value) (compute.Value, error)

// compile builds op over float32 parameters of the given dimensions and
// compiles it on backend.
func compile(tb testing.TB, backend compute.Backend, o op, dims ...[]int) compute.Executable {
	builder := backend.Builder(tb.Name())
	f := builder.Main()
	params := make([]compute.Value, len(dims))
	for i, d := range dims {
		var err error
		if params[i], err = f.Parameter(string(rune('a'+i)), shapes.Make(dtypes.Float32, d...), nil); err != nil {
			tb.Fatal(err)
		}
	}
	out, err := o(f, params)
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Return([]compute.Value{out}, nil); err != nil {
		tb.Fatal(err)
	}
	exec, err := builder.Compile()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(exec.Finalize)
	return exec
}

// buffers transfers flat float32 data of the given dimensions to backend.
func buffers(tb testing.TB, backend compute.Backend, data [][]float32, dims ...[]int) []compute.Buffer {
	inputs := make([]compute.Buffer, len(dims))
	for i, d := range dims {
		var err error
		if inputs[i], err = backend.BufferFromFlatData(0, data[i], shapes.Make(dtypes.Float32, d...)); err != nil {
			tb.Fatal(err)
		}
	}
	return inputs
}

// bench compiles o over float32 parameters of the given dimensions, runs it
// once untimed, then b.N times, and reports flops/s as GFLOP/s when flops > 0.
func bench(b *testing.B, flops float64, o op, dims ...[]int) {
	backend := newBackend(b)
	exec := compile(b, backend, o, dims...)
	data := make([][]float32, len(dims))
	for i, d := range dims {
		data[i] = make([]float32, shapes.Make(dtypes.Float32, d...).Size())
		for j := range data[i] {
			data[i][j] = float32(j%7) - 3
		}
	}
	inputs := buffers(b, backend, data, dims...)
	run := func() {
		outs, err := exec.Execute(inputs, nil, 0)
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range outs {
			if err := o.Finalize(); err != nil {
				b.Fatal(err)
			}
		}
	}
	run()
	b.ResetTimer()
	for range b.N {
		run()
	}
	if flops > 0 {
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	}
}

// matmul contracts x's last axis with y's first.
func matmul(f compute.Function, x []compute.Value) (compute.Value, error) {
	return f.DotGeneral(x[0], []int{1}, nil, x[1], []int{0}, nil, compute.DotGeneralConfig{})
}

// BenchmarkMatMul1024: the dense ceiling, a 1024^3 float32 product.
func BenchmarkMatMul1024(b *testing.B) {
	bench(b, 2*1024*1024*1024, matmul, []int{1024, 1024}, []int{1024, 1024})
}

// BenchmarkConvForwardStage1: the forward product of a ResNet18 stage-1 3x3
// convolution as nclab/conv runs it unchunked: patches [128*32*32, 9*64] times
// the kernel [9*64, 64].
func BenchmarkConvForwardStage1(b *testing.B) {
	const m, k, o = 128 * 32 * 32, 9 * 64, 64
	bench(b, 2*m*k*o, matmul, []int{m, k}, []int{k, o})
}

// BenchmarkTransposeStage1: the 2-D transpose of a stage-1 cotangent [131072, 64].
func BenchmarkTransposeStage1(b *testing.B) {
	bench(b, 0, func(f compute.Function, x []compute.Value) (compute.Value, error) {
		return f.Transpose(x[0], 1, 0)
	}, []int{128 * 32 * 32, 64})
}

// stage1 is the ResNet18 stage-1 3x3 convolution: NHWC input [128, 32, 32, 64],
// HWIO kernel [3, 3, 64, 64], padding 1, NHWC output.
var stage1 = compute.ConvolveAxesConfig{
	InputBatch: 0, InputChannels: 3, InputSpatial: []int{1, 2},
	KernelInputChannels: 2, KernelOutputChannels: 3, KernelSpatial: []int{0, 1},
	OutputBatch: 0, OutputChannels: 3, OutputSpatial: []int{1, 2},
}

// weightGradAxes is the convolution GoMLX v0.28.16's gradient takes for the
// kernel of a convolution with axes a (graph.convVJPWrtKernel): the input's
// batch and channel axes swap roles, the output cotangent is the kernel, and
// the result is shaped like the original kernel.
func weightGradAxes(a compute.ConvolveAxesConfig) compute.ConvolveAxesConfig {
	return compute.ConvolveAxesConfig{
		InputBatch: a.InputChannels, InputChannels: a.InputBatch, InputSpatial: a.InputSpatial,
		KernelInputChannels: a.OutputBatch, KernelOutputChannels: a.OutputChannels, KernelSpatial: a.OutputSpatial,
		OutputBatch: a.KernelInputChannels, OutputChannels: a.KernelOutputChannels, OutputSpatial: a.KernelSpatial,
	}
}

// convolve is the backend's 3x3-window convolution with axes, stride 1 and
// padding 1, as the stage-1 layer and its kernel gradient use it.
func convolve(axes compute.ConvolveAxesConfig) op {
	return func(f compute.Function, x []compute.Value) (compute.Value, error) {
		return f.ConvGeneral(x[0], x[1], axes, []int{1, 1}, [][2]int{{1, 1}, {1, 1}}, nil, nil, 1, 1)
	}
}

// BenchmarkConvGeneralStage1: the backend's own convolution on the stage-1
// layer (the input gradient is a convolution of the same size).
func BenchmarkConvGeneralStage1(b *testing.B) {
	bench(b, 2*128*32*32*9*64*64, convolve(stage1), []int{128, 32, 32, 64}, []int{3, 3, 64, 64})
}

// BenchmarkConvGeneralStage1WeightGrad: the stage-1 kernel's gradient as
// GoMLX asks the backend for it: the input [128, 32, 32, 64] convolved with
// the output cotangent [128, 32, 32, 64], padding 1, giving [3, 3, 64, 64].
func BenchmarkConvGeneralStage1WeightGrad(b *testing.B) {
	bench(b, 2*128*32*32*9*64*64, convolve(weightGradAxes(stage1)), []int{128, 32, 32, 64}, []int{128, 32, 32, 64})
}

// TestConvGeneral checks the backend's convolution, and the one GoMLX takes
// for its kernel gradient, against loops over a small NHWC case (batch 2,
// 5 x 4 images, 3 channels in, 4 out, 3 x 3 kernel, padding 1), so that a
// fast release is timed only where it is right.
func TestConvGeneral(t *testing.T) {
	const n, h, w, c, o, k = 2, 5, 4, 3, 4, 3
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(size int) []float32 {
		v := make([]float32, size)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	x, kernel, cot := random(n*h*w*c), random(k*k*c*o), random(n*h*w*o)
	// at reads x[b, i, j, ch] with zero padding.
	at := func(b, i, j, ch int) float64 {
		if i < 0 || i >= h || j < 0 || j >= w {
			return 0
		}
		return float64(x[((b*h+i)*w+j)*c+ch])
	}
	forward := make([]float64, n*h*w*o)
	gradKernel := make([]float64, k*k*c*o)
	for b := range n {
		for i := range h {
			for j := range w {
				for di := range k {
					for dj := range k {
						for ch := range c {
							v := at(b, i+di-1, j+dj-1, ch)
							for out := range o {
								forward[((b*h+i)*w+j)*o+out] += v * float64(kernel[((di*k+dj)*c+ch)*o+out])
								gradKernel[((di*k+dj)*c+ch)*o+out] += v * float64(cot[((b*h+i)*w+j)*o+out])
							}
						}
					}
				}
			}
		}
	}
	backend := newBackend(t)
	for _, tc := range []struct {
		name string
		axes compute.ConvolveAxesConfig
		y    []float32
		dims []int
		want []float64
	}{
		{"forward", stage1, kernel, []int{k, k, c, o}, forward},
		{"kernel gradient", weightGradAxes(stage1), cot, []int{n, h, w, o}, gradKernel},
	} {
		exec := compile(t, backend, convolve(tc.axes), []int{n, h, w, c}, tc.dims)
		outs, err := exec.Execute(buffers(t, backend, [][]float32{x, tc.y}, []int{n, h, w, c}, tc.dims), nil, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := make([]float32, len(tc.want))
		if err := outs[0].ToFlatData(got); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i := range got {
			if math.Abs(float64(got[i])-tc.want[i]) > 1e-4*(1+math.Abs(tc.want[i])) {
				t.Fatalf("%s: element %d = %g, loops give %g", tc.name, i, got[i], tc.want[i])
			}
		}
	}
}
