package models

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/nclab/nclab/nclab/conv"
	"github.com/nclab/nclab/nclab/etf"
)

// Archs lists the architectures New accepts.
var Archs = []string{"mlp", "smallcnn", "convmlp", "cnn5", "resnet18", "resnet50", "vgg16", "vgg19"}

// Heads lists the classifier heads New accepts.
var Heads = []string{"learned", "etf"}

// Config describes a model. Zero values take the defaults documented per field.
type Config struct {
	Arch string // one of Archs
	Head string // "learned" (linear + bias, default) or "etf" (frozen simplex ETF, trainable bias)
	K    int    // number of labels (classes), >= 2

	// Input images, NHWC: Height x Width x Channels.
	Height, Width, Channels int

	// FeatureDim is d, the width of the penultimate features. 0: the
	// architecture's default (128 small CNN, 256 CNN5 and conv+MLP and MLP,
	// 512 ResNet18 and VGG, 2048 ResNet50), or K with the ETF head ("fix_dim":
	// the last block outputs K channels).
	FeatureDim int

	// Hidden is the width of the MLP's hidden layers and of the conv+MLP's first
	// dense layer (default 512); Depth the MLP's number of hidden layers (default 3).
	Hidden, Depth int

	// Widths overrides the convolution widths: smallcnn and convmlp take two
	// (for smallcnn a third one is d), cnn5 four (a fifth is d). Empty: 32-64
	// and 32-64-128-256.
	Widths []int

	// WidthDivisor, when > 1, divides every convolution width of resnet18,
	// resnet50, vgg16 and vgg19 (and their default feature dimension): the
	// same architecture at a fraction of the cost, for the quick CPU runs of
	// Table 2. It must divide 64. 0 or 1: the reference widths.
	WidthDivisor int

	// InputPool, when > 1, average-pools the input over InputPool x InputPool
	// windows before the network (a 56x56 M-lab canvas becomes 28x28 with 2):
	// a cheaper network for CPU runs. 0 or 1: the full image.
	InputPool int

	// InputPad, when > 0, zero-pads the (pooled) input by InputPad pixels on
	// every side, for a network whose max-pools need more pixels than the
	// pooled image has: VGG halves its input five times, so the quick
	// preset's 28x28 MNIST is padded to 32x32 (FitInput). 0: no padding.
	InputPad int

	// HeadBatchNorm adds a batch norm (affine, PyTorch's BatchNorm1d, no ReLU
	// after it) between the network and the head: the features h are its
	// output. A knob of the Figure 3 sweep (does normalising h remove the
	// part of h outside W's row space?).
	HeadBatchNorm bool

	Seed int64 // seeds the initial weights (same seed, same weights)
}

var defaultFeatureDim = map[string]int{
	"mlp": 256, "smallcnn": 128, "convmlp": 256, "cnn5": 256,
	"resnet18": 512, "resnet50": 2048, "vgg16": 512, "vgg19": 512,
}

// ReferenceArchs are the four architectures of the paper's Table 2, the ones
// a Config.WidthDivisor applies to.
var ReferenceArchs = []string{"resnet18", "resnet50", "vgg16", "vgg19"}

// PaperNames spells the ReferenceArchs as the paper's Table 2 does.
var PaperNames = map[string]string{"resnet18": "ResNet18", "resnet50": "ResNet50", "vgg16": "VGG16", "vgg19": "VGG19"}

// halvings counts the 2x2 max-pools of the architectures that have any.
var halvings = map[string]int{"smallcnn": 3, "convmlp": 2, "cnn5": 4, "vgg16": 5, "vgg19": 5}

// Halvings is the number of 2x2 max-pools of arch: its input side must be at
// least 2^Halvings (times the input pooling).
func Halvings(arch string) int { return halvings[arch] }

// FitInput returns the zero padding (pixels on each side, Config.InputPad)
// that images of the given side, average-pooled by pool, need for arch's
// max-pools: 0 when side/pool already has 2^Halvings(arch) pixels, else
// enough to reach it (VGG: 56 / 2 = 28 pixels get 2 on each side, 32 in all).
// The pooling is kept, so that every network of a preset sees its images at
// the same resolution.
func FitInput(arch string, pool, side int) (pad int) {
	need := 1 << Halvings(arch)
	if pooled := side / max(pool, 1); pooled < need {
		return (need - pooled + 1) / 2
	}
	return 0
}

