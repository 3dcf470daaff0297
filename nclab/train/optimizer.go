package train

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
)

// SGDMomentumStep is PyTorch's SGD with momentum mu and (coupled) weight decay
// wd for one parameter p with gradient g and momentum buffer v:
//
//	v' = mu v + g + wd p
//	p' = p - lr v'
//
// (torch.optim.SGD with dampening 0 and nesterov false; at the first step
// PyTorch sets v = g + wd p, which is this with v = 0).
func SGDMomentumStep(p, v, g, lr *Node, mu, wd float64) (newP, newV *Node) {
	newV = Add(Add(MulScalar(v, mu), g), MulScalar(p, wd))
	newP = Sub(p, Mul(ConvertDType(lr, p.DType()), newV))
	return newP, newV
}

// CosineLR is PyTorch's CosineAnnealingLR stepped once per epoch with
// T_max = epochs: lr(e) = min + (base - min)(1 + cos(pi e / epochs)) / 2 for the
// 0-based epoch e, where min = base / 1000 (METHOD.md §7: 0.1 down to 1e-4).
func CosineLR(base float64, epoch, epochs int) float64 {
	minLR := base / 1000
	return minLR + (base-minLR)*(1+math.Cos(math.Pi*float64(epoch)/float64(epochs)))/2
}
