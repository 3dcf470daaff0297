package train

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/collapse"
)

// SweepPoint is one run of the Figure 3 sweep: the "figure3" MLP preset
// (PresetArch("figure3", "mlp"), seed 1) with one knob changed.
type SweepPoint struct {
	Name  string   // short name, also the run's folder in bench/figure3_sweep.sh
	Knob  string   // what changed: "preset" for the unchanged run
	Value string   // its new value
	Flags []string // the `nclab train` flags that make the change
	apply func(*Config)
}

// Apply changes cfg as the point's flags change the preset.
func (p SweepPoint) Apply(cfg *Config) {
	if p.apply != nil {
		p.apply(cfg)
	}
}

// Command is the `nclab train` command line of the point's run; with
// quickEpochs > 0, of its shortened version (Figure3SweepConfig).
func (p SweepPoint) Command(quickEpochs int) string {
	cmd := "nclab train --preset figure3 --arch mlp --seed 1"
	for _, f := range p.Flags {
		cmd += " " + f
	}
	if quickEpochs > 0 {
		cmd += fmt.Sprintf(" --epochs %d --track-every %d", quickEpochs, max(1, quickEpochs/10))
	}
	return cmd
}

// Figure3Sweep lists the sweep of METHOD.md §5's subspace split on the fast
// MLP (the runs of bench/figure3_sweep.sh, in its order): which knob drives
// the null-space energy of the features to zero, and at what cost in test
// accuracy. The knobs: the feature penalty lambda_h (the UFM's own
// regulariser on H), weight decay (the only other force on the part of h
// outside W's row space), the feature dimension d (d = K leaves W no null
// space), PAL-N against PAL, batch norm before the head, and the epochs.
func Figure3Sweep() []SweepPoint {
	return []SweepPoint{
		{Name: "base", Knob: "preset", Value: "-"},
		{Name: "fp1e-2", Knob: "feature penalty", Value: "1e-2", Flags: []string{"--feature-penalty", "1e-2"}, apply: func(c *Config) { c.FeaturePenalty = 1e-2 }},
		{Name: "fp3e-3", Knob: "feature penalty", Value: "3e-3", Flags: []string{"--feature-penalty", "3e-3"}, apply: func(c *Config) { c.FeaturePenalty = 3e-3 }},
		{Name: "fp1e-3", Knob: "feature penalty", Value: "1e-3", Flags: []string{"--feature-penalty", "1e-3"}, apply: func(c *Config) { c.FeaturePenalty = 1e-3 }},
		{Name: "wd5e-3", Knob: "weight decay", Value: "5e-3", Flags: []string{"--wd", "5e-3"}, apply: func(c *Config) { c.WeightDecay = 5e-3 }},
		{Name: "bn", Knob: "batch norm before head", Value: "on", Flags: []string{"--head-bn"}, apply: func(c *Config) { c.Model.HeadBatchNorm = true }},
		{Name: "d10", Knob: "feature dim", Value: "10", Flags: []string{"--feature-dim", "10"}, apply: func(c *Config) { c.Model.FeatureDim = 10 }},
		{Name: "wd0", Knob: "weight decay", Value: "0", Flags: []string{"--no-wd"}, apply: func(c *Config) { c.WeightDecay = -1 }},
		{Name: "paln", Knob: "loss", Value: "pal-n", Flags: []string{"--loss", "pal-n"}, apply: func(c *Config) { c.Loss = "pal-n" }},
		{Name: "d64", Knob: "feature dim", Value: "64", Flags: []string{"--feature-dim", "64"}, apply: func(c *Config) { c.Model.FeatureDim = 64 }},
		{Name: "fp0", Knob: "feature penalty", Value: "0", Flags: []string{"--feature-penalty", "0"}, apply: func(c *Config) { c.FeaturePenalty = 0 }},
		{Name: "ep100", Knob: "epochs", Value: "100", Flags: []string{"--epochs", "100"}, apply: func(c *Config) { c.Epochs = 100 }},
		{Name: "ep400", Knob: "epochs", Value: "400", Flags: []string{"--epochs", "400", "--track-every", "20"}, apply: func(c *Config) { c.Epochs, c.TrackEvery = 400, 20 }},
	}
}

