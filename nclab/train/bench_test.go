package train

import (
	"math/rand/v2"
	"testing"

	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/models"
)

// randomSet is n random images h x w x c with random label sets of size 1 or 2 (K = 10).
func randomSet(n, h, w, c int) *data.Set {
	rng := rand.New(rand.NewPCG(1, 2))
	s := &data.Set{Name: "random", K: 10, Height: h, Width: w, Channels: c, Pixels: make([]uint8, n*h*w*c)}
	for i := range s.Pixels {
		s.Pixels[i] = uint8(rng.IntN(256))
	}
	for range n {
		a, b := rng.IntN(10), rng.IntN(9)
		if b >= a {
			b++ // a pair of distinct classes
		}
		s.Labels = append(s.Labels, labelset.MustNew(10, a, b))
	}
	return s
}

// benchTrainStep times one SGD step (forward, backward, momentum update) at
// batch 128, the models of bench/train_torch.py.
func benchTrainStep(b *testing.B, mc models.Config, h, w, c int) {
	set := randomSet(128, h, w, c)
	tr, err := New(testBackend(b), Config{Model: mc, Epochs: 1, BatchSize: 128}, set, nil)
	if err != nil {
		b.Fatal(err)
	}
	idx := data.EpochOrder(0, 0, 128)
	if _, err := tr.trainStep(idx, 0.01); err != nil { // compiles
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := tr.trainStep(idx, 0.01); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrainStepMLP: MLP 3136-512-512-512-10 (Linear + BN + ReLU), 56x56x1.
func BenchmarkTrainStepMLP(b *testing.B) {
	benchTrainStep(b, models.Config{Arch: "mlp", Hidden: 512, Depth: 3, FeatureDim: 512}, 56, 56, 1)
}

// BenchmarkTrainStepSmallCNN: 3 x (conv3x3 + BN + ReLU + max-pool) 32-64-128, GAP, linear; 56x56x1.
func BenchmarkTrainStepSmallCNN(b *testing.B) {
	benchTrainStep(b, models.Config{Arch: "smallcnn"}, 56, 56, 1)
}

// BenchmarkTrainStepResNet18: ResNet18 with the CIFAR stem, 32x32x3.
func BenchmarkTrainStepResNet18(b *testing.B) {
	benchTrainStep(b, models.Config{Arch: "resnet18"}, 32, 32, 3)
}
