package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/models"
	"github.com/nclab/nclab/nclab/train"
)

func init() {
	register(command{name: "steps", summary: "time N training steps of a network on random data (compare backends: same seed, same losses)", run: runSteps})
}

// stepsReport is the JSON of "nclab steps --json".
type stepsReport struct {
	Backend string `json:"backend"`
	Arch    string `json:"arch"`
	*train.StepTiming
}

func runSteps(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("steps", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var cfg train.StepsConfig
	fs.StringVar(&cfg.Model.Arch, "arch", "resnet18", "architecture: "+strings.Join(models.Archs, ", "))
	fs.IntVar(&cfg.Model.WidthDivisor, "width-div", 1, "divide every width of resnet18/50 and vgg16/19 by this divisor of 64")
	fs.IntVar(&cfg.K, "classes", 10, "number of labels K")
	fs.IntVar(&cfg.Side, "side", 32, "image side (square images)")
	fs.IntVar(&cfg.Channels, "channels", 3, "image channels")
	fs.IntVar(&cfg.Batch, "batch", 64, "batch size")
	fs.IntVar(&cfg.Batches, "batches", 4, "distinct random batches, visited in turn")
	fs.IntVar(&cfg.Steps, "steps", 50, "SGD steps (the first one includes compilation)")
	fs.Float64Var(&cfg.LR, "lr", 0.01, "constant learning rate")
	fs.Int64Var(&cfg.Seed, "seed", 1, "seed of the data, the weights and the batch order")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parseFlags(fs, args, stdout, false); err != nil {
		return err
	}
	if !slices.Contains(models.Archs, cfg.Model.Arch) {
		return usagef("--arch %q: want one of %s", cfg.Model.Arch, strings.Join(models.Archs, ", "))
	}
	backend, err := nclab.NewBackend()
	if err != nil {
		return err
	}
	res, err := train.TimeSteps(backend, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := json.Marshal(stepsReport{Backend: backend.Name(), Arch: cfg.Model.Arch, StepTiming: res})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	fmt.Fprintf(stdout, "%s on %s: first step %.3f s (compile + run), then %.4f s a step over %d steps (batch %d)\nloss: first %.6f, last %.6f\n",
		cfg.Model.Arch, backend.Name(), res.FirstSeconds, res.StepSeconds, res.Steps-1, res.Batch, res.Losses[0], res.Losses[len(res.Losses)-1])
	return nil
}
