package train

import (
	"fmt"

	"github.com/nclab/nclab/nclab/models"
)

// Presets lists the preset names Preset accepts.
var Presets = []string{"quick", "paper"}

// Preset returns the training configuration of a preset:
//
//   - "quick": a small CNN (32-64-K) with the frozen ETF head ("fix_dim") on
//     the quick M-lab MNIST, sized so that collapse (NC1 and the two-label
//     angle ratio each down >= 10x from the first tracked epoch) shows within
//     minutes on 2 CPU cores with the pure-Go backend. Pass another head or
//     feature dimension to change it (a learned head collapses more slowly,
//     see the package documentation).
//   - "paper": the reference settings of METHOD.md §7 (ResNet18, 200 epochs,
//     batch 128, lr 0.1 cosine-annealed to 1e-4, momentum 0.9, weight decay
//     5e-4, feature penalty 1e-3, tracking every 20 epochs): for a GPU.
func Preset(name string) (Config, error) {
	switch name {
	case "quick", "":
		return Config{
			Model:          models.Config{Arch: "smallcnn", Head: "etf", Widths: []int{32, 64}, InputPool: 2},
			Loss:           "pal",
			Epochs:         20,
			BatchSize:      64,
			LR:             0.1,
			Momentum:       0.9,
			WeightDecay:    5e-4,
			FeaturePenalty: 1e-4,
			TrackEvery:     1,
		}, nil
	case "paper":
		return Config{
			Model:          models.Config{Arch: "resnet18", Head: "learned"},
			Loss:           "pal",
			Epochs:         200,
			BatchSize:      128,
			LR:             0.1,
			Momentum:       0.9,
			WeightDecay:    5e-4,
			FeaturePenalty: 1e-3,
			TrackEvery:     20,
		}, nil
	}
	return Config{}, fmt.Errorf("train: unknown preset %q (want quick or paper)", name)
}
