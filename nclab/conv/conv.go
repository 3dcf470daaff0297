package conv

import (
	"math"
	"slices"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/support/exceptions"
)

// OutputSize is the spatial output size of a convolution or pooling window of
// size k, stride s and symmetric zero padding p over an input of size n:
// floor((n + 2p - k) / s) + 1, as in PyTorch.
func OutputSize(n, k, s, p int) int {
	return (n+2*p-k)/s + 1
}

// Patches gathers the k x k neighbourhoods of an NHWC image batch x
// ([N, H, W, C]) with stride s and zero padding p into
// [N, H', W', k*k*C], the feature index being (i*k + j)*C + c for the tap
// (i, j) of the window and channel c (im2col in NHWC order).
//
// It is one Pad and one GatherSlices: in the padded image viewed as
// [N*Hp, Wp, C], each window is one k x k slice, whose k rows are k
// contiguous blocks of k*C values, which the pure-Go backend copies with
// memmove (and scatters back, in the gradient, block by block). The start
// indices are a constant of N*H'*W' pairs of int32. This replaced k*k
// strided Slices and a Concatenate, which the backend runs element by
// element (2.5x faster for the small CNN's middle layer), then a gather of
// the k window rows as k slices, whose per-slice cost dominated narrow
// layers: Patches and its gradient on 128 x 32 x 32 x C, 3x3, 2 cores of an
// AMD EPYC Zen 4, C = 8: 35-41 -> 25-27 ms; C = 64: 140-161 -> 144-152 ms.
func Patches(x *Node, k, s, p int) *Node {
	if x.Rank() != 4 {
		exceptions.Panicf("conv.Patches: want an NHWC tensor of rank 4, got shape %s", x.Shape())
	}
	n, h, w, c := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	outH, outW := OutputSize(h, k, s, p), OutputSize(w, k, s, p)
	if outH <= 0 || outW <= 0 {
		exceptions.Panicf("conv.Patches: window %d (stride %d, padding %d) larger than the input %dx%d", k, s, p, h, w)
	}
	if k == 1 && s == 1 && p == 0 {
		return x
	}
	hp, wp := h+2*p, w+2*p
	if p > 0 {
		x = padImage(x, p)
	}
	if n*hp*wp > math.MaxInt32 {
		exceptions.Panicf("conv.Patches: input %s too large for int32 row indices", x.Shape())
	}
	starts := make([]int32, 0, 2*n*outH*outW)
	for b := range n {
		for a := range outH {
			for col := range outW {
				starts = append(starts, int32(b*hp+s*a), int32(s*col))
			}
		}
	}
	rows := Reshape(x, n*hp, wp, c)
	startNode := Reshape(Const(x.Graph(), starts), n*outH*outW, 2)
	windows := GatherSlices(rows, []int{0, 1}, startNode, []int{k, k}, true) // [N*H'*W', k, k, C]
	return Reshape(windows, n, outH, outW, k*k*c)
}

// padImage zero-pads the spatial axes of an NHWC batch x by p on each side,
// with the gradient of the Pad (the interior of the padded cotangent) taken
// by one GatherSlices of N*H contiguous runs of W*C values, which the pure-Go
// backend copies with memmove, in place of GoMLX's Slice, which it copies
// element by element. The padded cotangent reaches it through a custom
// gradient on the Pad's output, which records it; x passes through a custom
// gradient that returns its interior in place of GoMLX's own (left unused,
// so never computed).
func padImage(x *Node, p int) *Node {
	n, h, w, c := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	hp, wp := h+2*p, w+2*p
	if n*hp > math.MaxInt32 || wp*c > math.MaxInt32 {
		exceptions.Panicf("conv.Patches: input %s too large for int32 indices", x.Shape())
	}
	var padded *Node // the cotangent of the padded image, set during the backward pass
	x = IdentityWithCustomGradient(x, func(_, dx *Node) *Node {
		if padded == nil {
			return dx // no recorded cotangent: GoMLX's own gradient
		}
		starts := make([]int32, 0, 2*n*h)
		for b := range n {
			for a := range h {
				starts = append(starts, int32(b*hp+p+a), int32(p*c))
			}
		}
		rows := Reshape(padded, n*hp, wp*c)
		interior := GatherSlices(rows, []int{0, 1}, Reshape(Const(x.Graph(), starts), n*h, 2), []int{1, w * c}, true)
		padded = nil
		return Reshape(interior, n, h, w, c)
	})
	zero := ScalarZero(x.Graph(), x.DType())
	y := Pad(x, zero, compute.PadAxis{}, compute.PadAxis{Start: p, End: p}, compute.PadAxis{Start: p, End: p}, compute.PadAxis{})
	return IdentityWithCustomGradient(y, func(_, v *Node) *Node {
		padded = v
		return v
	})
}

