package models

import (
	"math"
	"testing"

	"github.com/gomlx/compute"
	"github.com/nclab/nclab/nclab"
)

func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := nclab.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParametersSaved reproduces METHOD.md §7's parameters-saved percentages
// (1-channel 28x28 input as MNIST, K = 10): the ETF head with a K-channel last
// block against the learned head with the default width.
func TestParametersSaved(t *testing.T) {
	b := testBackend(t)
	for _, tc := range []struct {
		arch string
		want float64 // percent, one decimal, from the paper
	}{{"resnet18", 20.7}, {"resnet50", 4.5}, {"vgg16", 15.8}, {"vgg19", 11.6}} {
		got, err := ParametersSaved(b, Config{Arch: tc.arch, K: 10, Height: 32, Width: 32, Channels: 1})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(100*got-tc.want) > 0.05 {
			t.Errorf("%s: parameters saved %.3f %%, paper %.1f %%", tc.arch, 100*got, tc.want)
		} else {
			t.Logf("%s: parameters saved %.3f %% (paper %.1f %%)", tc.arch, 100*got, tc.want)
		}
	}
}

// TestTrainableParametersKnownTotals checks absolute counts against the
// totals PyTorch reports for the same CIFAR-style networks (3-channel input,
// K = 10): ResNet18 11,173,962 and VGG16 (conv bias + BN) 14,728,266.
func TestTrainableParametersKnownTotals(t *testing.T) {
	b := testBackend(t)
	for arch, want := range map[string]int{"resnet18": 11173962, "vgg16": 14728266} {
		m, err := New(b, Config{Arch: arch, K: 10, Height: 32, Width: 32, Channels: 3})
		if err != nil {
			t.Fatal(err)
		}
		if got := m.TrainableParameters(); got != want {
			t.Errorf("%s: %d trainable parameters, PyTorch counts %d", arch, got, want)
		}
	}
}

// TestFeatureDimGivenTwice: a third smallcnn width is d, so a different explicit
// FeatureDim is a conflict that must be reported, not silently resolved.
func TestFeatureDimGivenTwice(t *testing.T) {
	cfg := Config{Arch: "smallcnn", Head: "etf", K: 10, Height: 28, Width: 28, Channels: 1, Widths: []int{32, 64, 64}, FeatureDim: 10}
	if _, err := New(testBackend(t), cfg); err == nil {
		t.Fatal("widths 32-64-64 with FeatureDim 10: no error")
	}
	cfg.FeatureDim = 64
	if _, err := New(testBackend(t), cfg); err != nil {
		t.Fatalf("widths 32-64-64 with the same FeatureDim 64: %v", err)
	}
}

// vgg16Parameters counts VGG16's trainable parameters by hand (3x3 convs with
// bias, batch-norm scale and shift, a learned K-way head) for widths divided
// by div: at div 1 it is PyTorch's 14,728,266 for K = 10 and 3 channels.
func vgg16Parameters(channels, k, div int) int {
	total, in := 0, channels
	for _, w := range []int{64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512} {
		w /= div
		total += 9*in*w + w + 2*w
		in = w
	}
	return total + in*k + k
}

// TestWidthDivisor checks that WidthDivisor divides every width of VGG16 and
// ResNet18 (counted by hand for VGG16; for ResNet18 the feature dimension)
// and that a divisor that does not divide 64, or one given to a network it
// does not apply to, is an error.
func TestWidthDivisor(t *testing.T) {
	b := testBackend(t)
	if got := vgg16Parameters(3, 10, 1); got != 14728266 {
		t.Fatalf("hand count of VGG16 %d, PyTorch counts 14728266", got)
	}
	for _, div := range []int{1, 2, 8} {
		m, err := New(b, Config{Arch: "vgg16", K: 10, Height: 32, Width: 32, Channels: 3, WidthDivisor: div})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.TrainableParameters(), vgg16Parameters(3, 10, div); got != want {
			t.Errorf("vgg16 / %d: %d trainable parameters, hand count %d", div, got, want)
		}
	}
	m, err := New(b, Config{Arch: "resnet18", K: 10, Height: 16, Width: 16, Channels: 1, WidthDivisor: 8})
	if err != nil {
		t.Fatal(err)
	}
	if m.FeatureDim != 64 {
		t.Errorf("resnet18 / 8: feature dimension %d, want 512/8 = 64", m.FeatureDim)
	}
	for _, cfg := range []Config{
		{Arch: "resnet18", WidthDivisor: 3},
		{Arch: "smallcnn", WidthDivisor: 2},
	} {
		cfg.K, cfg.Height, cfg.Width, cfg.Channels = 10, 32, 32, 1
		if _, err := New(b, cfg); err == nil {
			t.Errorf("%s with width divisor %d: no error", cfg.Arch, cfg.WidthDivisor)
		}
	}
}

