package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
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

const ufmUsage = `usage:
  nclab ufm solve --classes K --counts m:n,... | --set-counts SET:n,... [--lambda-w ...] [--json]
  nclab ufm train --classes K --dim d --counts m:n,... | --set-counts SET:n,... [--json]
("nclab help ufm solve" and "nclab help ufm train" list the flags)`

func runUFM(args []string, stdout io.Writer) error {
	if a0(args) != "solve" && a0(args) != "train" {
		return subcommandHelp(args, ufmUsage, stdout)
	}
	fs := flag.NewFlagSet("ufm "+args[0], flag.ContinueOnError)
	k := fs.Int("classes", 0, "number of labels K (>= 2)")
	counts := fs.String("counts", "", "samples per label set of each multiplicity, m:n_m pairs, e.g. 1:5,2:2,3:1")
	setCounts := fs.String("set-counts", "", "instead of --counts: samples per label set, e.g. 0:50,1:5,0+1:3 (train runs without a closed form when unbalanced)")
	lw := fs.Float64("lambda-w", 5e-3, "weight decay of W")
	lh := fs.Float64("lambda-h", 5e-3, "weight decay of H")
	lb := fs.Float64("lambda-b", 5e-3, "weight decay of b")
	lossName := fs.String("loss", "pal", "pal or pal-n")
	sumLoss := fs.Bool("no-mean", false, "sum the loss over samples instead of averaging (no 1/N)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	var dim, maxSteps, trackEvery, history *int
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
		history = fs.Int("history", ufm.DefaultHistory, "lbfgs: number of past steps kept")
		gradTol = fs.Float64("grad-tol", def.GradTol, "stop when the gradient norm is at most this (lbfgs: use >= 1e-8)")
		initScale = fs.Float64("init-scale", def.InitScale, "standard deviation of the initial W and H entries")
		trackEvery = fs.Int("track-every", def.TrackEvery, "steps between trajectory records")
		trajectory = fs.String("trajectory", "", "write the trajectory as JSON lines to this file")
		metrics = fs.Bool("metrics", true, "collapse metrics at the end (and in the trajectory); needs multiplicity 1")
	}
	if err := parseFlags(fs, args[1:], stdout, false); err != nil {
		return err
	}
	p := ufm.Problem{K: *k, LambdaW: *lw, LambdaH: *lh, LambdaB: *lb}
	switch {
	case *counts != "" && *setCounts != "":
		return usagef("give --counts or --set-counts, not both")
	case *setCounts != "":
		var err error
		if p.SetCounts, err = ufm.ParseSetCounts(*k, *setCounts); err != nil {
			return usagef("--set-counts: %w", err)
		}
	default:
		var err error
		if p.Counts, err = ufm.ParseCounts(*counts); err != nil {
			return usagef("--counts: %w", err)
		}
	}
	if err := p.Validate(); err != nil {
		return usageError{err}
	}
	kind, err := loss.ParseKind(*lossName)
	if err != nil {
		return usageError{err}
	}
	if kind != loss.KindPAL && kind != loss.KindPALNormalized {
		return usagef("--loss %s: the UFM closed form covers pal and pal-n only", *lossName)
	}
	p.Normalized, p.SumLoss = kind == loss.KindPALNormalized, *sumLoss
	opt, err := p.Solve()
	if err != nil && (args[0] == "solve" || !errors.Is(err, ufm.ErrNoClosedForm)) {
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
		return usageError{err}
	}
	switch *dtype {
	case "float32":
		cfg.DType = dtypes.Float32
	case "float64":
		cfg.DType = dtypes.Float64
	default:
		return usagef("--dtype %q, want float32 or float64", *dtype)
	}
	cfg.LearningRate, cfg.Momentum, cfg.Nesterov = *lr, *momentum, *nesterov
	cfg.MaxSteps, cfg.GradTol, cfg.InitScale, cfg.TrackEvery, cfg.Seed = *maxSteps, *gradTol, *initScale, *trackEvery, *seed
	if *history < 1 {
		return usagef("--history %d, want >= 1", *history)
	}
	cfg.History = *history
	cfg.Metrics = *metrics && slices.Contains(p.Multiplicities(), 1)
	if err := cfg.Validate(p); err != nil {
		return usageError{err}
	}
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
	out := trainSummary(res, opt, tr.NoClosedForm())
	if *asJSON {
		return ufmWriteJSON(stdout, out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "steps\t%d (%s, %.3fs, %s)\n", res.Step, res.Stop, res.Seconds, runtime.Version())
	fmt.Fprintf(tw, "gradient norm\t%.3e\n", res.GradNorm)
	if opt == nil {
		fmt.Fprintf(tw, "objective\t%.10g\t(%v)\n", res.Objective, tr.NoClosedForm())
	} else {
		fmt.Fprintf(tw, "objective\t%.10g\t(closed form %.10g, relative gap %.2e)\n", res.Objective, opt.Objective, res.ObjectiveGap)
		fmt.Fprintf(tw, "rho\t%.8g\t(closed form %.8g)\n", res.Rho, opt.Rho)
		for _, m := range p.Multiplicities() {
			if m < p.K {
				fmt.Fprintf(tw, "c_%d\t%.8g\t(closed form %.8g)\n", m, res.C[m], opt.C[m])
			}
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintf(tw, "note\t%s\n", n)
	}
	if res.Metrics != nil {
		fmt.Fprintf(tw, "NC1 / NC2_W / NC2_H / NC3\t%.3e / %.3e / %.3e / %.3e\n", res.Metrics.NC1, res.Metrics.NC2W, res.Metrics.NC2H, res.Metrics.NC3)
	}
	return tw.Flush()
}

// trainJSON is the "nclab ufm train --json" object: the trained point's values under
// the keys of "ufm solve", the closed form beside them, and the collapse metrics.
// Without a closed form (unbalanced --set-counts) the keys that measure against it
// (rho, c, gamma, trivial, objective_gap, gram_error, feature_error, closed_form) are
// absent and no_closed_form says why.
type trainJSON struct {
	Objective    float64         `json:"objective"`
	Rho          *float64        `json:"rho,omitempty"`
	C            map[int]float64 `json:"c,omitempty"`
	Gamma        map[int]float64 `json:"gamma,omitempty"`
	Trivial      *bool           `json:"trivial,omitempty"`
	Steps        int             `json:"steps"`
	GradNorm     float64         `json:"grad_norm"`
	Converged    bool            `json:"converged"`
	Stop         string          `json:"stop"`
	Seconds      float64         `json:"seconds"`
	ObjectiveGap *float64        `json:"objective_gap,omitempty"`
	GramError    *float64        `json:"gram_error,omitempty"`
	FeatureError *float64        `json:"feature_error,omitempty"`
	ClosedForm   *ufm.Optimum    `json:"closed_form,omitempty"`
	NoClosedForm string          `json:"no_closed_form,omitempty"`
	Notes        []string        `json:"notes,omitempty"` // d below the theorems' assumptions, or a stop at the saddle W = H = 0
	Metrics      *collapse.JSON  `json:"metrics,omitempty"`
}

func trainSummary(res *ufm.Result, opt *ufm.Optimum, noClosedForm error) trainJSON {
	out := trainJSON{Objective: res.Objective, Steps: res.Step, GradNorm: res.GradNorm, Converged: res.Converged,
		Stop: res.Stop, Seconds: res.Seconds, Notes: res.Notes}
	if opt == nil || res.Distance == nil {
		out.NoClosedForm = noClosedForm.Error()
	} else {
		d := res.Distance
		out.Rho, out.C, out.Trivial, out.ClosedForm = &d.Rho, d.C, &opt.Trivial, opt
		out.ObjectiveGap, out.GramError, out.FeatureError = &d.ObjectiveGap, &d.GramError, &d.FeatureError
		out.Gamma = map[int]float64{}
		if c1, ok := res.C[1]; ok && c1 != 0 {
			for m, c := range res.C {
				out.Gamma[m] = float64(m) * c / c1
			}
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