// usePatches reports whether Conv2D runs as Patches and a matrix product on
// backend: on the pure-Go backend ("go"), whose direct convolution is a
// scalar loop. Other backends (XLA on CPU or CUDA) get graph.Convolve, their
// native convolution. A variable so that tests can take either path.
var usePatches = func(backend compute.Backend) bool { return backend.String() == "go" }

// Conv2D is the 2-D cross-correlation of an NHWC batch x ([N, H, W, C]) with
// a square kernel ([k, k, C, O]), stride s and zero padding p, as PyTorch's
// Conv2d (without bias): y[n, a, b, o] = sum_{i,j,c} x[n, s*a+i-p, s*b+j-p, c] kernel[i, j, c, o].
// On the pure-Go backend it runs as Patches followed by a matrix product (see
// patchProducts), which uses the vectorised matmul instead of the scalar
// direct convolution, in chunks of images when the patch matrix is large (see
// inImageChunks); on other backends (XLA) it is graph.Convolve.
func Conv2D(x, kernel *Node, s, p int) *Node {
	if kernel.Rank() != 4 || kernel.Shape().Dim(0) != kernel.Shape().Dim(1) {
		exceptions.Panicf("conv.Conv2D: want a square kernel [k, k, C, O], got shape %s", kernel.Shape())
	}
	k, c := kernel.Shape().Dim(0), kernel.Shape().Dim(2)
	if x.Rank() != 4 || x.Shape().Dim(3) != c {
		exceptions.Panicf("conv.Conv2D: input %s does not match kernel %s (NHWC with C=%d)", x.Shape(), kernel.Shape(), c)
	}
	if !usePatches(x.Graph().Backend()) {
		return Convolve(x, kernel).StridePerAxis(s, s).PaddingPerDim([][2]int{{p, p}, {p, p}}).Done()
	}
	n, outH, outW := x.Shape().Dim(0), OutputSize(x.Shape().Dim(1), k, s, p), OutputSize(x.Shape().Dim(2), k, s, p)
	per := chunkImages(outH*outW, k*k*c, k == 1 && s == 1 && p == 0)
	if per >= n {
		return patchConvs([]*Node{x}, kernel, s, p)[0]
	}
	return inImageChunks(x, per, func(chunks []*Node) []*Node { return patchConvs(chunks, kernel, s, p) })
}

// patchConvs is Conv2D on the pure-Go backend of each batch in xs with the
// same kernel: Patches and patchProducts.
func patchConvs(xs []*Node, kernel *Node, s, p int) []*Node {
	k, c, o := kernel.Shape().Dim(0), kernel.Shape().Dim(2), kernel.Shape().Dim(3)
	matrices := make([]*Node, len(xs))
	outDims := make([][]int, len(xs)) // [N, H', W', O] of each result
	for i, x := range xs {
		patches := Patches(x, k, s, p)
		n, outH, outW := patches.Shape().Dim(0), patches.Shape().Dim(1), patches.Shape().Dim(2)
		matrices[i] = Reshape(patches, n*outH*outW, k*k*c)
		outDims[i] = []int{n, outH, outW, o}
	}
	ys := patchProducts(matrices, Reshape(kernel, k*k*c, o))
	for i := range ys {
		ys[i] = Reshape(ys[i], outDims[i]...)
	}
	return ys
}

// chunkFloats is the size, in float32 values, of the patch matrix of one
// chunk of images in Conv2D (see inImageChunks): 8 MB. ResNet18 steps
// (2 cores of an AMD EPYC Zen 4, 4 steps each): 3.39-3.59 s with 8 MB,
// 3.41-4.24 s with 16 MB, 3.90-4.47 s with 4 MB, whose more numerous products
// each allocate the backend's 2000-item work channel (runtime.makechan 8 %
// of the CPU). A variable so that tests can take the chunked path on small
// inputs.
var chunkFloats = 1 << 21

