package train

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nclab/nclab/data"
	"gonum.org/v1/gonum/mat"
)

// TestFigure3SweepPoints: every point changes the preset as its flags say
// (checked field by field), names are unique, and an unknown name is an error.
func TestFigure3SweepPoints(t *testing.T) {
	base, err := PresetArch("figure3", "mlp")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range Figure3Sweep() {
		if seen[p.Name] {
			t.Errorf("sweep point %q twice", p.Name)
		}
		seen[p.Name] = true
		cfg, got, err := Figure3SweepConfig(p.Name, 0)
		if err != nil || got.Name != p.Name || cfg.Seed != 1 {
			t.Fatalf("%s: %v, %+v", p.Name, err, got)
		}
		want := base
		want.Seed = 1
		for i := 0; i < len(p.Flags); i += 2 {
			switch p.Flags[i] {
			case "--feature-penalty":
				want.FeaturePenalty = parse(t, p.Flags[i+1])
			case "--wd":
				want.WeightDecay = parse(t, p.Flags[i+1])
			case "--no-wd":
				want.WeightDecay, i = -1, i-1
			case "--head-bn":
				want.Model.HeadBatchNorm, i = true, i-1
			case "--loss":
				want.Loss = p.Flags[i+1]
			case "--feature-dim":
				want.Model.FeatureDim = int(parse(t, p.Flags[i+1]))
			case "--epochs":
				want.Epochs = int(parse(t, p.Flags[i+1]))
			case "--track-every":
				want.TrackEvery = int(parse(t, p.Flags[i+1]))
			default:
				t.Fatalf("%s: flag %s not checked", p.Name, p.Flags[i])
			}
		}
		if !equalConfigs(cfg, want) {
			t.Errorf("%s (%s): config %+v, want %+v", p.Name, p.Command(0), cfg, want)
		}
	}
	q, _, err := Figure3SweepConfig("bn", 40)
	if err != nil || q.Epochs != 40 || q.TrackEvery != 4 || !q.Model.HeadBatchNorm {
		t.Errorf("quick bn: %+v, %v", q, err)
	}
	if _, p, _ := Figure3SweepConfig("bn", 0); p.Command(40) != "nclab train --preset figure3 --arch mlp --seed 1 --head-bn --epochs 40 --track-every 4" {
		t.Errorf("quick bn command: %s", p.Command(40))
	}
	if _, _, err := Figure3SweepConfig("nope", 0); err == nil || !strings.Contains(err.Error(), `no sweep point "nope"`) {
		t.Errorf("unknown point: %v", err)
	}
}

func parse(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

func equalConfigs(a, b Config) bool {
	return slices.Equal(a.Model.Widths, b.Model.Widths) && a.Model.Arch == b.Model.Arch && a.Model.Head == b.Model.Head &&
		a.Model.FeatureDim == b.Model.FeatureDim && a.Model.HeadBatchNorm == b.Model.HeadBatchNorm &&
		a.Model.InputPool == b.Model.InputPool && a.Model.WidthDivisor == b.Model.WidthDivisor &&
		a.Loss == b.Loss && a.Epochs == b.Epochs && a.BatchSize == b.BatchSize && a.LR == b.LR &&
		a.Momentum == b.Momentum && a.WeightDecay == b.WeightDecay && a.FeaturePenalty == b.FeaturePenalty &&
		a.TrackEvery == b.TrackEvery && a.Seed == b.Seed
}

// TestSweepKnobs: the unchanged run leads every knob's group with the
// preset's value of that knob.
func TestSweepKnobs(t *testing.T) {
	var rows []SweepRow
	for _, name := range []string{"base", "wd5e-3", "d10", "d64"} {
		_, p, err := Figure3SweepConfig(name, 0)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, SweepRow{Point: p})
	}
	knobs, groups := SweepKnobs(rows)
	if !slices.Equal(knobs, []string{"weight decay", "feature dim"}) {
		t.Fatalf("knobs %v", knobs)
	}
	var values []string
	for _, r := range groups["feature dim"] {
		values = append(values, r.Point.Value)
	}
	if !slices.Equal(values, []string{"256", "10", "64"}) || groups["weight decay"][0].Point.Value != "5e-4" {
		t.Errorf("feature dim values %v, weight decay %v", values, groups["weight decay"])
	}
}