// Figure3SweepConfig returns the configuration of the named sweep point (seed
// 1): the full run, or, with quickEpochs > 0, a shorter version of it for a
// notebook's quick mode (the same change, quickEpochs epochs, tracked every
// quickEpochs/10).
func Figure3SweepConfig(name string, quickEpochs int) (Config, SweepPoint, error) {
	points := Figure3Sweep()
	i := slices.IndexFunc(points, func(p SweepPoint) bool { return p.Name == name })
	if i < 0 {
		names := make([]string, len(points))
		for j, p := range points {
			names[j] = p.Name
		}
		return Config{}, SweepPoint{}, fmt.Errorf("train: no sweep point %q (want one of %v)", name, names)
	}
	cfg, err := PresetArch("figure3", "mlp")
	if err != nil {
		return cfg, points[i], err
	}
	cfg.Seed = 1
	points[i].Apply(&cfg)
	if quickEpochs > 0 {
		cfg.Epochs, cfg.TrackEvery = quickEpochs, max(1, quickEpochs/10)
	}
	return cfg, points[i], nil
}

// figure3Base is the preset's value of each swept knob.
var figure3Base = map[string]string{
	"feature penalty": "1e-4", "weight decay": "5e-4", "batch norm before head": "off",
	"loss": "pal", "feature dim": "256", "epochs": "200",
}

// SweepRow is one finished sweep run: its summary and its collapse metrics
// recomputed from the saved arrays (RunMetrics).
type SweepRow struct {
	Point   SweepPoint
	Dir     string
	Summary *Summary
	Metrics *collapse.Metrics
}

// ReadSweepRun reads the finished run of point p in dir.
func ReadSweepRun(p SweepPoint, dir string) (SweepRow, error) {
	s, _, err := ReadRun(dir)
	if err != nil {
		return SweepRow{}, err
	}
	met, err := RunMetrics(dir)
	if err != nil {
		return SweepRow{}, err
	}
	return SweepRow{Point: p, Dir: dir, Summary: s, Metrics: met}, nil
}

// SweepKnobs groups rows by knob, in the order of first appearance, each
// group led by the unchanged run (knob "preset", if among rows) relabelled
// with the preset's value of that knob: one plot per knob.
func SweepKnobs(rows []SweepRow) (knobs []string, groups map[string][]SweepRow) {
	groups = map[string][]SweepRow{}
	var base *SweepRow
	for i, r := range rows {
		if r.Point.Knob == "preset" {
			base = &rows[i]
			continue
		}
		if _, ok := groups[r.Point.Knob]; !ok {
			knobs = append(knobs, r.Point.Knob)
			if base != nil {
				b := *base
				b.Point.Knob, b.Point.Value = r.Point.Knob, figure3Base[r.Point.Knob]
				groups[r.Point.Knob] = []SweepRow{b}
			}
		}
		groups[r.Point.Knob] = append(groups[r.Point.Knob], r)
	}
	return knobs, groups
}

// SweepTable is the sweep as a Markdown table: knob, value, null-space
// energy, the full-space and row-space two-label angle ratios, NC1, NC1 on
// P h, training and test subset accuracy and test F1.
func SweepTable(rows []SweepRow) string {
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "-"
		}
		return fmt.Sprintf("%.3g", v)
	}
	var b strings.Builder
	b.WriteString("| knob | value | epochs | null energy | angle (full) | angle (row space) | NC1 | NC1 (row space) | train subset acc | test subset acc | test F1 |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		m, s := r.Metrics, r.Summary
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %s | %s | %.3f | %.3f | %.3f |\n", r.Point.Knob, r.Point.Value, s.Epochs,
			f(m.NullEnergy), f(angle2(m.Angle)), f(angle2(m.AngleRow)), f(m.NC1), f(m.NC1Row),
			s.Train.SubsetAccuracy, s.Test.SubsetAccuracy, s.Test.F1Samples)
	}
	return b.String()
}

