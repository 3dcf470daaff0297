package conv

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	_ "github.com/gomlx/compute/gobackend"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := compute.NewWithConfig("go")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func randomTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

func flat(t *tensors.Tensor) []float64 { return tensors.MustCopyFlatData[float64](t) }

// TestConv2DMatchesConvolve compares the patch convolution with GoMLX's own
// direct convolution (an independent implementation) for several kernel
// sizes, strides and paddings, including a window that does not tile the input.
func TestConv2DMatchesConvolve(t *testing.T) {
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ n, h, w, c, o, k, s, p int }{
		{2, 7, 6, 3, 4, 3, 1, 1},
		{2, 7, 7, 3, 5, 3, 2, 1},
		{1, 8, 8, 2, 3, 1, 2, 0},
		{1, 5, 5, 1, 2, 3, 1, 0},
		{3, 9, 9, 4, 2, 5, 2, 2},
	} {
		x := randomTensor(rng, tc.n, tc.h, tc.w, tc.c)
		k := randomTensor(rng, tc.k, tc.k, tc.c, tc.o)
		ours := MustExecOnce(b, func(x, k *Node) *Node { return Conv2D(x, k, tc.s, tc.p) }, x, k)
		ref := MustExecOnce(b, func(x, k *Node) *Node {
			return Convolve(x, k).StridePerAxis(tc.s, tc.s).PaddingPerDim([][2]int{{tc.p, tc.p}, {tc.p, tc.p}}).Done()
		}, x, k)
		if !ours.Shape().Equal(ref.Shape()) {
			t.Fatalf("%+v: shape %s, Convolve gives %s", tc, ours.Shape(), ref.Shape())
		}
		wantH := OutputSize(tc.h, tc.k, tc.s, tc.p)
		if ours.Shape().Dim(1) != wantH {
			t.Errorf("%+v: output height %d, PyTorch's formula gives %d", tc, ours.Shape().Dim(1), wantH)
		}
		a, r := flat(ours), flat(ref)
		for i := range a {
			if math.Abs(a[i]-r[i]) > 1e-10 {
				t.Fatalf("%+v: element %d: %g, Convolve gives %g", tc, i, a[i], r[i])
			}
		}
	}
}

// TestConv2DNativePath runs Conv2D as it runs on XLA (graph.Convolve), here
// on the pure-Go backend, and checks its values and gradients against the
// patch path: a small layer (fewer patches than patch columns: the plain
// Dot), two whose weight gradients transpose V or the patches as a product
// with the identity, two with over productTransposeMax patch columns and
// outputs, which take the backend's Transpose again, and three in chunks of
// images (a small chunkFloats), each with a short last chunk.
func TestConv2DNativePath(t *testing.T) {
	b := testBackend(t)
	savedChunk := chunkFloats
	defer func() { chunkFloats = savedChunk }()
	rng := rand.New(rand.NewPCG(9, 10))
	for _, tc := range []struct{ n, h, w, c, o, s, chunk int }{
		{2, 7, 6, 3, 4, 2, 0},
		{1, 6, 6, 3, 20, 1, 0},     // K = 27 >= O = 20: V^T as a product
		{1, 6, 6, 2, 24, 1, 0},     // K = 18 < O = 24: P^T as a product
		{1, 17, 17, 29, 260, 1, 0}, // K = 261 >= O = 260 > 256: V^T by Transpose
		{1, 17, 17, 29, 270, 1, 0}, // K = 261 < O = 270, K > 256: P^T by Transpose
		// In chunks of images (inImageChunks), the last one short:
		{5, 6, 6, 3, 20, 1, 2 * 36 * 27}, // 2 + 2 + 1 images, K >= O
		{7, 7, 6, 3, 4, 2, 1},            // stride 2: 12 rows an image, K = 27: 3 + 3 + 1
		{4, 6, 6, 2, 24, 1, 3 * 36 * 18}, // K < O: 3 + 1
	} {
		x, k := randomTensor(rng, tc.n, tc.h, tc.w, tc.c), randomTensor(rng, 3, 3, tc.c, tc.o)
		chunkFloats = savedChunk
		if tc.chunk > 0 {
			chunkFloats = tc.chunk
			rows := OutputSize(tc.h, 3, tc.s, 1) * OutputSize(tc.w, 3, tc.s, 1)
			if per := chunkImages(rows, 9*tc.c, false); per >= tc.n {
				t.Fatalf("%+v: %d images a chunk, want fewer than %d", tc, per, tc.n)
			}
		}
		run := func(patches bool) []float64 {
			saved := usePatches
			usePatches = func(compute.Backend) bool { return patches }
			defer func() { usePatches = saved }()
			outs := MustNewExec(b, func(x, k *Node) []*Node {
				y := Conv2D(x, k, tc.s, 1)
				loss := ReduceAllSum(Mul(y, Sin(y)))
				return append([]*Node{y}, Gradient(loss, x, k)...)
			}).MustExec(x, k)
			var all []float64
			for _, o := range outs {
				all = append(all, flat(o)...)
			}
			return all
		}
		native, patched := run(false), run(true)
		for i := range native {
			if math.Abs(native[i]-patched[i]) > 1e-10 {
				t.Fatalf("%+v: value or gradient %d: native %g, patches %g", tc, i, native[i], patched[i])
			}
		}
	}
}

