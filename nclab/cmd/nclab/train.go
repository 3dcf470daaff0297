package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/loss"
	"github.com/nclab/nclab/nclab/models"
	"github.com/nclab/nclab/nclab/train"
)

func init() {
	register(command{name: "train", summary: "train a network (MLP, CNNs, ResNet, VGG) with PAL / PAL-N / OvA, tracking neural collapse", run: runTrain})
}

// maxWidth bounds --feature-dim, --hidden and each of --widths (the paper's
// widest layer is ResNet50's 2048).
const maxWidth = 16384

func runTrain(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	var recipe data.Recipe
	var preset, arch, head, lossName, out string
	var epochs, batch, trackEvery, trackFirst, featureDim int
	var lr, wd, penalty float64
	var seed int64
	var asJSON, resume, allowSchedule, quiet bool
	var widths string
	var hidden, inputPool, widthDiv int
	fs.StringVar(&recipe.Dataset, "dataset", data.MNIST, "dataset: "+strings.Join(data.Datasets, ", "))
	fs.StringVar(&preset, "preset", "quick", "quick (CPU, minutes), paper (reference settings, for a GPU) or figure3 (learned head into the terminal phase on the quick data, per --arch): data size and training settings")
	fs.StringVar(&recipe.Imbalance, "imbalance", "", "imbalance of the data (see nclab data build); empty: balanced")
	fs.StringVar(&arch, "arch", "", "architecture: "+strings.Join(models.Archs, ", ")+" (default: the preset's)")
	fs.StringVar(&head, "head", "", "classifier head: learned or etf (frozen simplex ETF, last block reduced to K; default: the preset's, or learned with --arch)")
	fs.StringVar(&lossName, "loss", "", "loss: pal, pal-n or ova (default: the preset's, pal)")
	fs.IntVar(&epochs, "epochs", 0, "epochs, >= 1 (default: the preset's)")
	fs.IntVar(&batch, "batch", 0, "batch size, >= 2 (default: the preset's)")
	fs.IntVar(&trackEvery, "track-every", 0, "track metrics, log and checkpoint every N >= 1 epochs (default: the preset's)")
	fs.IntVar(&trackFirst, "track-first", 0, "also track each of the first N >= 0 epochs (default: the preset's)")
	fs.IntVar(&featureDim, "feature-dim", 0, "feature dimension d >= 1 (default: the architecture's; K with --head etf)")
	fs.Float64Var(&lr, "lr", 0, "initial learning rate > 0, cosine-annealed to lr/1000 (default: the preset's)")
	fs.Float64Var(&wd, "wd", 0, "weight decay >= 0; 0: none (default: the preset's)")
	fs.Float64Var(&penalty, "feature-penalty", 0, "lambda_h >= 0 of the feature penalty lambda_h sum_batch ||h||^2 (default: the preset's)")
	fs.Int64Var(&seed, "seed", 0, "seed of the data, the weights and the batch order")
	fs.StringVar(&widths, "widths", "", "convolution widths >= 1, comma-separated (smallcnn, convmlp: 2; cnn5: 4; default: the preset's or the architecture's)")
	fs.IntVar(&hidden, "hidden", 0, "hidden width >= 1 of the MLP and conv+MLP dense layers (default 512)")
	fs.IntVar(&inputPool, "input-pool", 0, "average-pool the input images by this factor >= 1 first (1: full size; default: the preset's); an image then too small for the architecture's max-pools is zero-padded to fit (VGG: 28 -> 32 pixels)")
	fs.IntVar(&widthDiv, "width-div", 0, "divide every width of resnet18/50 and vgg16/19 by this divisor of 64 (quick CPU runs; default 1)")
	fs.StringVar(&out, "out", "", "run directory (summary.json, log.jsonl, config.json, .npy arrays, checkpoint/)")
	fs.BoolVar(&resume, "resume", false, "continue the run in --out from its newest good checkpoint (the same settings, checked against its config.json)")
	fs.BoolVar(&allowSchedule, "allow-schedule-change", false, "with --resume: allow other epochs, batch, lr, weight decay, feature penalty or tracking than the run's")
	fs.BoolVar(&asJSON, "json", false, "print the summary as one JSON object on the last line")
	fs.BoolVar(&quiet, "quiet", false, "no progress lines")
	sweepFlags := addSweepFlags(fs)
	if err := parseFlags(fs, args, stdout, false); err != nil {
		return err
	}
	set := given(fs)
	if set["arch"] && !slices.Contains(models.Archs, arch) {
		return usagef("--arch %q: want one of %s", arch, strings.Join(models.Archs, ", "))
	}
	// With --arch the preset's model, head included, is replaced (figure3: by
	// that architecture's run).
	cfg, err := train.PresetArch(preset, arch)
	if err != nil {
		return usageError{err}
	}
	recipe.Preset, recipe.Seed = train.DataPreset(preset), seed
	if !slices.Contains(data.Datasets, recipe.Dataset) {
		return usagef("--dataset %q: want one of %s", recipe.Dataset, strings.Join(data.Datasets, ", "))
	}
	if set["head"] {
		if !slices.Contains(models.Heads, head) {
			return usagef("--head %q: want one of %s", head, strings.Join(models.Heads, ", "))
		}
		cfg.Model.Head = head
	}
	if set["loss"] {
		if _, err := loss.ParseKind(lossName); err != nil {
			return usagef("--loss %q: %v", lossName, err)
		}
		cfg.Loss = lossName
	}
	if err := sweepFlags.apply(&cfg, wd); err != nil {
		return usageError{err}
	}
	if set["widths"] {
		cfg.Model.Widths = nil
		for _, f := range strings.Split(widths, ",") {
			w, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || w < 1 || w > maxWidth {
				return usagef("--widths %q: %q is not an integer from 1 to %d", widths, f, maxWidth)
			}
			cfg.Model.Widths = append(cfg.Model.Widths, w)
		}
	}
	// The upper bounds refuse, before anything is allocated, sizes no
	// experiment here needs and a machine could not hold (a hidden width of
	// 10^9 is a 10^9 x 10^9 matrix).
	ints := []struct {
		name     string
		v        int
		min, max int
		dst      *int
	}{
		{"epochs", epochs, 1, 1_000_000, &cfg.Epochs},
		{"batch", batch, 2, 1 << 16, &cfg.BatchSize},
		{"track-every", trackEvery, 1, 1_000_000, &cfg.TrackEvery},
		{"track-first", trackFirst, 0, 1_000_000, &cfg.TrackFirst},
		{"feature-dim", featureDim, 1, maxWidth, &cfg.Model.FeatureDim},
		{"hidden", hidden, 1, maxWidth, &cfg.Model.Hidden},
		{"input-pool", inputPool, 1, 64, &cfg.Model.InputPool},
		{"width-div", widthDiv, 1, 64, &cfg.Model.WidthDivisor},
	}
	for _, o := range ints {
		if !set[o.name] {
			continue
		}
		if o.v < o.min || o.v > o.max {
			return usagef("--%s %d: want %d to %d", o.name, o.v, o.min, o.max)
		}
		*o.dst = o.v
	}
	if set["width-div"] && 64%widthDiv != 0 {
		return usagef("--width-div %d: want a divisor of 64", widthDiv)
	}
	floats := []struct {
		name     string
		v        float64
		positive bool // else >= 0
		dst      *float64
	}{
		{"lr", lr, true, &cfg.LR},
		{"wd", wd, false, &cfg.WeightDecay},
		{"feature-penalty", penalty, false, &cfg.FeaturePenalty},
	}
	for _, o := range floats {
		if !set[o.name] {
			continue
		}
		if math.IsNaN(o.v) || math.IsInf(o.v, 0) || o.v < 0 || (o.positive && o.v == 0) {
			want := ">= 0"
			if o.positive {
				want = "> 0"
			}
			return usagef("--%s %v: want a finite value %s", o.name, o.v, want)
		}
		*o.dst = o.v
	}
	if set["wd"] && wd == 0 {
		cfg.WeightDecay = -1 // train.Config: negative is none, zero the default
	}
	if cfg.Model.Head == "etf" && !set["feature-dim"] {
		cfg.Model.FeatureDim = 0 // fix_dim: the last block outputs K channels
	}
	if resume && out == "" {
		return usagef("--resume needs --out DIR (the run to continue)")
	}
	if allowSchedule && !resume {
		return usagef("--allow-schedule-change goes with --resume")
	}
	cfg.Seed, cfg.OutDir, cfg.Resume, cfg.AllowScheduleChange = seed, out, resume, allowSchedule
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
	cfg.Model.InputPad = models.FitInput(cfg.Model.Arch, cfg.Model.InputPool, min(trainSet.Height, trainSet.Width))
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
	for _, n := range trainer.Notes {
		fmt.Fprintf(os.Stderr, "nclab train: %s\n", n)
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
