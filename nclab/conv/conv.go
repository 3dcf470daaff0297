package conv

import (
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
// (i, j) of the window and channel c (im2col in NHWC order). It is built from
// one Pad, k*k strided Slices and one Concatenate, whose gradients the pure-Go
// backend computes exactly.
func Patches(x *Node, k, s, p int) *Node {
	if x.Rank() != 4 {
		exceptions.Panicf("conv.Patches: want an NHWC tensor of rank 4, got shape %s", x.Shape())
	}
	h, w := x.Shape().Dim(1), x.Shape().Dim(2)
	outH, outW := OutputSize(h, k, s, p), OutputSize(w, k, s, p)
	if outH <= 0 || outW <= 0 {
		exceptions.Panicf("conv.Patches: window %d (stride %d, padding %d) larger than the input %dx%d", k, s, p, h, w)
	}
	if p > 0 {
		zero := ScalarZero(x.Graph(), x.DType())
		x = Pad(x, zero, compute.PadAxis{}, compute.PadAxis{Start: p, End: p}, compute.PadAxis{Start: p, End: p}, compute.PadAxis{})
	}
	if k == 1 {
		if s == 1 {
			return x
		}
		return Slice(x, AxisRange(), AxisRange(0, s*(outH-1)+1).Stride(s), AxisRange(0, s*(outW-1)+1).Stride(s))
	}
	taps := make([]*Node, 0, k*k)
	for i := range k {
		for j := range k {
			taps = append(taps, Slice(x, AxisRange(),
				AxisRange(i, i+s*(outH-1)+1).Stride(s),
				AxisRange(j, j+s*(outW-1)+1).Stride(s)))
		}
	}
	return Concatenate(taps, 3)
}

// Conv2D is the 2-D cross-correlation of an NHWC batch x ([N, H, W, C]) with
// a square kernel ([k, k, C, O]), stride s and zero padding p, as PyTorch's
// Conv2d (without bias): y[n, a, b, o] = sum_{i,j,c} x[n, s*a+i-p, s*b+j-p, c] kernel[i, j, c, o].
// It runs as Patches followed by one matrix product, which on the pure-Go
// backend uses the vectorised matmul instead of the scalar direct convolution.
func Conv2D(x, kernel *Node, s, p int) *Node {
	if kernel.Rank() != 4 || kernel.Shape().Dim(0) != kernel.Shape().Dim(1) {
		exceptions.Panicf("conv.Conv2D: want a square kernel [k, k, C, O], got shape %s", kernel.Shape())
	}
	k, c, o := kernel.Shape().Dim(0), kernel.Shape().Dim(2), kernel.Shape().Dim(3)
	if x.Rank() != 4 || x.Shape().Dim(3) != c {
		exceptions.Panicf("conv.Conv2D: input %s does not match kernel %s (NHWC with C=%d)", x.Shape(), kernel.Shape(), c)
	}
	patches := Patches(x, k, s, p)
	n, outH, outW := patches.Shape().Dim(0), patches.Shape().Dim(1), patches.Shape().Dim(2)
	flat := Reshape(patches, n*outH*outW, k*k*c)
	y := Dot(flat, Reshape(kernel, k*k*c, o)).Product()
	return Reshape(y, n, outH, outW, o)
}

// MaxPool2D is the non-overlapping max-pooling of an NHWC batch over s x s
// windows with stride s (PyTorch's MaxPool2d(s)): rows and columns that do not
// fill a window are dropped. It runs as a Reshape to [N, H/s, s, W/s, s, C]
// and a ReduceMax over the two window axes.
func MaxPool2D(x *Node, s int) *Node {
	return ReduceMax(poolWindows("MaxPool2D", x, s), 2, 4)
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
