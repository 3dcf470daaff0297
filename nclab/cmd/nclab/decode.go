package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/decode"
	"github.com/nclab/nclab/nclab/multilabel"
	"github.com/nclab/nclab/nclab/tables"
	"github.com/nclab/nclab/nclab/train"
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
	defaults := decode.DefaultOvAOptions()
	var dirs []string
	fs.Func("run", "run directory of `nclab train --out` (train/test features and labels .npy); repeat for a table over several runs", func(v string) error {
		dirs = append(dirs, v)
		return nil
	})
	var pairs [][2]string
	fs.Func("table2", "LEARNED_DIR,ETF_DIR: two runs of one network, learned and frozen-ETF head; repeat; prints Table 2 (softmax-mass IoU, ONN Jaccard, parameters saved) instead of decoding", func(v string) error {
		l, e, ok := strings.Cut(v, ",")
		if !ok || l == "" || e == "" {
			return fmt.Errorf("want LEARNED_DIR,ETF_DIR, got %q", v)
		}
		pairs = append(pairs, [2]string{l, e})
		return nil
	})
	metricName := fs.String("metric", "euclidean", "ONN distance: euclidean or cosine")
	opts := decode.Options{OvA: defaults}
	fs.Float64Var(&opts.OvA.TargetLoss, "target-loss", defaults.TargetLoss, "OvA: stop training the heads at this mean training loss")
	fs.IntVar(&opts.OvA.MaxIterations, "max-iter", defaults.MaxIterations, "OvA: at most this many L-BFGS iterations")
	fs.Float64Var(&opts.OvA.L2, "l2", defaults.L2, "OvA: weight decay l2/2 ||W||^2 on the heads")
	fs.Float64Var(&opts.OvA.HoldoutFraction, "holdout", defaults.HoldoutFraction, "OvA tuned: share of the training set held out to tune the threshold")
	seed := fs.Int64("seed", int64(defaults.Seed), "OvA tuned: seed of the held-out split")
	asJSON := fs.Bool("json", false, "print one JSON object per run (an array for several runs): onn, ova, ova_tuned, each with the keys of nclab evaluate plus flops")
	if err := parseFlags(fs, args, stdout, false); err != nil {
		return err
	}
	if len(pairs) > 0 {
		if len(dirs) > 0 {
			return usagef("give either --run (Table 1) or --table2 (Table 2), not both")
		}
		return printTable2(pairs, *asJSON, stdout)
	}
	if len(dirs) == 0 {
		return usagef("--run DIR is required")
	}
	if *seed < 0 {
		return usagef("--seed %d, want >= 0", *seed)
	}
	o := opts.OvA
	switch {
	case !(o.TargetLoss >= 0) || math.IsInf(o.TargetLoss, 0):
		return usagef("--target-loss %v: want a finite value >= 0", o.TargetLoss)
	case o.MaxIterations < 1:
		return usagef("--max-iter %d: want >= 1", o.MaxIterations)
	case !(o.L2 >= 0) || math.IsInf(o.L2, 0):
		return usagef("--l2 %v: want a finite value >= 0", o.L2)
	case !(o.HoldoutFraction > 0 && o.HoldoutFraction < 1):
		return usagef("--holdout %v: want a holdout fraction in (0, 1)", o.HoldoutFraction)
	}
	opts.OvA.Seed = uint64(*seed)
	var err error
	if opts.Metric, err = decode.ParseMetric(*metricName); err != nil {
		return usageError{err}
	}
	backend, err := nclab.NewBackend()
	if err != nil {
		return err
	}
	table := tables.Table1{Title: "Decoders on frozen features: F1 = sample F1; GFLOPs = fit + test prediction (OvA: head training)"}
	var objects []map[string]any
	for _, dir := range dirs {
		name, err := runDatasetName(dir)
		if err != nil {
			return err
		}
		run, err := decode.ReadRun(dir)
		if err != nil {
			return err
		}
		c, err := decode.Compare(backend, run, opts)
		if err != nil {
			return fmt.Errorf("run %s: %w", dir, err)
		}
		objects = append(objects, decodeJSON(dir, run, c))
		table.Rows = append(table.Rows, tables.Table1Rows(name, c)...)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if len(objects) == 1 {
			return enc.Encode(objects[0])
		}
		return enc.Encode(objects)
	}
	_, err = io.WriteString(stdout, table.Markdown())
	return err
}

// decodeJSON is the object `nclab decode --json` prints for one run.
func decodeJSON(dir string, run *decode.Run, c *decode.Comparison) map[string]any {
	out := map[string]any{"run": dir, "k": run.K, "train_samples": len(run.TrainSets), "test_samples": len(run.TestSets),
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
	return out
}

// printTable2 scores each learned/ETF pair of run directories as a Table 2 row
// (tables.Table2RowFromRuns: a pair that is swapped, repeated or mismatched is
// refused).
func printTable2(pairs [][2]string, asJSON bool, stdout io.Writer) error {
	table := tables.Table2{Title: "Learned vs frozen ETF head: IoU = softmax mass on the true set; Jaccard of the ONN prediction"}
	for _, p := range pairs {
		row, err := tables.Table2RowFromRuns(p[0], p[1])
		if err != nil {
			return err
		}
		table.Rows = append(table.Rows, row)
	}
	if asJSON {
		type rowJSON struct {
			tables.Table2Row
			ParametersSaved float64 `json:"parameters_saved"`
		}
		rows := make([]rowJSON, len(table.Rows))
		for i, r := range table.Rows {
			rows[i] = rowJSON{r, r.ParametersSaved()}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	_, err := io.WriteString(stdout, table.Markdown())
	return err
}

func colsOf(run *decode.Run) int { _, d := run.TrainFeatures.Dims(); return d }

// runDatasetName names a run in Table 1: train.RunDir.Name, or the directory
// name for a folder of arrays without summary.json (features from elsewhere).
// A summary.json that cannot be read is an error.
func runDatasetName(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, train.SummaryFile)); errors.Is(err, os.ErrNotExist) {
		return filepath.Base(filepath.Clean(dir)), nil
	}
	r, err := train.OpenRun(dir)
	if err != nil {
		return "", err
	}
	return r.Name(), nil
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