// Model is a network phi with a classifier head: Forward returns the
// penultimate features h = phi(x) and the logits W h + b. Its variables live
// in Store (created by New): trainable weights, the frozen ETF (if any) and the
// batch-norm running averages (not trainable).
type Model struct {
	Config
	Store *model.Store

	// Products counts the multiply-accumulates per example of the model's
	// matrix products, for FLOP rates (bench/train.sh).
	Products Products
}

// Products counts the multiply-accumulates (MACs) per example of a model's
// matrix products: its convolutions, dense layers and head; batch norms,
// activations, pooling and the loss are not counted. Forward is the forward
// pass; InputGradient the backward pass's gradients with respect to each
// product's input, which every product but the model's first needs (its input
// is the image); WeightGradient the gradients of the trained weights (all but
// a frozen ETF head's).
type Products struct {
	Forward, InputGradient, WeightGradient int64
}

// TrainingFLOPs is the floating-point operations of the products of one
// training step per example: two (a multiply and an add) per multiply-accumulate
// of the forward pass and of both gradients.
func (p Products) TrainingFLOPs() float64 {
	return 2 * float64(p.Forward+p.InputGradient+p.WeightGradient)
}

// New validates cfg, fills its defaults, and creates every variable of the
// model with its seeded initial value.
func New(backend compute.Backend, cfg Config) (*Model, error) {
	if !slices.Contains(Archs, cfg.Arch) {
		return nil, fmt.Errorf("models: unknown architecture %q (want one of %s)", cfg.Arch, strings.Join(Archs, ", "))
	}
	if cfg.Head == "" {
		cfg.Head = "learned"
	}
	if !slices.Contains(Heads, cfg.Head) {
		return nil, fmt.Errorf("models: unknown head %q (want learned or etf)", cfg.Head)
	}
	if cfg.K < 2 {
		return nil, fmt.Errorf("models: K = %d labels, want at least 2", cfg.K)
	}
	if cfg.Height < 1 || cfg.Width < 1 || cfg.Channels < 1 {
		return nil, fmt.Errorf("models: input %dx%dx%d, want positive height, width and channels", cfg.Height, cfg.Width, cfg.Channels)
	}
	if want := map[string]int{"smallcnn": 2, "convmlp": 2, "cnn5": 4}[cfg.Arch]; len(cfg.Widths) > 0 {
		if want == 0 {
			return nil, fmt.Errorf("models: %s takes no convolution widths, got %v", cfg.Arch, cfg.Widths)
		}
		if len(cfg.Widths) != want && (len(cfg.Widths) != want+1 || cfg.Arch == "convmlp") {
			return nil, fmt.Errorf("models: %s takes %d convolution widths before the feature dimension, got %v", cfg.Arch, want, cfg.Widths)
		}
		if len(cfg.Widths) == want+1 { // the last one is the feature dimension
			if cfg.FeatureDim != 0 && cfg.FeatureDim != cfg.Widths[want] {
				return nil, fmt.Errorf("models: feature dimension given twice: %d and the last of widths %v", cfg.FeatureDim, cfg.Widths)
			}
			cfg.FeatureDim, cfg.Widths = cfg.Widths[want], cfg.Widths[:want]
		}
		for _, w := range cfg.Widths {
			if w < 1 {
				return nil, fmt.Errorf("models: convolution width %d, want >= 1", w)
			}
		}
	}
	if cfg.WidthDivisor == 0 {
		cfg.WidthDivisor = 1
	}
	if cfg.WidthDivisor < 1 || 64%cfg.WidthDivisor != 0 {
		return nil, fmt.Errorf("models: width divisor %d, want a divisor of 64", cfg.WidthDivisor)
	}
	if cfg.WidthDivisor > 1 && !slices.Contains(ReferenceArchs, cfg.Arch) {
		return nil, fmt.Errorf("models: a width divisor applies to %s, not %s (use Widths)", strings.Join(ReferenceArchs, ", "), cfg.Arch)
	}
	if cfg.FeatureDim == 0 {
		cfg.FeatureDim = defaultFeatureDim[cfg.Arch] / cfg.WidthDivisor
		if cfg.Head == "etf" {
			cfg.FeatureDim = cfg.K
		}
	}
	if cfg.FeatureDim < 1 {
		return nil, fmt.Errorf("models: feature dimension %d, want >= 1", cfg.FeatureDim)
	}
	if cfg.Head == "etf" && cfg.FeatureDim < cfg.K-1 {
		return nil, fmt.Errorf("models: an ETF head for K = %d needs feature dimension >= K-1, got %d", cfg.K, cfg.FeatureDim)
	}
	if cfg.Hidden == 0 {
		cfg.Hidden = 512
	}
	if cfg.Depth == 0 {
		cfg.Depth = 3
	}
	if cfg.Hidden < 1 || cfg.Depth < 1 {
		return nil, fmt.Errorf("models: MLP hidden width %d and depth %d, want both >= 1", cfg.Hidden, cfg.Depth)
	}
	if cfg.InputPool < 0 || cfg.InputPad < 0 {
		return nil, fmt.Errorf("models: input pooling %d and padding %d, want both >= 0", cfg.InputPool, cfg.InputPad)
	}
	inPool := max(cfg.InputPool, 1)
	if need, h, w := 1<<halvings[cfg.Arch], cfg.Height/inPool+2*cfg.InputPad, cfg.Width/inPool+2*cfg.InputPad; h < need || w < need {
		return nil, fmt.Errorf("models: %s halves its input %d times, so it needs >= %d pixels a side: input %dx%d, pooled by %d and padded by %d, has %dx%d (models.FitInput gives the padding)",
			cfg.Arch, halvings[cfg.Arch], need, cfg.Height, cfg.Width, inPool, cfg.InputPad, h, w)
	}
	m := &Model{Config: cfg, Store: model.NewStore()}
	if err := m.createVariables(backend); err != nil {
		return nil, err
	}
	return m, nil
}