func angle2(a map[int]float64) float64 {
	if v, ok := a[2]; ok {
		return v
	}
	return math.NaN()
}

// SweepFailure is a sweep run that stopped with an error (a divergence, or
// features that died under a strong feature penalty): a result too.
type SweepFailure struct {
	Point SweepPoint
	Err   string
}

// failedFile marks a failed run's folder; it holds the error.
const failedFile = "FAILED"

// ReadSweep reads the runs of the named sweep points (all of Figure3Sweep
// when names is empty) from dir/NAME, as bench/figure3_sweep.sh and RunSweep
// write them: finished runs as rows, failed ones as failures, in the sweep's
// order. missing lists the points with neither.
func ReadSweep(dir string, names []string) (rows []SweepRow, failures []SweepFailure, missing []string, err error) {
	for _, p := range Figure3Sweep() {
		if len(names) > 0 && !slices.Contains(names, p.Name) {
			continue
		}
		run := filepath.Join(dir, p.Name)
		if msg, err := os.ReadFile(filepath.Join(run, failedFile)); err == nil {
			failures = append(failures, SweepFailure{Point: p, Err: strings.TrimSpace(string(msg))})
			continue
		}
		if _, err := os.Stat(filepath.Join(run, "summary.json")); err != nil {
			missing = append(missing, p.Name)
			continue
		}
		row, err := ReadSweepRun(p, run)
		if err != nil {
			return nil, nil, nil, err
		}
		rows = append(rows, row)
	}
	return rows, failures, missing, nil
}

// RunSweep trains the named sweep points on the quick M-lab data (data seed
// 1) into dir/NAME, each as Figure3SweepConfig(name, quickEpochs) says, on up
// to workers goroutines at once (workers < 1: one per CPU; the runs are
// independent, as in RunAll, and keep their numbers), and reads them back as
// ReadSweep does. Finished or failed runs already in dir are kept; a run that
// stops with an error leaves its message in dir/NAME/FAILED and the sweep goes
// on. before, if not nil, is called with each point about to be trained, in
// the sweep's order, one call at a time.
func RunSweep(backend compute.Backend, names []string, quickEpochs, workers int, dataset, dir string, before func(SweepPoint)) ([]SweepRow, []SweepFailure, error) {
	type job struct {
		cfg   Config
		point SweepPoint
		run   string
	}
	var jobs []job
	for _, name := range names {
		cfg, p, err := Figure3SweepConfig(name, quickEpochs)
		if err != nil {
			return nil, nil, err
		}
		run := filepath.Join(dir, name)
		if _, err := os.Stat(filepath.Join(run, failedFile)); err == nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(run, "summary.json")); err == nil {
			continue
		}
		jobs = append(jobs, job{cfg, p, run})
	}
	if workers < 1 {
		workers = runtime.NumCPU()
	}
	errs := make([]error, len(jobs)) // only failures to record a failure
	slots := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, j := range jobs {
		slots <- struct{}{}
		if before != nil {
			before(j.point)
		}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			recipe := data.Recipe{Dataset: dataset, Preset: DataPreset("figure3"), Seed: 1}
			if _, _, err := TrainInDir(backend, j.cfg, recipe, j.run, false, nil); err != nil {
				if werr := os.WriteFile(filepath.Join(j.run, failedFile), []byte(err.Error()+"\n"), 0o644); werr != nil {
					errs[i] = fmt.Errorf("train: sweep point %s: %w (after %v)", j.point.Name, werr, err)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	rows, failures, _, err := ReadSweep(dir, names)
	return rows, failures, err
}

// Figure3QuickEpochs is the length of the notebooks' quick-mode Figure 3
// runs (the figure3 MLP preset cut short: minutes on 2 cores); the full runs
// are the preset's.
const Figure3QuickEpochs = 30

// Figure3QuickSweep names the sweep points a notebook trains in quick mode
// (at Figure3QuickEpochs): the preset, d = K (no null space) and ten times
// the weight decay.
var Figure3QuickSweep = []string{"base", "d10", "wd5e-3"}
