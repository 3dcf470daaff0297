package train

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/models"
)

// Presets lists the preset names Preset accepts (nclab.Presets).
var Presets = nclab.Presets

// NotebookRunDir is where a notebook keeps its run directories:
// <repository>/.cache/notebooks/<parts...> (git-ignored). The repository is
// $NCLAB_ROOT (notebooks/run.sh sets it), else the parent of $GONB_DIR (a GoNB
// kernel's working directory, the notebooks/ folder); neither set is an error.
func NotebookRunDir(parts ...string) (string, error) {
	root := os.Getenv("NCLAB_ROOT")
	if root == "" {
		gonb := os.Getenv("GONB_DIR")
		if gonb == "" {
			return "", fmt.Errorf("train: NotebookRunDir: neither $NCLAB_ROOT nor $GONB_DIR is set")
		}
		root = filepath.Join(gonb, "..")
	}
	return filepath.Join(append([]string{root, ".cache", "notebooks"}, parts...)...), nil
}

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

// Table2Epochs is the number of epochs of a quick Table 2 run (Table2Config).
const Table2Epochs = 8

// Table2Config returns the training configuration of one run of the paper's
// Table 2 (METHOD.md §8): network arch (one of resnet18, resnet50, vgg16,
// vgg19, or any other models architecture) with the given head, on square
// images of the given side.
//
//   - "quick": the quick preset's recipe with the network at 1/8 of its
//     reference width (models.Config.WidthDivisor 8), Table2Epochs epochs,
//     metrics tracked once at the end, and the quick preset's input
//     pooling where the network's max-pools allow it (models.FitInputPool: VGG
//     keeps the full 56x56 image). A CPU stand-in for the paper's networks.
//   - "paper": the paper preset (reference width, 200 epochs) with arch.
func Table2Config(preset, arch, head string, side int) (Config, error) {
	cfg, err := Preset(preset)
	if err != nil {
		return cfg, err
	}
	pool := cfg.Model.InputPool
	cfg.Model = models.Config{Arch: arch, Head: head}
	if preset == "paper" {
		return cfg, nil
	}
	cfg.Model.InputPool = models.FitInputPool(arch, pool, side)
	if slices.Contains(models.ReferenceArchs, arch) {
		cfg.Model.WidthDivisor = 8
	}
	cfg.Epochs, cfg.TrackEvery = Table2Epochs, Table2Epochs
	return cfg, nil
}
