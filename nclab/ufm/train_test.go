package ufm

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"

	"github.com/nclab/nclab/nclab"
	"gonum.org/v1/gonum/floats"
)

func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := nclab.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// trainAndCheck trains p and checks Theorem 1's conclusion: relative error of f below
// 1e-6 and of rho and every c_m below 1e-4.
func trainAndCheck(t *testing.T, backend compute.Backend, p Problem, cfg TrainConfig, seed int64) *Result {
	t.Helper()
	tr, err := NewTrainer(backend, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Train(seed)
	if err != nil {
		t.Fatal(err)
	}
	o := tr.Optimum()
	if !res.Converged {
		t.Errorf("%v K=%d counts %v: not converged after %d steps, |grad| = %.2e (%s)", cfg.Method, p.K, p.Counts, res.Step, res.GradNorm, res.Stop)
	}
	if res.ObjectiveGap > 1e-6 || res.ObjectiveGap < -1e-12 {
		t.Errorf("%v K=%d counts %v: f = %.12g, f* = %.12g, relative gap %.2e", cfg.Method, p.K, p.Counts, res.Objective, o.Objective, res.ObjectiveGap)
	}
	if e := relErr(res.Rho, o.Rho); e > 1e-4 {
		t.Errorf("%v K=%d counts %v: rho = %.8g, closed form %.8g", cfg.Method, p.K, p.Counts, res.Rho, o.Rho)
	}
	for m, c := range o.C {
		if m == p.K {
			continue // no c_K: all-label features are 0 (TestTrainAllLabelSamples)
		}
		if e := relErr(res.C[m], c); e > 1e-4 {
			t.Errorf("%v K=%d counts %v: c_%d = %.8g, closed form %.8g", cfg.Method, p.K, p.Counts, m, res.C[m], c)
		}
	}
	return res
}

// Theorem 1: both optimisers reach the closed form for the three reference optima of
// METHOD.md (the second has imbalance across multiplicities: n = 3, 5, 1) and for a
// missing multiplicity (m = 1 absent); at the end every collapse metric is below 1e-4
// and the measured gamma_m matches m c_m / c_1.
func TestTrainReachesReferenceOptima(t *testing.T) {
	backend := testBackend(t)
	for _, p := range append(slices.Clone(solverCases[:3]), solverCases[3], solverCases[5]) {
		for _, method := range []Method{GradientDescent, LBFGS} {
			cfg := DefaultTrainConfig(p.K + 2)
			// nclab/collapse needs class means: metrics only with multiplicity 1 present.
			cfg.Method, cfg.Metrics, cfg.TrackEvery = method, p.Counts[1] > 0, 0
			// L-BFGS's line search compares f values: it cannot make progress once
			// |grad|^2 is below the rounding of f (~1e-16), hence a looser tolerance.
			cfg.GradTol = map[Method]float64{GradientDescent: 1e-10, LBFGS: 1e-8}[method]
			res := trainAndCheck(t, backend, p, cfg, 1)
			met := res.Metrics
			if met == nil {
				continue
			}
			// The random start is far from collapse: the metrics can tell the difference.
			if first := res.Trajectory[0].Metrics; !(first.NC1 > 0.1 && first.NC2W > 0.1) {
				t.Errorf("%v: at initialisation NC1 = %.3g, NC2_W = %.3g, want large", method, first.NC1, first.NC2W)
			}
			values := map[string]float64{"NC1": met.NC1, "NC2_W": met.NC2W, "NC2_H": met.NC2H, "NC3": met.NC3, "NC3_Papyan": met.NC3Papyan}
			for m, v := range met.NCm {
				values[fmt.Sprintf("NC_%d", m)] = v
			}
			for m, v := range met.Angle {
				values[fmt.Sprintf("angle_%d", m)] = v
			}
			for name, v := range values {
				if !(math.Abs(v) < 1e-4) {
					t.Errorf("%v K=%d counts %v: %s = %.3g at the end, want < 1e-4", method, p.K, p.Counts, name, v)
				}
			}
			opt, _ := p.Solve()
			for m, g := range opt.Gamma {
				if m > 1 && relErr(met.Gamma[m], g) > 1e-4 {
					t.Errorf("%v K=%d: measured gamma_%d = %.8g, closed form %.8g", method, p.K, m, met.Gamma[m], g)
				}
			}
		}
	}
}

// In float32 the trainer reaches the closed form to float32 accuracy: the gradient
// norm cannot fall much below sqrt(N) * 1e-7 in single precision, so the tolerance is
// 1e-5 and the objective is compared at 1e-5.
func TestTrainFloat32(t *testing.T) {
	p := solverCases[0]
	cfg := DefaultTrainConfig(p.K + 2)
	cfg.DType, cfg.GradTol = dtypes.Float32, 1e-5
	tr, err := NewTrainer(testBackend(t), p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Train(4)
	if err != nil {
		t.Fatal(err)
	}
	o := tr.Optimum()
	if !res.Converged || math.Abs(res.ObjectiveGap) > 1e-5 || relErr(res.Rho, o.Rho) > 1e-3 {
		t.Errorf("float32: converged %v after %d steps, gap %.2e, rho %.6g vs %.6g", res.Converged, res.Step, res.ObjectiveGap, res.Rho, o.Rho)
	}
}

// Ten gradient-descent steps with heavy-ball and Nesterov momentum in the graph match
// the same recursion written in float64 Go over Problem.Objective's gradient.
func TestDescendMatchesReference(t *testing.T) {
	backend := testBackend(t)
	p := solverCases[3] // multiplicity 1 missing
	for _, nesterov := range []bool{false, true} {
		for _, dtype := range []dtypes.DType{dtypes.Float64, dtypes.Float32} {
			cfg := DefaultTrainConfig(7)
			cfg.MaxSteps, cfg.LearningRate, cfg.Momentum, cfg.Nesterov, cfg.DType = unroll, 2, 0.8, nesterov, dtype
			tr, err := NewTrainer(backend, p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			x0 := p.InitialPoint(cfg.Dim, cfg.InitScale, 5)
			res, err := tr.TrainFrom(x0)
			if err != nil {
				t.Fatal(err)
			}
			if res.Step != unroll {
				t.Fatalf("took %d steps, want %d", res.Step, unroll)
			}
			x := flatten(x0)
			v := make([]float64, len(x))
			for range unroll {
				_, g, _ := p.Objective(unflatten(x, p.K, cfg.Dim))
				grad := flatten(g)
				for i := range x {
					v[i] = cfg.Momentum*v[i] + grad[i]
					dir := v[i]
					if nesterov {
						dir = grad[i] + cfg.Momentum*v[i]
					}
					x[i] -= cfg.LearningRate * dir
				}
			}
			got := flatten(res.Point)
			var worst float64
			for i := range x {
				worst = math.Max(worst, math.Abs(got[i]-x[i]))
			}
			tol := map[dtypes.DType]float64{dtypes.Float64: 1e-12, dtypes.Float32: 1e-5}[dtype]
			if worst > tol {
				t.Errorf("nesterov=%v %s: max |graph - reference| = %.2e after %d steps", nesterov, dtype, worst, unroll)
			}
		}
	}
}

// A learning rate far too large makes the objective overflow: an error, not NaNs.
func TestTrainDivergenceIsAnError(t *testing.T) {
	cfg := DefaultTrainConfig(6)
	cfg.LearningRate, cfg.MaxSteps = 1e6, 200
	tr, err := NewTrainer(testBackend(t), solverCases[0], cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Train(1); err == nil || !strings.Contains(err.Error(), "diverged") {
		t.Errorf("err = %v, want a divergence error", err)
	}
}

// TestLBFGSHistory: the L-BFGS memory is the one asked for (a memory of 1 takes more
// major iterations than the default's), and either way the closed form is reached and
// the recorded gradient norm at the end is the norm of the gradient there.
func TestLBFGSHistory(t *testing.T) {
	p := solverCases[0]
	steps := map[int]int{}
	for _, history := range []int{1, 0} {
		cfg := DefaultTrainConfig(p.K + 2)
		cfg.Method, cfg.History, cfg.GradTol, cfg.TrackEvery = LBFGS, history, 1e-8, 0
		res := trainAndCheck(t, testBackend(t), p, cfg, 1)
		steps[history] = res.Step
		_, g, err := p.Objective(res.Point)
		if err != nil {
			t.Fatal(err)
		}
		if want := floats.Norm(flatten(g), 2); relErr(res.GradNorm, want) > 1e-6 {
			t.Errorf("history %d: recorded gradient norm %.6g, the gradient's at the end %.6g", history, res.GradNorm, want)
		}
	}
	if steps[1] <= steps[0] {
		t.Errorf("L-BFGS steps with history 1: %d, with the default %d: want more with the shorter memory", steps[1], steps[0])
	}
}

// Gradient descent stops at the first step whose point is final, not at the next
// multiple of the graph's 10 steps: the float64 Go recursion over Problem.Objective
// finds that step for a StopGap and for a GradTol placed between two of its iterates.
func TestDescendStopsAtFirstFinalStep(t *testing.T) {
	p := solverCases[0]
	o, err := p.Solve()
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultTrainConfig(6)
	cfg.LearningRate, cfg.Momentum, cfg.TrackEvery = 2, 0.8, 10
	x0 := p.InitialPoint(cfg.Dim, cfg.InitScale, 3)
	var gaps, norms []float64 // at the point before each step
	x, v := flatten(x0), make([]float64, len(flatten(x0)))
	for range 300 {
		f, g, err := p.Objective(unflatten(x, p.K, cfg.Dim))
		if err != nil {
			t.Fatal(err)
		}
		grad := flatten(g)
		gaps, norms = append(gaps, (f-o.Objective)/math.Abs(o.Objective)), append(norms, floats.Norm(grad, 2))
		for i := range x {
			v[i] = cfg.Momentum*v[i] + grad[i]
			x[i] -= cfg.LearningRate * v[i]
		}
	}
	// between returns the first step s > 10, not a multiple of 10, whose value is a
	// clear new minimum, and a threshold between it and every earlier value.
	between := func(values []float64) (int, float64) {
		low := values[0]
		for s, val := range values[1:] {
			s++
			if s > 10 && s%10 != 0 && val < low/1.5 {
				return s, math.Sqrt(low * val)
			}
			low = math.Min(low, val)
		}
		t.Fatal("no step qualifies")
		return 0, 0
	}
	for _, stop := range []string{"ObjectiveGap", "GradientThreshold"} {
		c := cfg
		var want int
		if stop == "ObjectiveGap" {
			c.GradTol = 0
			want, c.StopGap = between(gaps)
		} else {
			want, c.GradTol = between(norms)
		}
		tr, err := NewTrainer(testBackend(t), p, c)
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.TrainFrom(x0)
		if err != nil {
			t.Fatal(err)
		}
		var steps []int
		for _, rec := range res.Trajectory {
			steps = append(steps, rec.Step)
		}
		wantSteps := []int{0}
		for s := 10; s < want; s += 10 {
			wantSteps = append(wantSteps, s)
		}
		wantSteps = append(wantSteps, want)
		if res.Step != want || res.Stop != stop || !slices.Equal(steps, wantSteps) {
			t.Errorf("%s: stopped by %s after %d steps, records at %v; want %s after %d, records at %v",
				stop, res.Stop, res.Step, steps, stop, want, wantSteps)
		}
		if got, ref := res.ObjectiveGap, gaps[want]; math.Abs(got-ref) > 1e-9 {
			t.Errorf("%s: gap %.6g at the end, reference %.6g", stop, got, ref)
		}
	}
}