// createVariables builds the training graph once, without compiling it, so
// that every variable exists with its initial value, and counts its products.
func (m *Model) createVariables(backend compute.Backend) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("models: building %s: %v", m.Arch, r)
		}
	}()
	g := NewGraph(backend, "create_variables")
	defer g.Finalize()
	model.SetStore(g, m.Store)
	x := Parameter(g, "x", shapes.Make(dtypes.Float32, 2, m.Height, m.Width, m.Channels))
	m.Products = Products{}
	m.forward(&builder{seed: m.Seed, training: true, count: &m.Products}, m.Store.RootScope(), x)
	return nil
}

// Forward returns the features [N, d] and logits [N, K] for an NHWC batch x
// ([N, Height, Width, Channels], float32). training selects batch statistics
// (and running-average updates) or the running averages in batch norms.
func (m *Model) Forward(scope *model.Scope, x *Node, training bool) (features, logits *Node) {
	return m.forward(&builder{seed: m.Seed, training: training}, scope, x)
}

func (m *Model) forward(b *builder, scope *model.Scope, x *Node) (features, logits *Node) {
	body := scope.At("body")
	if m.InputPool > 1 {
		x = conv.AvgPool2D(x, m.InputPool)
	}
	if p := m.InputPad; p > 0 {
		x = Pad(x, ScalarZero(x.Graph(), x.DType()), compute.PadAxis{}, compute.PadAxis{Start: p, End: p}, compute.PadAxis{Start: p, End: p}, compute.PadAxis{})
	}
	switch m.Arch {
	case "mlp":
		features = b.mlp(body, x, m.Depth, m.Hidden, m.FeatureDim)
	case "smallcnn":
		features = b.plainCNN(body, x, slices.Concat(m.convWidths([]int{32, 64}), []int{m.FeatureDim}), 3)
	case "cnn5":
		features = b.plainCNN(body, x, slices.Concat(m.convWidths([]int{32, 64, 128, 256}), []int{m.FeatureDim}), 4)
	case "convmlp":
		features = b.convMLP(body, x, m.convWidths([]int{32, 64}), m.Hidden, m.FeatureDim)
	case "resnet18":
		features = b.resNet(body, x, []int{2, 2, 2, 2}, false, 64/m.WidthDivisor, m.FeatureDim)
	case "resnet50":
		features = b.resNet(body, x, []int{3, 4, 6, 3}, true, 64/m.WidthDivisor, m.FeatureDim)
	case "vgg16":
		features = b.vgg(body, x, vgg16, m.WidthDivisor, m.FeatureDim)
	case "vgg19":
		features = b.vgg(body, x, vgg19, m.WidthDivisor, m.FeatureDim)
	}
	if m.HeadBatchNorm {
		features = b.batchNorm(body.At("head_bn"), features)
	}
	return features, m.head(b, scope.At("head"), features)
}