// TestTransposeTall checks that the weight gradient's transpose, a product
// with the identity from productTransposeMin to productTransposeMax columns
// and the backend's Transpose outside, gives the transpose bit for bit
// (float32, finite values).
func TestTransposeTall(t *testing.T) {
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(11, 12))
	for _, dims := range [][2]int{{300, 15}, {300, 16}, {257, 256}, {40, 257}} {
		v := make([]float32, dims[0]*dims[1])
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		x := tensors.FromFlatDataAndDimensions(v, dims[0], dims[1])
		got := tensors.MustCopyFlatData[float32](MustExecOnce(b, transposeTall, x))
		for r := range dims[0] {
			for c := range dims[1] {
				if want := v[r*dims[1]+c]; got[c*dims[0]+r] != want {
					t.Fatalf("%v: element [%d, %d] of the transpose is %g, want %g", dims, c, r, got[c*dims[0]+r], want)
				}
			}
		}
	}
}

// TestMaxPool2DHandComputed checks a 1x3x5x1 input pooled by 2: the last row
// and column do not fill a window and are dropped (PyTorch's floor rule).
func TestMaxPool2DHandComputed(t *testing.T) {
	b := testBackend(t)
	x := tensors.FromFlatDataAndDimensions([]float64{
		1, 5, 2, 0, 9,
		3, 4, 8, 7, 9,
		9, 9, 9, 9, 9,
	}, 1, 3, 5, 1)
	got := flat(MustExecOnce(b, func(x *Node) *Node { return MaxPool2D(x, 2) }, x))
	want := []float64{5, 8}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("MaxPool2D = %v, want %v", got, want)
	}
	got = flat(MustExecOnce(b, func(x *Node) *Node { return AvgPool2D(x, 2) }, x))
	want = []float64{(1 + 5 + 3 + 4) / 4.0, (2 + 0 + 8 + 7) / 4.0}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("AvgPool2D = %v, want %v", got, want)
	}
}

// TestMaxPool2DTiedWindow checks that a window whose values tie passes its
// gradient to one element, as PyTorch does, not to all of them.
func TestMaxPool2DTiedWindow(t *testing.T) {
	b := testBackend(t)
	x := tensors.FromFlatDataAndDimensions([]float64{3, 3, 3, 3}, 1, 2, 2, 1)
	grad := flat(MustExecOnce(b, func(x *Node) *Node { return Gradient(ReduceAllSum(MaxPool2D(x, 2)), x)[0] }, x))
	var total, nonZero float64
	for _, g := range grad {
		total += g
		if g != 0 {
			nonZero++
		}
	}
	if total != 1 || nonZero != 1 {
		t.Fatalf("gradient of a tied window = %v, want a single 1", grad)
	}
}

// TestBatchNormMatchesDefinition checks training-mode batch normalisation
// against the definition computed here in plain Go.
func TestBatchNormMatchesDefinition(t *testing.T) {
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(3, 4))
	x := randomTensor(rng, 3, 2, 2, 2)
	gamma := tensors.FromValue([]float64{1.5, -0.5})
	beta := tensors.FromValue([]float64{0.1, 2})
	got := flat(MustExecOnce(b, func(x, g, be *Node) *Node {
		m, v := BatchStatistics(x)
		return Normalize(x, m, v, g, be, 1e-5)
	}, x, gamma, beta))
	xs := flat(x)
	for c := range 2 {
		var mean, sq float64
		for i := c; i < len(xs); i += 2 {
			mean += xs[i]
		}
		mean /= 12
		for i := c; i < len(xs); i += 2 {
			sq += (xs[i] - mean) * (xs[i] - mean)
		}
		variance := sq / 12
		g, be := []float64{1.5, -0.5}[c], []float64{0.1, 2}[c]
		for i := c; i < len(xs); i += 2 {
			want := g*(xs[i]-mean)/math.Sqrt(variance+1e-5) + be
			if math.Abs(got[i]-want) > 1e-12 {
				t.Fatalf("element %d: %g, want %g", i, got[i], want)
			}
		}
	}
}