// chunkImages is the number of images per chunk for a patch convolution
// with rows patch rows an image, each of k values: as many as fill
// chunkFloats, but enough for at least k rows (patchProducts' weight
// gradient wants M >= K); or MaxInt (no chunks) for a 1x1 convolution of
// stride 1 (identity: its patches are the input itself).
func chunkImages(rows, k int, identity bool) int {
	if identity {
		return math.MaxInt
	}
	return max(chunkFloats/(rows*k), (k+rows-1)/rows, 1)
}

// inImageChunks applies f, a function of NHWC batches that treats each image
// on its own (convolutions), to the consecutive chunks of per images of x
// and concatenates its results along the batch axis.
//
// Why: the patch matrix of a large convolution (ResNet18's 64-channel layers:
// 302 MB at batch 128) leaves the cache between the gather that writes it and
// the matrix product that packs it, and the pure-Go backend runs the gather on
// one thread. In chunks, each chunk's patches are packed while still in the
// cache, and the backend's op executors gather one chunk while the product of
// another runs. The forward pass of ResNet18's stage-1 convolution
// (128 x 32 x 32 x 64, 3x3), 2 cores of an AMD EPYC Zen 4: 259 ms whole,
// 186 ms in 32 chunks of four images, 173 ms in 64 of two. The ResNet18
// step, alternating runs: 3.95 / 4.48 / 4.63 s whole, 3.71 / 3.63 / 4.08 s
// in chunks of chunkFloats; the small CNN 0.41-0.48 s whole and 0.37-0.47 s
// in chunks (no difference within the noise).
//
// Each chunk is one GatherSlices of contiguous images (a memmove). Their
// gradients, each scattered by GoMLX into a zero tensor of x's full shape,
// would cost a fill and an add of x per chunk; and GoMLX's gradient of the
// Concatenate is a Slice per chunk, which the backend copies element by
// element. Instead the output's cotangent is recorded by a custom gradient on
// the output and handed to each chunk's result as one GatherSlices, each
// chunk's own cotangent is recorded by a custom gradient on the chunk, and x
// passes through a custom gradient that concatenates those (GoMLX's own
// gradients are left unused, so never computed). The nodes are built in the
// order x, chunks, results, output, so that GoMLX, which takes the gradients
// in the reverse order of node creation, reaches each recording first.
func inImageChunks(x *Node, per int, f func(chunks []*Node) []*Node) *Node {
	n := x.Shape().Dim(0)
	if n > math.MaxInt32 {
		exceptions.Panicf("conv: batch %s too large for int32 indices", x.Shape())
	}
	count := (n + per - 1) / per
	cotangents := make([]*Node, count) // set during the backward pass
	x = IdentityWithCustomGradient(x, func(_, dx *Node) *Node {
		if slices.Contains(cotangents, nil) {
			return dx // not every chunk's cotangent recorded: GoMLX's own gradient
		}
		grad := Concatenate(cotangents, 0)
		clear(cotangents)
		return grad
	})
	chunks := make([]*Node, count)
	for i := range chunks {
		chunks[i] = IdentityWithCustomGradient(leadingBlock(x, i*per, min(per, n-i*per)), func(_, v *Node) *Node {
			cotangents[i] = v
			return v
		})
	}
	var dy *Node // the cotangent of the output, set during the backward pass
	ys := f(chunks)
	for i, y := range ys {
		ys[i] = IdentityWithCustomGradient(y, func(_, v *Node) *Node {
			if dy == nil {
				return v // no recorded cotangent: GoMLX's own gradient
			}
			return leadingBlock(dy, i*per, min(per, n-i*per))
		})
	}
	return IdentityWithCustomGradient(Concatenate(ys, 0), func(_, v *Node) *Node {
		dy = v
		return v
	})
}

