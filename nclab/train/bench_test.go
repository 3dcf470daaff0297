package train

import (
	"slices"
	"testing"
	"time"

	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/models"
)

// benchTrainStep times one SGD step (forward, backward, momentum update) at
// batch 128, the models of bench/train_torch.py. Besides the mean (ns/op) it
// reports the median step as s/step, the statistic bench/train_torch.py prints,
// so that one slow step (another process on a shared machine) does not decide
// bench/train.sh's ratio, and the FLOPs of the step's matrix products
// (models.Products) as GFLOP/step, with their rate at the median step.
func benchTrainStep(b *testing.B, mc models.Config, h, w, c int) {
	const batch = 128
	set := RandomSet(batch, 10, h, w, c, 1)
	tr, err := New(testBackend(b), Config{Model: mc, Epochs: 1, BatchSize: batch}, set, nil)
	if err != nil {
		b.Fatal(err)
	}
	idx := data.EpochOrder(0, 0, batch)
	if _, err := tr.trainStep(idx, 0.01); err != nil { // compiles
		b.Fatal(err)
	}
	steps := make([]float64, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if _, err := tr.trainStep(idx, 0.01); err != nil {
			b.Fatal(err)
		}
		steps[i] = time.Since(start).Seconds()
	}
	b.StopTimer()
	slices.Sort(steps)
	median := steps[len(steps)/2]
	flops := batch * tr.Model.Products.TrainingFLOPs() / 1e9
	b.ReportMetric(median, "s/step")
	b.ReportMetric(flops, "GFLOP/step")
	b.ReportMetric(flops/median, "GFLOP/s")
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
