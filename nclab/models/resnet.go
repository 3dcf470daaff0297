package models

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/ml/model"
	"github.com/nclab/nclab/nclab/conv"
)

// resNet is ResNet18 (basic blocks [2 2 2 2]) or ResNet50 (bottlenecks
// [3 4 6 3]) with the small-image stem of METHOD.md §7: a 3x3 stride-1 conv,
// no max-pool, widths base-2base-4base-8base (x4 for bottlenecks; base = 64 in
// the reference), global average pooling. The last block's final convolution
// outputs d channels (d = K is the reference code's "fix_dim"), its shortcut
// projecting when d differs.
func (b *builder) resNet(scope *model.Scope, x *Node, blocks []int, bottleneck bool, base, d int) *Node {
	stem := scope.At("stem")
	x = relu(b.batchNorm(stem.At("bn"), b.conv2D(stem, x, base, 3, 1, 1, false)))
	expansion := 1
	if bottleneck {
		expansion = 4
	}
	for stage, n := range blocks {
		planes := base << stage
		for i := range n {
			stride := 1
			if i == 0 && stage > 0 {
				stride = 2
			}
			out := planes * expansion
			if stage == len(blocks)-1 && i == n-1 {
				out = d
			}
			s := scope.At("stage%d_block%d", stage, i)
			if bottleneck {
				x = b.bottleneckBlock(s, x, planes, out, stride)
			} else {
				x = b.basicBlock(s, x, planes, out, stride)
			}
		}
	}
	return conv.GlobalAvgPool(x)
}

func (b *builder) basicBlock(scope *model.Scope, x *Node, planes, out, stride int) *Node {
	c1, c2 := scope.At("conv1"), scope.At("conv2")
	y := relu(b.batchNorm(c1.At("bn"), b.conv2D(c1, x, planes, 3, stride, 1, false)))
	y = b.batchNorm(c2.At("bn"), b.conv2D(c2, y, out, 3, 1, 1, false))
	return relu(Add(y, b.shortcut(scope, x, out, stride)))
}

func (b *builder) bottleneckBlock(scope *model.Scope, x *Node, planes, out, stride int) *Node {
	c1, c2, c3 := scope.At("conv1"), scope.At("conv2"), scope.At("conv3")
	y := relu(b.batchNorm(c1.At("bn"), b.conv2D(c1, x, planes, 1, 1, 0, false)))
	y = relu(b.batchNorm(c2.At("bn"), b.conv2D(c2, y, planes, 3, stride, 1, false)))
	y = b.batchNorm(c3.At("bn"), b.conv2D(c3, y, out, 1, 1, 0, false))
	return relu(Add(y, b.shortcut(scope, x, out, stride)))
}

// shortcut is the identity, or a 1x1 convolution + BN when the stride or the
// number of channels changes.
func (b *builder) shortcut(scope *model.Scope, x *Node, out, stride int) *Node {
	if stride == 1 && x.Shape().Dim(3) == out {
		return x
	}
	s := scope.At("shortcut")
	return b.batchNorm(s.At("bn"), b.conv2D(s, x, out, 1, stride, 0, false))
}

// VGG layer lists: channel counts, maxPool for a 2x2 max-pool.
const maxPool = -1

var (
	vgg16 = []int{64, 64, maxPool, 128, 128, maxPool, 256, 256, 256, maxPool, 512, 512, 512, maxPool, 512, 512, 512, maxPool}
	vgg19 = []int{64, 64, maxPool, 128, 128, maxPool, 256, 256, 256, 256, maxPool, 512, 512, 512, 512, maxPool, 512, 512, 512, 512, maxPool}
)

// vgg is VGG16/19 for small images (METHOD.md §7): conv3x3 (with bias) + BN +
// ReLU, five max-pools, global average pooling; the last convolution outputs d
// channels. Every other width is divided by div.
func (b *builder) vgg(scope *model.Scope, x *Node, layers []int, div, d int) *Node {
	last := 0
	for i, w := range layers {
		if w != maxPool {
			last = i
		}
	}
	for i, w := range layers {
		if w == maxPool {
			x = conv.MaxPool2D(x, 2)
			continue
		}
		w /= div
		if i == last {
			w = d
		}
		s := scope.At("layer%d", i)
		x = relu(b.batchNorm(s.At("bn"), b.conv2D(s, x, w, 3, 1, 1, true)))
	}
	return conv.GlobalAvgPool(x)
}
