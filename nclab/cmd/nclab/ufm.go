package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"text/tabwriter"

	"github.com/gomlx/compute/dtypes"

	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/loss"
	"github.com/nclab/nclab/nclab/ufm"
)

func init() {
	register(command{name: "ufm", summary: "unconstrained feature model: closed-form optimum (solve) or GoMLX training (train)", run: runUFM})
}

func runUFM(args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "solve" && args[0] != "train") {
		return errors.New(`want "ufm solve" or "ufm train" (add -h for flags)`)
	}
	fs := flag.NewFlagSet("ufm "+args[0], flag.ContinueOnError)
	fs.SetOutput(stdout)
	k := fs.Int("classes", 0, "number of labels K (>= 2)")
	counts := fs.String("counts", "", "samples per label set of each multiplicity, m:n_m pairs, e.g. 1:5,2:2,3:1")
	lw := fs.Float64("lambda-w", 5e-3, "weight decay of W")
	lh := fs.Float64("lambda-h", 5e-3, "weight decay of H")
	lb := fs.Float64("lambda-b", 5e-3, "weight decay of b")
	lossName := fs.String("loss", "pal", "pal or pal-n")
	sumLoss := fs.Bool("no-mean", false, "sum the loss over samples instead of averaging (no 1/N)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	var dim, maxSteps, trackEvery *int
	var seed *int64
	var method, dtype, trajectory *string
	var lr, momentum, gradTol, initScale *float64
	var nesterov, metrics *bool
	if args[0] == "train" {
		def := ufm.DefaultTrainConfig(0)
		dim = fs.Int("dim", 0, "feature dimension d (Theorem 2 needs d > K)")
		seed = fs.Int64("seed", 1, "seed of the Gaussian initialisation")
		method = fs.String("method", def.Method.String(), "gd (gradient descent) or lbfgs")
		dtype = fs.String("dtype", "float64", "float32 or float64")
		lr = fs.Float64("lr", def.LearningRate, "gradient-descent learning rate")
		momentum = fs.Float64("momentum", def.Momentum, "heavy-ball momentum in [0, 1)")
		nesterov = fs.Bool("nesterov", false, "Nesterov momentum")
		maxSteps = fs.Int("max-steps", def.MaxSteps, "most optimiser steps")
		gradTol = fs.Float64("grad-tol", def.GradTol, "stop when the gradient norm is at most this (lbfgs: use >= 1e-8)")
		initScale = fs.Float64("init-scale", def.InitScale, "standard deviation of the initial W and H entries")
		trackEvery = fs.Int("track-every", def.TrackEvery, "steps between trajectory records")
		trajectory = fs.String("trajectory", "", "write the trajectory as JSON lines to this file")
		metrics = fs.Bool("metrics", true, "collapse metrics at the end (and in the trajectory); needs multiplicity 1")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	parsedCounts, err := ufm.ParseCounts(*counts)
	if err != nil {
		return fmt.Errorf("--counts: %w", err)
	}
	kind, err := loss.ParseKind(*lossName)
	if err != nil {
		return err
	}
	if kind != loss.KindPAL && kind != loss.KindPALNormalized {
		return fmt.Errorf("--loss %s: the UFM closed form covers pal and pal-n only", *lossName)
	}
	p := ufm.Problem{K: *k, Counts: parsedCounts, LambdaW: *lw, LambdaH: *lh, LambdaB: *lb, Normalized: kind == loss.KindPALNormalized, SumLoss: *sumLoss}
	opt, err := p.Solve()
	if err != nil {
		return err
	}
	if args[0] == "solve" {
		if *asJSON {
			return ufmWriteJSON(stdout, opt)
		}
		return printOptimum(stdout, p, opt)
	}

	cfg := ufm.DefaultTrainConfig(*dim)
	if cfg.Method, err = ufm.ParseMethod(*method); err != nil {
		return err
	}
	switch *dtype {
	case "float32":
		cfg.DType = dtypes.Float32
	case "float64":
		cfg.DType = dtypes.Float64
	default:
		return fmt.Errorf("--dtype %q, want float32 or float64", *dtype)
	}
	cfg.LearningRate, cfg.Momentum, cfg.Nesterov = *lr, *momentum, *nesterov
	cfg.MaxSteps, cfg.GradTol, cfg.InitScale, cfg.TrackEvery, cfg.Seed = *maxSteps, *gradTol, *initScale, *trackEvery, *seed
	cfg.Metrics = *metrics && p.Counts[1] > 0
	backend, err := nclab.NewBackend()
	if err != nil {
		return err
	}
	tr, err := ufm.NewTrainer(backend, p, cfg)
	if err != nil {
		return err
	}
	res, err := tr.Train(cfg.Seed)
	if err != nil {
		return err
	}
	if *trajectory != "" {
		if err := writeTrajectory(*trajectory, res.Trajectory); err != nil {
			return err
		}
	}
	out := trainSummary(res, opt)
	if *asJSON {
		return ufmWriteJSON(stdout, out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "steps\t%d (%s, %.3fs, %s)\n", res.Step, res.Stop, res.Seconds, runtime.Version())
	fmt.Fprintf(tw, "objective\t%.10g\t(closed form %.10g, relative gap %.2e)\n", res.Objective, opt.Objective, res.ObjectiveGap)
	fmt.Fprintf(tw, "gradient norm\t%.3e\n", res.GradNorm)
	fmt.Fprintf(tw, "rho\t%.8g\t(closed form %.8g)\n", res.Rho, opt.Rho)
	for _, m := range p.Multiplicities() {
		fmt.Fprintf(tw, "c_%d\t%.8g\t(closed form %.8g)\n", m, res.C[m], opt.C[m])
	}
	if res.Metrics != nil {
		fmt.Fprintf(tw, "NC1 / NC2_W / NC2_H / NC3\t%.3e / %.3e / %.3e / %.3e\n", res.Metrics.NC1, res.Metrics.NC2W, res.Metrics.NC2H, res.Metrics.NC3)
	}
	return tw.Flush()
}

// trainJSON is the "nclab ufm train --json" object: the trained point's values under
// the keys of "ufm solve", the closed form beside them, and the collapse metrics.
type trainJSON struct {
	Objective    float64         `json:"objective"`
	Rho          float64         `json:"rho"`
	C            map[int]float64 `json:"c"`
	Gamma        map[int]float64 `json:"gamma"`
	Trivial      bool            `json:"trivial"`
	Steps        int             `json:"steps"`
	GradNorm     float64         `json:"grad_norm"`
	Converged    bool            `json:"converged"`
	Stop         string          `json:"stop"`
	Seconds      float64         `json:"seconds"`
	ObjectiveGap float64         `json:"objective_gap"`
	GramError    float64         `json:"gram_error"`
	FeatureError float64         `json:"feature_error"`
	ClosedForm   *ufm.Optimum    `json:"closed_form"`
	Metrics      *collapse.JSON  `json:"metrics,omitempty"`
}

func trainSummary(res *ufm.Result, opt *ufm.Optimum) trainJSON {
	out := trainJSON{Objective: res.Objective, Rho: res.Rho, C: res.C, Trivial: opt.Trivial, Steps: res.Step,
		GradNorm: res.GradNorm, Converged: res.Converged, Stop: res.Stop, Seconds: res.Seconds,
		ObjectiveGap: res.ObjectiveGap, GramError: res.GramError, FeatureError: res.FeatureError, ClosedForm: opt}
	out.Gamma = map[int]float64{}
	if c1, ok := res.C[1]; ok && c1 != 0 {
		for m, c := range res.C {
			out.Gamma[m] = float64(m) * c / c1
		}
	}
	if res.Metrics != nil {
		j := res.Metrics.JSON()
		out.Metrics = &j
	}
	return out
}

func writeTrajectory(path string, records []ufm.Record) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, r := range records {
		line := struct {
			ufm.Record
			Metrics *collapse.JSON `json:"metrics,omitempty"`
		}{Record: r}
		if r.Metrics != nil {
			j := r.Metrics.JSON()
			line.Metrics = &j
		}
		if err := enc.Encode(line); err != nil {
			f.Close()
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return f.Close()
}

func printOptimum(w io.Writer, p ufm.Problem, opt *ufm.Optimum) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "N\t%d\n", p.NumSamples())
	if opt.Trivial {
		fmt.Fprintf(tw, "optimum\tW = H = 0 only (lW lH N^2 is at or above the existence threshold)\n")
	}
	fmt.Fprintf(tw, "objective f*\t%.10g\n", opt.Objective)
	fmt.Fprintf(tw, "rho\t%.10g\n", opt.Rho)
	fmt.Fprintln(tw, "m\tc_m\tgamma_m\tin-set logit\tout-of-set logit\tloss per sample")
	for _, m := range p.Multiplicities() {
		gamma := "-"
		if g, ok := opt.Gamma[m]; ok {
			gamma = fmt.Sprintf("%.8g", g)
		}
		fmt.Fprintf(tw, "%d\t%.10g\t%s\t%.8g\t%.8g\t%.8g\n", m, opt.C[m], gamma, opt.InSetLogit[m], opt.OutOfSetLogit[m], opt.SampleLoss[m])
	}
	return tw.Flush()
}

func ufmWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