// head is the classifier z = W h + b, W stored as its transpose [d, K]: a
// learned linear layer, or the frozen simplex ETF of METHOD.md §4 (identity
// embedding, as the reference code) with a trainable bias.
func (m *Model) head(b *builder, scope *model.Scope, h *Node) *Node {
	if m.Head == "learned" {
		return b.dense(scope, h, m.K, true)
	}
	w := scope.GetVariable("weights")
	if w == nil {
		e, err := etf.Embedded(m.K, m.FeatureDim, m.Seed, true) // K x d
		if err != nil {
			panic(err)
		}
		values := make([]float32, m.FeatureDim*m.K)
		for i := range m.FeatureDim {
			for k := range m.K {
				values[i*m.K+k] = float32(e.At(k, i))
			}
		}
		w = scope.VariableWithValue("weights", tensors.FromFlatDataAndDimensions(values, m.FeatureDim, m.K))
		w.SetTrainable(false)
	}
	bias := b.uniformVariable(scope, "bias", 1/math.Sqrt(float64(m.FeatureDim)), m.K)
	b.countProduct(int64(m.FeatureDim)*int64(m.K), false)
	return Add(Dot(h, w.NodeValue(h.Graph())).Product(), ExpandLeftToRank(bias.NodeValue(h.Graph()), 2))
}

func (m *Model) convWidths(defaults []int) []int {
	if len(m.Widths) > 0 {
		return m.Widths
	}
	return defaults
}

// TrainableParameters counts the scalars in the trainable variables.
func (m *Model) TrainableParameters() int {
	n := 0
	for v := range m.Store.IterVariables() {
		if v.Trainable {
			n += v.Shape().Size()
		}
	}
	return n
}

// ParameterCounts returns the trainable parameters of cfg's network with the
// learned head at the default width and with the ETF head and a K-dimensional
// last block ("fix_dim", METHOD.md §7); cfg's Head and FeatureDim are ignored.
func ParameterCounts(backend compute.Backend, cfg Config) (learned, etf int, err error) {
	cfg.Head, cfg.FeatureDim = "learned", 0
	l, err := New(backend, cfg)
	if err != nil {
		return 0, 0, err
	}
	cfg.Head = "etf"
	f, err := New(backend, cfg)
	if err != nil {
		return 0, 0, err
	}
	return l.TrainableParameters(), f.TrainableParameters(), nil
}

// SavedFraction is (learned - etf) / learned, the fraction of trainable
// parameters the ETF head saves (METHOD.md §7); 0 when learned is 0.
func SavedFraction(learned, etf int) float64 {
	if learned == 0 {
		return 0
	}
	return float64(learned-etf) / float64(learned)
}

// ParametersSaved is the SavedFraction of cfg's ParameterCounts.
func ParametersSaved(backend compute.Backend, cfg Config) (float64, error) {
	l, f, err := ParameterCounts(backend, cfg)
	return SavedFraction(l, f), err
}

func (b *builder) mlp(scope *model.Scope, x *Node, depth, hidden, d int) *Node {
	h := Reshape(x, x.Shape().Dim(0), -1)
	for l := range depth {
		width := hidden
		if l == depth-1 {
			width = d
		}
		s := scope.At("dense%d", l)
		h = relu(b.batchNorm(s.At("bn"), b.dense(s, h, width, true)))
	}
	return h
}

// plainCNN: conv3x3 + BN + ReLU per width, a 2x2 max-pool after each of the
// first `pools` layers, global average pooling. The pool runs before the ReLU
// (the same values, a non-decreasing function commuting with the maximum, and
// the same gradients unless a window's maximum is exactly 0), so that the
// ReLU sees a quarter of the values.
func (b *builder) plainCNN(scope *model.Scope, x *Node, widths []int, pools int) *Node {
	for l, w := range widths {
		s := scope.At("conv%d", l)
		x = b.batchNorm(s.At("bn"), b.conv2D(s, x, w, 3, 1, 1, false))
		if l < pools {
			x = conv.MaxPool2D(x, 2)
		}
		x = relu(x)
	}
	return conv.GlobalAvgPool(x)
}

// convMLP: two conv blocks (widths, default 32 and 64 channels, each pooled),
// flatten, a dense layer of `hidden` units and one of d, each with BN + ReLU.
func (b *builder) convMLP(scope *model.Scope, x *Node, widths []int, hidden, d int) *Node {
	for l, w := range widths {
		s := scope.At("conv%d", l)
		x = relu(conv.MaxPool2D(b.batchNorm(s.At("bn"), b.conv2D(s, x, w, 3, 1, 1, false)), 2)) // pooled first, as in plainCNN
	}
	h := Reshape(x, x.Shape().Dim(0), -1)
	for l, w := range []int{hidden, d} {
		s := scope.At("dense%d", l)
		h = relu(b.batchNorm(s.At("bn"), b.dense(s, h, w, true)))
	}
	return h
}