// checkGradient compares graph.Gradient of sum(f(inputs) * r), r a fixed
// random tensor, with central finite differences, in float64.
func checkGradient(t *testing.T, name string, f func(in []*Node) *Node, inputs ...*tensors.Tensor) {
	t.Helper()
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(5, 6))
	probeShape := MustExecOnce(b, func(in []*Node) *Node { return f(in) }, toAny(inputs)...).Shape()
	r := randomTensor(rng, probeShape.Dimensions...)
	objective := func(in []*Node) *Node {
		return ReduceAllSum(Mul(f(in[:len(in)-1]), in[len(in)-1]))
	}
	gradExec := MustNewExec(b, func(in []*Node) []*Node {
		return Gradient(objective(in), in[:len(in)-1]...)
	})
	valueExec := MustNewExec(b, func(in []*Node) *Node { return objective(in) })
	args := append(toAny(inputs), r)
	grads := gradExec.MustExec(args...)
	for which, in := range inputs {
		g := flat(grads[which])
		base := flat(in)
		const eps = 1e-5
		step := max(1, len(base)/40) // probe a spread of about 40 coordinates
		for i := 0; i < len(base); i += step {
			value := func(delta float64) float64 {
				v := append([]float64(nil), base...)
				v[i] += delta
				a := append([]any(nil), args...)
				a[which] = tensors.FromFlatDataAndDimensions(v, in.Shape().Dimensions...)
				return tensors.ToScalar[float64](valueExec.MustExec1(a...))
			}
			fd := (value(eps) - value(-eps)) / (2 * eps)
			if math.Abs(fd-g[i]) > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("%s: d/d input %d [%d]: gradient %.9g, finite difference %.9g", name, which, i, g[i], fd)
			}
		}
	}
}

func toAny(ts []*tensors.Tensor) []any {
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = t
	}
	return out
}

func TestGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	checkGradient(t, "Conv2D 3x3 s1 p1", func(in []*Node) *Node { return Conv2D(in[0], in[1], 1, 1) },
		randomTensor(rng, 2, 5, 5, 3), randomTensor(rng, 3, 3, 3, 4))
	checkGradient(t, "Conv2D 3x3 s2 p1", func(in []*Node) *Node { return Conv2D(in[0], in[1], 2, 1) },
		randomTensor(rng, 2, 6, 5, 2), randomTensor(rng, 3, 3, 2, 3))
	checkGradient(t, "Conv2D 1x1 s2", func(in []*Node) *Node { return Conv2D(in[0], in[1], 2, 0) },
		randomTensor(rng, 2, 6, 6, 3), randomTensor(rng, 1, 1, 3, 2))
	checkGradient(t, "Conv2D 3x3 s1 p1, fewer patch columns than outputs (P^T V branch)", func(in []*Node) *Node { return Conv2D(in[0], in[1], 1, 1) },
		randomTensor(rng, 2, 4, 4, 1), randomTensor(rng, 3, 3, 1, 12))
	checkGradient(t, "Conv2D on a 2x2 input, fewer patches than patch columns (plain Dot)", func(in []*Node) *Node { return Conv2D(in[0], in[1], 1, 1) },
		randomTensor(rng, 1, 2, 2, 4), randomTensor(rng, 3, 3, 4, 2))
	saved := chunkFloats
	chunkFloats = 1 // as many chunks as M >= K allows: 2 images each (25 rows, K = 27)
	checkGradient(t, "Conv2D 3x3 s1 p1 in chunks of 2 + 1 images", func(in []*Node) *Node { return Conv2D(in[0], in[1], 1, 1) },
		randomTensor(rng, 3, 5, 5, 3), randomTensor(rng, 3, 3, 3, 4))
	chunkFloats = saved
	// Distinct values make the maximum of each window unique, so max-pooling is differentiable there.
	perm := rng.Perm(2 * 5 * 4 * 3)
	pv := make([]float64, len(perm))
	for i, p := range perm {
		pv[i] = float64(p) / 10
	}
	checkGradient(t, "MaxPool2D", func(in []*Node) *Node { return MaxPool2D(in[0], 2) },
		tensors.FromFlatDataAndDimensions(pv, 2, 5, 4, 3))
	checkGradient(t, "AvgPool2D", func(in []*Node) *Node { return AvgPool2D(in[0], 2) },
		randomTensor(rng, 2, 5, 4, 3))
	checkGradient(t, "GlobalAvgPool", func(in []*Node) *Node { return GlobalAvgPool(in[0]) },
		randomTensor(rng, 2, 3, 3, 2))
	checkGradient(t, "BatchNorm (training, through the batch statistics)", func(in []*Node) *Node {
		m, v := BatchStatistics(in[0])
		return Normalize(in[0], m, v, in[1], in[2], 1e-5)
	}, randomTensor(rng, 4, 2, 3, 3), randomTensor(rng, 3), randomTensor(rng, 3))
}