// leadingBlock is x[start : start+size] along the leading axis, as one
// GatherSlices of a contiguous run, which the pure-Go backend copies with
// memmove (its Slice copies element by element).
func leadingBlock(x *Node, start, size int) *Node {
	dims := x.Shape().Dimensions
	rows := Reshape(x, dims[0], x.Shape().Size()/dims[0])
	block := GatherSlices(rows, []int{0}, Reshape(Const(x.Graph(), []int32{int32(start)}), 1, 1), []int{size}, true)
	return Reshape(block, append([]int{size}, dims[1:]...)...)
}

// patchProducts returns the matrix products y_i = P_i W of patch matrices P_i
// ([M_i, K]) with one flattened kernel W ([K, O]), with the same values and
// gradients as Dot(P_i, W) but a cheaper weight gradient on the pure-Go
// backend.
//
// GoMLX v0.28.16 differentiates Dot(P, W) with respect to W as a DotGeneral
// that contracts the leading axis (M) of both the cotangent V ([M, O]) and P;
// the backend's matmul wants the contracted axis last on its left operand, so
// it transposes both, the patch matrix included (M x K, the largest tensor of
// the layer). Here the products run with W behind a StopGradient, and their
// cotangents V_i are recorded by custom gradients on the products. The weight
// gradient W' = sum_i P_i^T V_i is attached through a zero-valued term
// z = ReduceSum_rows(W - StopGradient(W)) ([O]) added to every row of each
// product, whose custom gradient computes W' from the recorded V_i,
// transposing only the smaller of P_i and V_i: V_i^T [O, M] times P_i (right
// operand contracted on its leading axis, which the backend takes as is), the
// sum transposed once, or P_i^T [K, M] times V_i. The cotangent GoMLX hands
// that term (V summed over the rows) is left unused, so never computed.
// GoMLX takes the gradients in the reverse order of node creation, so z is
// built before the products: their gradients, which record the V_i, always
// come first. (Before, the term was W - StopGradient(W) padded with M - K
// zero rows: two M x O zero fills a step, 8 % of the quick preset's training
// time.) When a single P has M < K the plain Dot is used.
//
// The patch gradient P_i' = V_i W^T is one DotGeneral contracting the last
// axes of V_i and W, which the backend's matmul takes as is. GoMLX's own
// gradient of Dot is the same product followed by a TransposeAllAxes with the
// identity permutation, which the pure-Go backend runs as a full copy of the
// [M, K] result (for ResNet18's 64-channel layers, 128 x 32 x 32 x 576 floats
// per layer). The patches pass through a custom gradient that returns V_i W^T
// in place of GoMLX's own (left unused, so never computed). The product is
// the only consumer of that identity in the forward pass (the weight gradient
// reads it in the backward pass), so its gradient is always taken first.
// The weight gradient reads the patches behind that identity, not before it:
// the pure-Go backend copies an Identity's input unless the Identity is its
// only consumer (measured: 16 % of a ResNet18 step's CPU in those copies of
// the patch matrix, the step 3.95-4.02 -> 3.61-3.74 s without them).
func patchProducts(patches []*Node, weights *Node) []*Node {
	k, o := weights.Shape().Dim(0), weights.Shape().Dim(1)
	if len(patches) == 1 && patches[0].Shape().Dim(0) < k {
		return []*Node{Dot(patches[0], weights).Product()}
	}
	frozen := StopGradient(weights)
	vs := make([]*Node, len(patches))        // the cotangents of the products, set during the backward pass
	patchesIn := make([]*Node, len(patches)) // the patches behind their custom gradients, set below
	// Sub(weights, frozen) is zero with gradient one.
	zero := IdentityWithCustomGradient(Sub(weights, frozen), func(_, _ *Node) *Node {
		if slices.Contains(vs, nil) {
			exceptions.Panicf("conv: the weight gradient of a patch product was taken before its cotangent was recorded")
		}
		var sum *Node
		for i, v := range vs {
			var term *Node
			if k < o {
				term = DotGeneral(transposeTall(patchesIn[i]), []int{1}, nil, v, []int{0}, nil)
			} else {
				term = DotGeneral(transposeTall(v), []int{1}, nil, patchesIn[i], []int{0}, nil)
			}
			if sum == nil {
				sum = term
			} else {
				sum = Add(sum, term)
			}
		}
		clear(vs)
		if k < o {
			return sum
		}
		return Transpose(sum, 0, 1)
	})
	rowOfZeros := ExpandAxes(ReduceSum(zero, 0), 0) // [1, O]
	ys := make([]*Node, len(patches))
	for i, p := range patches {
		patchesIn[i] = IdentityWithCustomGradient(p, func(_, dp *Node) *Node {
			if vs[i] == nil {
				return dp // no recorded cotangent: GoMLX's own gradient
			}
			return DotGeneral(vs[i], []int{1}, nil, frozen, []int{1}, nil) // [M, K]
		})
		y := IdentityWithCustomGradient(Dot(patchesIn[i], frozen).Product(), func(_, dy *Node) *Node {
			vs[i] = dy
			return dy
		})
		ys[i] = Add(y, rowOfZeros)
	}
	return ys
}

