package train_test

import (
	"fmt"
	"os"

	"github.com/janpfeifer/must"
	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/train"
)

// The reference schedule (METHOD.md §7): lr 0.1 cosine-annealed over 200
// epochs towards 1e-4.
func ExampleCosineLR() {
	for _, epoch := range []int{0, 100, 199} {
		fmt.Printf("epoch %3d: lr %.6f\n", epoch, train.CosineLR(0.1, epoch, 200))
	}
	// Output:
	// epoch   0: lr 0.100000
	// epoch 100: lr 0.050050
	// epoch 199: lr 0.000106
}

func ExamplePreset() {
	cfg, _ := train.Preset("paper")
	fmt.Println(cfg.Model.Arch, cfg.Epochs, cfg.BatchSize, cfg.LR, cfg.Momentum, cfg.WeightDecay, cfg.FeaturePenalty, cfg.TrackEvery)
	// Output:
	// resnet18 200 128 0.1 0.9 0.0005 0.001 20
}

func ExampleTable2Config() {
	for _, arch := range []string{"resnet18", "vgg16"} {
		cfg, _ := train.Table2Config("quick", arch, "etf", 56)
		fmt.Println(cfg.Model.Arch, "width / ", cfg.Model.WidthDivisor, "input pool", cfg.Model.InputPool, "pad", cfg.Model.InputPad, "epochs", cfg.Epochs, "lr", cfg.LR)
	}
	// Output:
	// resnet18 width /  8 input pool 2 pad 0 epochs 8 lr 0.1
	// vgg16 width /  8 input pool 2 pad 2 epochs 8 lr 0.01
}

// The first lines of a notebook that trains: the preset from $PRESET and where
// its run directories go, errors checked with must as in every notebook cell.
func ExampleNotebookRunDir() {
	os.Setenv(nclab.EnvPreset, "")
	os.Setenv("NCLAB_ROOT", "/home/me/nclab")
	preset := must.M1(nclab.PresetFromEnv())
	fmt.Println(preset, must.M1(train.NotebookRunDir("04", preset)))
	// Output:
	// quick /home/me/nclab/.cache/notebooks/04/quick
}
