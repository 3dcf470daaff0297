package train

import (
	"github.com/nclab/nclab/data"
)

// MissingPair is the run of the paper's Figure 2 (c, d): M-lab MNIST with the
// pair {0,1} absent from training and test (data recipe "missing-pair",
// METHOD.md §6), the small convolution + MLP network (conv 32-64, dense 512
// and d = 256) with a learned head. "paper": the paper-size data and the
// figure3 conv+MLP run (60 epochs); otherwise the quick data and 20 epochs
// tracked every 5.
func MissingPair(preset string) (Config, data.Recipe, error) {
	cfg, err := PresetArch("figure3", "convmlp")
	if err != nil {
		return cfg, data.Recipe{}, err
	}
	cfg.Seed = 1
	recipe := data.Recipe{Dataset: data.MNIST, Preset: data.Quick, Imbalance: "missing-pair", Seed: 1}
	if preset == data.Paper {
		recipe.Preset = data.Paper
		return cfg, recipe, nil
	}
	cfg.Epochs, cfg.TrackEvery = 20, 5
	return cfg, recipe, nil
}

// Figure4 is the run of the paper's Figure 4: real multi-label SVHN (METHOD.md
// §6: house numbers without a 0, K = 9, multiplicities 1 to 3, 32x32 RGB) read
// from $NCLAB_SVHN_DIR, with PAL (the reference code's 1/1 targets). "paper":
// the paper preset (ResNet18, 200 epochs) on the paper-size SVHN; otherwise
// the quick SVHN (at most 50 photos per single digit, 5 per larger set) and
// the figure3 small CNN with a learned head on the full 32x32 image. Without
// the folder the error says where to get SVHN and how to convert its labels.
func Figure4(preset string) (Config, data.Recipe, error) {
	dir, err := data.SVHNDir()
	if err != nil {
		return Config{}, data.Recipe{}, err
	}
	recipe := data.Recipe{Dataset: data.SVHN, Preset: data.Quick, SourceDir: dir, Seed: 1}
	var cfg Config
	if preset == data.Paper {
		recipe.Preset = data.Paper
		cfg, err = Preset("paper")
	} else {
		cfg, err = PresetArch("figure3", "smallcnn")
		cfg.Model.InputPool = 1
	}
	cfg.Loss, cfg.Seed = "pal", 1
	return cfg, recipe, err
}