// productTransposeMin and productTransposeMax bound the column counts for
// which transposeTall transposes as a product with the identity; narrower and
// wider matrices take the backend's Transpose.
const productTransposeMin, productTransposeMax = 16, 256

// transposeTall returns the transpose [C, R] of a tall matrix x ([R, C]) for
// the weight gradients of patchProducts. With productTransposeMin to
// productTransposeMax columns it is the product I_C x^T, one DotGeneral
// contracting the last axes of the identity and x, which the pure-Go
// backend's matmul takes as is (it packs x row by row): the backend's own 2-D
// transpose writes the output's columns H elements apart and runs at about
// 1 GB/s on such shapes (see bench/train_engine). The product costs 2 C^2 R
// flops; each output element is one x times 1 plus zeros, so the values are
// x's (a -0 becomes +0, and an infinite entry turns its row of the product
// into NaN, as any NaN stop reports). BenchmarkTranspose2D on 2 cores of an
// Intel Xeon with AVX-512, Transpose -> product: 401408 x 16 21.5 -> 8.2 ms,
// 131072 x 64 31 -> 11 ms, 32768 x 128 15 -> 7.4 ms, 8192 x 256 7.9 -> 5.3 ms;
// but 401408 x 9 4.1 -> 5.5 ms and 2048 x 512 4.1 -> 5.3 ms (on an AMD EPYC
// Zen 4, 131072 x 64 32 -> 23 ms).
func transposeTall(x *Node) *Node {
	c := x.Shape().Dim(1)
	if c < productTransposeMin || c > productTransposeMax {
		return Transpose(x, 0, 1)
	}
	eye := DiagonalWithValue(ScalarOne(x.Graph(), x.DType()), c)
	return DotGeneral(eye, []int{1}, nil, x, []int{1}, nil)
}

// MaxPool2D is the non-overlapping max-pooling of an NHWC batch over s x s
// windows with stride s (PyTorch's MaxPool2d(s)): rows and columns that do not
// fill a window are dropped. It takes the maximum over the s rows of each
// window (s row gathers of contiguous blocks and element-wise Max, see
// maxOverAxis1), then over its s columns the same way. Like PyTorch it sends
// the gradient of a tied window to one element rather than to all of them.
// Forward and backward of the small CNN's first pool (128 x 56 x 56 x 32,
// 2 shared cores, alternating runs): 145-192 ms with Slices and GoMLX's
// gradient of Max, 56-58 ms with gathers and the hand-built gradient (a
// Reshape to [N, H/s, s, W/s, s, C] and a ReduceMax was 2x slower than the
// Slices).
func MaxPool2D(x *Node, s int) *Node {
	windows := poolWindows("MaxPool2D", x, s) // [N, H/s, s, W/s, s, C]
	n, outH, outW, c := windows.Shape().Dim(0), windows.Shape().Dim(1), windows.Shape().Dim(3), windows.Shape().Dim(5)
	rows := Reshape(windows, n*outH, s, outW*s*c)
	colsMax := maxOverAxis1(rows) // [N*H/s, W/s*s*C]
	cols := Reshape(colsMax, n*outH*outW, s, c)
	return Reshape(maxOverAxis1(cols), n, outH, outW, c)
}