// TestFitInput checks the padding against New's size check and the graph
// itself: a VGG whose input is not padded as Config says fails to build (its
// fifth max-pool would get a 1x1 image).
func TestFitInput(t *testing.T) {
	b := testBackend(t)
	for _, tc := range []struct {
		arch       string
		pool, side int
		want       int
	}{
		{"resnet18", 2, 56, 0}, // no max-pool: any size fits
		{"smallcnn", 2, 56, 0}, // 28 >= 8
		{"vgg16", 2, 56, 2},    // 28 < 32: 2 + 28 + 2
		{"vgg16", 1, 56, 0},    // full size
		{"vgg19", 4, 64, 8},    // 16 + 2 * 8 = 32
		{"vgg16", 0, 31, 1},    // unset pooling: 31 + 2 >= 32
	} {
		got := FitInput(tc.arch, tc.pool, tc.side)
		if got != tc.want {
			t.Errorf("FitInput(%s, %d, %d) = %d, want %d", tc.arch, tc.pool, tc.side, got, tc.want)
		}
		cfg := Config{Arch: tc.arch, K: 10, Height: tc.side, Width: tc.side, Channels: 1, InputPool: tc.pool, InputPad: got}
		if tc.arch != "smallcnn" {
			cfg.WidthDivisor = 8
		}
		if _, err := New(b, cfg); err != nil {
			t.Errorf("FitInput(%s, %d, %d): the padded model: %v", tc.arch, tc.pool, tc.side, err)
		}
		if got > 0 {
			cfg.InputPad = got - 1
			if _, err := New(b, cfg); err == nil {
				t.Errorf("FitInput(%s, %d, %d) = %d is not the least: %d works too", tc.arch, tc.pool, tc.side, got, got-1)
			}
		}
	}
}

// TestProductsMatchPyTorch compares the counted products of bench/train.sh's
// three models with PyTorch's, counted from the layers' output shapes by
// `bench/train_torch.py macs` (forward, input gradient, weight gradient per
// example); with the ETF head the frozen head has no weight gradient.
func TestProductsMatchPyTorch(t *testing.T) {
	cases := []struct {
		cfg  Config
		want Products
	}{
		{Config{Arch: "mlp", K: 10, Hidden: 512, Depth: 3, FeatureDim: 512, Height: 56, Width: 56, Channels: 1}, Products{2135040, 529408, 2135040}},
		{Config{Arch: "smallcnn", K: 10, Height: 56, Width: 56, Channels: 1}, Products{29805824, 28902656, 29805824}},
		{Config{Arch: "resnet18", K: 10, Height: 32, Width: 32, Channels: 3}, Products{555422720, 553653248, 555422720}},
		{Config{Arch: "mlp", Head: "etf", K: 10, Hidden: 512, Depth: 3, FeatureDim: 512, Height: 56, Width: 56, Channels: 1}, Products{2135040, 529408, 2135040 - 512*10}},
	}
	for _, c := range cases {
		m, err := New(testBackend(t), c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if m.Products != c.want {
			t.Errorf("%s %s head: products %+v, want %+v", c.cfg.Arch, m.Head, m.Products, c.want)
		}
	}
	if got, want := (Products{1, 2, 3}).TrainingFLOPs(), 12.0; got != want {
		t.Errorf("TrainingFLOPs of 1+2+3 MACs = %g, want %g", got, want)
	}
}
