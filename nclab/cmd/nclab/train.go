package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/models"
	"github.com/nclab/nclab/nclab/train"
)

func init() {
	register(command{name: "train", summary: "train a network (MLP, CNNs, ResNet, VGG) with PAL / PAL-N / OvA, tracking neural collapse", run: runTrain})
}

func runTrain(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var recipe data.Recipe
	var preset, arch, head, lossName, out string
	var epochs, batch, trackEvery, featureDim int
	var lr, wd, penalty float64
	var seed int64
	var asJSON, resume, quiet bool
	var widths string
	var hidden, inputPool, widthDiv int
	fs.StringVar(&recipe.Dataset, "dataset", data.MNIST, "dataset: "+strings.Join(data.Datasets, ", "))
	fs.StringVar(&preset, "preset", "quick", "quick (CPU, minutes), paper (reference settings, for a GPU) or figure3 (learned head into the terminal phase on the quick data, per --arch): data size and training settings")
	fs.StringVar(&recipe.Imbalance, "imbalance", "", "imbalance of the data (see nclab data build); empty: balanced")
	fs.StringVar(&arch, "arch", "", "architecture: "+strings.Join(models.Archs, ", ")+" (default: the preset's)")
	fs.StringVar(&head, "head", "", "classifier head: learned or etf (frozen simplex ETF, last block reduced to K)")
	fs.StringVar(&lossName, "loss", "", "loss: pal, pal-n or ova (default pal)")
	fs.IntVar(&epochs, "epochs", 0, "epochs (default: the preset's)")
	fs.IntVar(&batch, "batch", 0, "batch size (default: the preset's)")
	fs.IntVar(&trackEvery, "track-every", 0, "track metrics, log and checkpoint every N epochs (default: the preset's)")
	fs.IntVar(&featureDim, "feature-dim", 0, "feature dimension d (default: the architecture's; K with --head etf)")
	fs.Float64Var(&lr, "lr", 0, "initial learning rate, cosine-annealed to lr/1000 (default: the preset's)")
	fs.Float64Var(&wd, "wd", 0, "weight decay (default: the preset's)")
	fs.Float64Var(&penalty, "feature-penalty", -1, "lambda_h of the feature penalty lambda_h sum_batch ||h||^2 (default: the preset's)")
	fs.Int64Var(&seed, "seed", 0, "seed of the data, the weights and the batch order")
	fs.StringVar(&widths, "widths", "", "convolution widths, comma-separated (smallcnn, convmlp: 2; cnn5: 4; default: the preset's or the architecture's)")
	fs.IntVar(&hidden, "hidden", 0, "hidden width of the MLP and conv+MLP dense layers (default 512)")
	fs.IntVar(&inputPool, "input-pool", -1, "average-pool the input images by this factor first (1: full size; default: the preset's, lowered until the architecture's max-pools fit)")
	fs.IntVar(&widthDiv, "width-div", 0, "divide every width of resnet18/50 and vgg16/19 by this divisor of 64 (quick CPU runs; default 1)")
	fs.StringVar(&out, "out", "", "run directory (summary.json, log.jsonl, .npy arrays, checkpoint/)")
	fs.BoolVar(&resume, "resume", false, "continue the run in --out from its last checkpoint")
	fs.BoolVar(&asJSON, "json", false, "print the summary as one JSON object on the last line")
	fs.BoolVar(&quiet, "quiet", false, "no progress lines")
	sweepFlags := addSweepFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg, err := train.PresetArch(preset, arch)
	if err != nil {
		return err
	}
	recipe.Preset, recipe.Seed = train.DataPreset(preset), seed
	if widthDiv != 0 {
		cfg.Model.WidthDivisor = widthDiv
	}
	if err := sweepFlags.apply(&cfg, wd); err != nil {
		return err
	}
	if widths != "" {
		cfg.Model.Widths = nil
		for _, f := range strings.Split(widths, ",") {
			w, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return fmt.Errorf("--widths %q: %w", widths, err)
			}
			cfg.Model.Widths = append(cfg.Model.Widths, w)
		}
	}
	if inputPool >= 0 {
		cfg.Model.InputPool = inputPool
	}
	if hidden != 0 {
		cfg.Model.Hidden = hidden
	}
	if head != "" {
		cfg.Model.Head = head
	}
	if lossName != "" {
		cfg.Loss = lossName
	}
	for _, o := range []struct {
		dst *int
		v   int
	}{{&cfg.Epochs, epochs}, {&cfg.BatchSize, batch}, {&cfg.TrackEvery, trackEvery}, {&cfg.Model.FeatureDim, featureDim}} {
		if o.v != 0 {
			*o.dst = o.v
		}
	}
	if lr != 0 {
		cfg.LR = lr
	}
	if wd != 0 {
		cfg.WeightDecay = wd
	}
	if penalty >= 0 {
		cfg.FeaturePenalty = penalty
	}
	if cfg.Model.Head == "etf" && featureDim == 0 {
		cfg.Model.FeatureDim = 0 // fix_dim: the last block outputs K channels
	}
	cfg.Seed, cfg.OutDir, cfg.Resume = seed, out, resume
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
	}

	backend, err := nclab.NewBackend()
	if err != nil {
		return err
	}
	trainSet, testSet, err := data.Load(recipe)
	if err != nil {
		return err
	}
	if inputPool < 0 {
		cfg.Model.InputPool = models.FitInputPool(cfg.Model.Arch, cfg.Model.InputPool, min(trainSet.Height, trainSet.Width))
	}
	trainer, err := train.New(backend, cfg, trainSet, testSet)
	if err != nil {
		return err
	}
	progress := stdout
	if asJSON || quiet {
		progress = io.Discard
	}
	if asJSON && !quiet {
		progress = os.Stderr
	}
	fmt.Fprintf(progress, "training %s (%s head, %d trainable parameters) on %s (%d images), %s loss, %d epochs, backend %s\n",
		trainer.Model.Arch, trainer.Model.Head, trainer.Model.TrainableParameters(), trainSet.Name, trainSet.Len(), cfg.Loss, cfg.Epochs, backend.Name())
	start := time.Now()
	summary, err := trainer.Run(func(r train.Record) {
		fmt.Fprintf(progress, "epoch %3d/%d  loss %.4f  nc1 %.4g  angle %.4g  lr %.3g  %s\n",
			r.Epoch, cfg.Epochs, r.Loss, r.NC1, r.Angle, r.LR, time.Since(start).Round(time.Second))
	})
	if err != nil {
		return err
	}
	if asJSON {
		b, err := json.Marshal(summary)
		if err != nil {
			return errors.New("encoding the summary: " + err.Error())
		}
		fmt.Fprintln(stdout, string(b))
	}
	return nil
}