// TestRowSpaceFeatures against the closed form P = W^T (W W^T)^-1 W for a full-rank
// W, and for a rank-deficient W (a repeated row) against P from the
// independent rows only.
func TestRowSpaceFeatures(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	randDense := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range r {
			for j := range c {
				m.Set(i, j, rng.NormFloat64())
			}
		}
		return m
	}
	closed := func(w *mat.Dense) *mat.Dense {
		var g, gi, p, tmp mat.Dense
		g.Mul(w, w.T())
		if err := gi.Inverse(&g); err != nil {
			t.Fatal(err)
		}
		tmp.Mul(w.T(), &gi)
		p.Mul(&tmp, w)
		return &p
	}
	h := randDense(5, 6)
	w := randDense(3, 6)
	check := func(name string, w, wIndependent *mat.Dense) {
		got, err := RowSpaceFeatures(h, w)
		if err != nil {
			t.Fatal(err)
		}
		var want mat.Dense
		want.Mul(h, closed(wIndependent)) // P is symmetric: h P
		if !mat.EqualApprox(got, &want, 1e-12) {
			t.Errorf("%s: P h differs from the closed form", name)
		}
	}
	check("full rank", w, w)
	deficient := mat.NewDense(4, 6, nil)
	deficient.Stack(w, w.Slice(0, 1, 0, 6))
	check("rank deficient", deficient, w)
	if _, err := RowSpaceFeatures(h, randDense(3, 5)); err == nil {
		t.Error("features of dimension 6 with a 3 x 5 classifier: no error")
	}
}

// TestRunMetricsMatchesTracking: the metrics recomputed from a run directory's
// arrays are those of its last tracked epoch.
func TestRunMetricsMatchesTracking(t *testing.T) {
	b := testBackend(t)
	cfg := tinyConfig("mlp", "learned")
	dir := t.TempDir()
	cfg.OutDir = dir
	tr, err := New(b, cfg, tinySet("train", 8, 4, 1), tinySet("test", 3, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	s, err := tr.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	met, err := RunMetrics(dir)
	if err != nil {
		t.Fatal(err)
	}
	close := func(name string, got float64, want *float64) {
		if want == nil || math.Abs(got-*want) > 1e-5*math.Max(1, math.Abs(*want)) {
			t.Errorf("%s: recomputed %v, tracked %v", name, got, want)
		}
	}
	close("nc1", met.NC1, s.Metrics.NC1)
	close("angle", met.Angle[2], s.Metrics.Angle["2"])
	close("null energy", met.NullEnergy, s.Metrics.NullEnergy)
	close("angle row", met.AngleRow[2], s.Metrics.AngleRow["2"])
	h := s.History[len(s.History)-1]
	close("history null energy", met.NullEnergy, h.NullEnergy)
	close("history angle row", met.AngleRow[2], h.AngleRow["2"])
	row, err := ReadSweepRun(Figure3Sweep()[0], dir)
	if err != nil {
		t.Fatal(err)
	}
	table := SweepTable([]SweepRow{row})
	if !strings.Contains(table, "| preset | - | 6 |") {
		t.Errorf("table:\n%s", table)
	}
}

// TestRunSweepParallelMatchesSequential: sweep points trained side by side
// have the histories and metrics of the same points trained one at a time;
// before sees every point to train, in order; a failed point already in the
// folder is kept, not trained again.
func TestRunSweepParallelMatchesSequential(t *testing.T) {
	if testing.Short() {
		t.Skip("trains four MLPs on the quick M-lab MNIST")
	}
	b := testBackend(t)
	names := []string{"d10", "wd5e-3", "bn"}
	sweep := func(workers int) ([]SweepRow, []SweepFailure, []string) {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "bn"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "bn", failedFile), []byte("stopped earlier\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var started []string
		rows, failures, err := RunSweep(b, names, 1, workers, data.MNIST, dir, func(p SweepPoint) { started = append(started, p.Name) })
		if err != nil {
			t.Fatal(err)
		}
		return rows, failures, started
	}
	seqRows, _, _ := sweep(1)
	rows, failures, started := sweep(2)
	if !slices.Equal(started, []string{"d10", "wd5e-3"}) {
		t.Errorf("before called for %v, want d10 and wd5e-3 (bn failed earlier)", started)
	}
	if len(failures) != 1 || failures[0].Point.Name != "bn" || failures[0].Err != "stopped earlier" {
		t.Errorf("failures %+v, want bn's earlier one", failures)
	}
	if len(rows) != 2 || len(seqRows) != 2 {
		t.Fatalf("%d rows side by side, %d one at a time; want 2", len(rows), len(seqRows))
	}
	for i := range rows {
		a, _ := json.Marshal(rows[i].Summary.History)
		b, _ := json.Marshal(seqRows[i].Summary.History)
		ma, _ := json.Marshal(rows[i].Summary.Metrics)
		mb, _ := json.Marshal(seqRows[i].Summary.Metrics)
		name := []string{"wd5e-3", "d10"}[i] // ReadSweep's order: the sweep's
		if rows[i].Point.Name != name || seqRows[i].Point.Name != name || string(a) != string(b) || string(ma) != string(mb) {
			t.Errorf("%s: side by side %s %s\n%s\none at a time %s %s\n%s", name, rows[i].Point.Name, a, ma, seqRows[i].Point.Name, b, mb)
		}
	}
}
