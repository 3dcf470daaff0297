package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/decode"
	"github.com/nclab/nclab/nclab/multilabel"
	"github.com/nclab/nclab/nclab/tables"
)

func init() {
	register(command{name: "decode", summary: "decode a training run's test features with ONN (nearest label-set mean) and one-vs-all heads; Table 1 row", run: runDecode})
}

// decodeMethodJSON is one decoder in `nclab decode --json`: the keys of
// `nclab evaluate --json`, the FLOP counts, and what the decoder did.
type decodeMethodJSON struct {
	multilabel.ReportJSON
	FLOPs decodeFLOPsJSON `json:"flops"`
	// ONN only.
	Metric     string   `json:"metric,omitempty"`
	SetsSeen   int      `json:"sets_seen,omitempty"`
	MeanMargin *float64 `json:"mean_margin,omitempty"`
	// OvA only.
	Threshold   float64 `json:"threshold,omitempty"`
	TrainLoss   float64 `json:"train_loss,omitempty"`
	Iterations  int     `json:"iterations,omitempty"`
	Evaluations int     `json:"evaluations,omitempty"`
	Status      string  `json:"status,omitempty"`
}

type decodeFLOPsJSON struct {
	decode.FLOPs
	Total float64 `json:"total"`
}

func runDecode(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("decode", flag.ContinueOnError)
	fs.SetOutput(stdout)
	defaults := decode.DefaultOvAOptions()
	dir := fs.String("run", "", "run directory of `nclab train --out` (train/test features and labels .npy)")
	metricName := fs.String("metric", "euclidean", "ONN distance: euclidean or cosine")
	opts := decode.Options{OvA: defaults}
	fs.Float64Var(&opts.OvA.TargetLoss, "target-loss", defaults.TargetLoss, "OvA: stop training the heads at this mean training loss")
	fs.IntVar(&opts.OvA.MaxIterations, "max-iter", defaults.MaxIterations, "OvA: at most this many L-BFGS iterations")
	fs.Float64Var(&opts.OvA.L2, "l2", defaults.L2, "OvA: weight decay l2/2 ||W||^2 on the heads")
	fs.Float64Var(&opts.OvA.HoldoutFraction, "holdout", defaults.HoldoutFraction, "OvA tuned: share of the training set held out to tune the threshold")
	seed := fs.Int64("seed", int64(defaults.Seed), "OvA tuned: seed of the held-out split")
	dataset := fs.String("dataset", "", "dataset name for the table (default: summary.json's dataset, else the directory name)")
	asJSON := fs.Bool("json", false, "print one JSON object: onn, ova, ova_tuned, each with the keys of nclab evaluate plus flops")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *dir == "" {
		return errors.New("--run DIR is required")
	}
	if *seed < 0 {
		return fmt.Errorf("--seed %d, want >= 0", *seed)
	}
	opts.OvA.Seed = uint64(*seed)
	var err error
	if opts.Metric, err = decode.ParseMetric(*metricName); err != nil {
		return err
	}
	run, err := decode.ReadRun(*dir)
	if err != nil {
		return err
	}
	backend, err := nclab.NewBackend()
	if err != nil {
		return err
	}
	c, err := decode.Compare(backend, run, opts)
	if err != nil {
		return err
	}
	if *asJSON {
		out := map[string]any{"k": run.K, "train_samples": len(run.TrainSets), "test_samples": len(run.TestSets),
			"feature_dim": colsOf(run)}
		for _, r := range c.Results {
			m := decodeMethodJSON{ReportJSON: r.Report.JSON(), FLOPs: decodeFLOPsJSON{FLOPs: r.FLOPs, Total: r.FLOPs.Total()}}
			switch r.Key {
			case "onn":
				m.Metric, m.SetsSeen = c.ONN.Metric.String(), len(c.ONN.Sets)
				mean := meanFinite(c.ONNPredictions.Margin)
				m.MeanMargin = &mean
			case "ova", "ova_tuned":
				o := c.OvA
				if r.Key == "ova_tuned" {
					o = c.OvATuned
				}
				m.Threshold, m.TrainLoss, m.Iterations, m.Evaluations, m.Status = o.Threshold, o.TrainLoss, o.Iterations, o.Evaluations, o.Status
			}
			out[r.Key] = m
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	name := *dataset
	if name == "" {
		name = runDatasetName(*dir)
	}
	t := tables.Table1{Title: fmt.Sprintf("Decoders on the features of %s (K = %d, d = %d, %d train / %d test)",
		*dir, run.K, colsOf(run), len(run.TrainSets), len(run.TestSets)), Rows: tables.Table1Rows(name, c)}
	_, err = io.WriteString(stdout, t.Markdown())
	return err
}

func colsOf(run *decode.Run) int { _, d := run.TrainFeatures.Dims(); return d }

// runDatasetName is summary.json's "dataset" when readable, else the directory name.
func runDatasetName(dir string) string {
	var s struct {
		Dataset string `json:"dataset"`
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "summary.json")); err == nil && json.Unmarshal(raw, &s) == nil && s.Dataset != "" {
		return s.Dataset
	}
	return filepath.Base(filepath.Clean(dir))
}

// meanFinite averages the finite values (an ONN margin is +Inf when training saw one set).
func meanFinite(v []float64) float64 {
	var sum float64
	n := 0
	for _, x := range v {
		if x-x == 0 {
			sum += x
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}