// maxOverAxis1 reduces x [A, s, B] to [A, B] by the element-wise Max of its s
// slices along axis 1, with the gradient GoMLX v0.28.16 gives that chain of
// Max (the first of tied slices takes it) but built by hand: walking the
// chain back, one comparison and two Wheres per Max, then one Concatenate of
// the s slice gradients into [A, s, B]. GoMLX's own takes, per Max, a
// subtraction, a sign indicator, its complement and two products, then, per
// slice, a zero-filled Pad of the whole [A, s, B] and their sum.
//
// The cotangent reaches it through a custom gradient on the output, which
// records it; x passes through a custom gradient that returns the
// hand-built one in place of GoMLX's own (left unused, so never computed).
func maxOverAxis1(x *Node) *Node {
	a, s, b := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	var dm *Node // the cotangent of the maximum, set during the backward pass
	var slices, partial []*Node
	x = IdentityWithCustomGradient(x, func(_, dx *Node) *Node {
		if dm == nil {
			return dx // no recorded cotangent: GoMLX's own gradient
		}
		zero := ScalarZero(x.Graph(), x.DType())
		grads := make([]*Node, s)
		g := dm
		for i := s - 1; i > 0; i-- {
			// Max(partial[i-1], slices[i]) passes its gradient to the left when left >= right.
			left := GreaterOrEqual(partial[i-1], slices[i])
			grads[i] = Reshape(Where(left, zero, g), a, 1, b)
			g = Where(left, g, zero)
		}
		grads[0] = Reshape(g, a, 1, b)
		dm = nil
		return Concatenate(grads, 1)
	})
	rows := Reshape(x, a*s, b) // one Reshape: the backend copies a buffer that has other uses
	for i := range s {
		slices = append(slices, everyRow(rows, s, i))
		if i == 0 {
			partial = append(partial, slices[0])
		} else {
			partial = append(partial, Max(partial[i-1], slices[i]))
		}
	}
	return IdentityWithCustomGradient(partial[s-1], func(_, v *Node) *Node {
		dm = v
		return v
	})
}

// everyRow returns the rows i, i+s, i+2s, ... of rows ([A*s, B]) as [A, B]
// (x[:, i, :] of x [A, s, B]), by one GatherSlices of A contiguous runs of B
// values, which the pure-Go backend copies with memmove: its Slice copies
// element by element.
func everyRow(rows *Node, s, i int) *Node {
	n, b := rows.Shape().Dim(0), rows.Shape().Dim(1)
	if n > math.MaxInt32 {
		exceptions.Panicf("conv: %s too large for int32 row indices", rows.Shape())
	}
	starts := make([]int32, n/s)
	for r := range starts {
		starts[r] = int32(r*s + i)
	}
	picked := GatherSlices(rows, []int{0}, Reshape(Const(rows.Graph(), starts), n/s, 1), []int{1}, true)
	return Reshape(picked, n/s, b)
}

// GlobalAvgPool averages an NHWC batch over its spatial axes: [N, H, W, C] -> [N, C].
func GlobalAvgPool(x *Node) *Node {
	if x.Rank() != 4 {
		exceptions.Panicf("conv.GlobalAvgPool: want an NHWC tensor of rank 4, got shape %s", x.Shape())
	}
	return ReduceMean(x, 1, 2)
}

// AvgPool2D is the non-overlapping average pooling of an NHWC batch over s x s
// windows with stride s (PyTorch's AvgPool2d(s)), dropping rows and columns
// that do not fill a window.
func AvgPool2D(x *Node, s int) *Node {
	return ReduceMean(poolWindows("AvgPool2D", x, s), 2, 4)
}

// poolWindows reshapes an NHWC batch to [N, H/s, s, W/s, s, C], dropping the rows
// and columns that do not fill an s x s window, so that a reduction over axes 2
// and 4 pools each window. op names the caller in panics.
func poolWindows(op string, x *Node, s int) *Node {
	if x.Rank() != 4 {
		exceptions.Panicf("conv.%s: want an NHWC tensor of rank 4, got shape %s", op, x.Shape())
	}
	n, h, w, c := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	outH, outW := h/s, w/s
	if outH == 0 || outW == 0 {
		exceptions.Panicf("conv.%s: window %d larger than the input %dx%d", op, s, h, w)
	}
	if outH*s != h || outW*s != w {
		x = Slice(x, AxisRange(), AxisRange(0, outH*s), AxisRange(0, outW*s))
	}
	return Reshape(x, n, outH, s, outW, s, c)
}