var _ = shapes.Make

// TestPatchGradientWithoutIdentityTranspose checks that the gradient of the
// patch convolution with respect to its input reaches no Transpose that keeps
// its operand's shape (GoMLX's Dot gradient ends in one with the identity
// permutation, a full copy of the patch gradient on the pure-Go backend).
// Only nodes the gradients depend on count: GoMLX's own, unused gradient
// nodes stay in the graph.
func TestPatchGradientWithoutIdentityTranspose(t *testing.T) {
	g := NewGraph(testBackend(t), "patch_gradient")
	defer g.Finalize()
	x := Parameter(g, "x", shapes.Make(dtypes.Float32, 2, 6, 6, 3))
	k := Parameter(g, "k", shapes.Make(dtypes.Float32, 3, 3, 3, 4))
	y := Conv2D(x, k, 1, 1)
	grads := Gradient(ReduceAllSum(Mul(y, y)), x, k)
	seen := map[*Node]bool{}
	var visit func(n *Node)
	visit = func(n *Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		if n.Type() == NodeTypeTranspose && n.Inputs()[0].Shape().Equal(n.Shape()) {
			t.Errorf("gradient reaches an identity Transpose of shape %s", n.Shape())
		}
		for _, in := range n.Inputs() {
			visit(in)
		}
	}
	for _, grad := range grads {
		visit(grad)
	}
}

// TestMaxPool2DGradientMatchesGoMLX compares MaxPool2D's hand-built gradient
// with GoMLX's differentiation of the same chain of Max over Slices, on
// inputs with many ties (values drawn from {0, 1, 2}), windows 2 and 3, and
// a window that does not tile the input.
func TestMaxPool2DGradientMatchesGoMLX(t *testing.T) {
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(11, 12))
	reference := func(x *Node, s int) *Node {
		n, h, w, c := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
		x = Slice(x, AxisRange(), AxisRange(0, h/s*s), AxisRange(0, w/s*s))
		maxOf := func(x *Node) *Node { // [A, s, B] -> [A, B]
			var m *Node
			for i := range s {
				sl := Reshape(Slice(x, AxisRange(), AxisElem(i)), x.Shape().Dim(0), x.Shape().Dim(2))
				if m == nil {
					m = sl
				} else {
					m = Max(m, sl)
				}
			}
			return m
		}
		rows := maxOf(Reshape(x, n*(h/s), s, w/s*s*c))
		return Reshape(maxOf(Reshape(rows, n*(h/s)*(w/s), s, c)), n, h/s, w/s, c)
	}
	for _, tc := range []struct{ n, h, w, c, s int }{{2, 6, 4, 3, 2}, {1, 7, 9, 2, 3}, {2, 5, 5, 1, 2}} {
		v := make([]float64, tc.n*tc.h*tc.w*tc.c)
		for i := range v {
			v[i] = float64(rng.IntN(3))
		}
		x := tensors.FromFlatDataAndDimensions(v, tc.n, tc.h, tc.w, tc.c)
		run := func(pool func(*Node, int) *Node) []float64 {
			outs := MustNewExec(b, func(x *Node) []*Node {
				y := pool(x, tc.s)
				r := Iota(x.Graph(), y.Shape(), -1) // distinct cotangents per channel
				return []*Node{y, Gradient(ReduceAllSum(Mul(y, AddScalar(r, 1))), x)[0]}
			}).MustExec(x)
			return append(flat(outs[0]), flat(outs[1])...)
		}
		got, want := run(MaxPool2D), run(reference)
		if len(got) != len(want) {
			t.Fatalf("%+v: %d values, reference %d", tc, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%+v: value or gradient %d: %g, GoMLX's gradient gives %g", tc, i, got[i], want[i])
			}
		}
	}
}
