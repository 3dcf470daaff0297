package ufm

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/nclab/nclab/nclab/labelset"
)

// Samples with all K labels: the closed form puts them at h = 0 with loss K log K
// (Solve's derivation); training from a random start must reach the same f* to 1e-6,
// the same rho and c_m to 1e-4, and leave the all-label features at the origin.
func TestTrainAllLabelSamples(t *testing.T) {
	p := Problem{K: 3, Counts: map[int]int{1: 4, 2: 2, 3: 3}, LambdaW: 1e-2, LambdaH: 1e-2, LambdaB: 1e-2}
	opt, err := p.Solve()
	if err != nil {
		t.Fatal(err)
	}
	if opt.Trivial || opt.C[3] != 0 || math.Abs(opt.SampleLoss[3]-3*math.Log(3)) > 1e-15 {
		t.Fatalf("closed form for m = K: trivial %v, c_3 = %v, loss %v (want 3 log 3)", opt.Trivial, opt.C[3], opt.SampleLoss[3])
	}
	// Independent check of the closed form: its point is stationary for the float64
	// objective and has the objective Solve reports.
	x, err := opt.Point(p, 4, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	f, grad, err := p.Objective(x)
	if err != nil {
		t.Fatal(err)
	}
	if relErr(f, opt.Objective) > 1e-12 || grad.Norm() > 1e-10 {
		t.Errorf("closed-form point: f = %.15g vs f* = %.15g, |grad| = %.1e", f, opt.Objective, grad.Norm())
	}

	cfg := DefaultTrainConfig(4)
	cfg.GradTol = 1e-10
	res := trainAndCheck(t, testBackend(t), p, cfg, 5)
	var single, all float64
	var nSingle, nAll int
	for i, s := range p.Samples() {
		norm := floats.Norm(res.H.RawRowView(i), 2)
		switch len(s) {
		case 1:
			single, nSingle = single+norm, nSingle+1
		case 3:
			all, nAll = all+norm, nAll+1
		}
	}
	ratio := (all / float64(nAll)) / (single / float64(nSingle))
	t.Logf("%d steps, relative gap %.1e, all-label / single-label feature norm %.1e", res.Step, res.ObjectiveGap, ratio)
	if !(ratio < 1e-4) {
		t.Errorf("mean ||h|| of all-label samples / of single-label samples = %.2e, want < 1e-4 (Theorem 1: h = 0)", ratio)
	}
}

// imbalancedSingles has three times as many samples of label 0 as of labels 1 and 2,
// and every pair 3 times: balanced pairs, imbalanced singles.
func imbalancedSingles() Problem {
	k := 3
	var sc []SetCount
	for _, n := range []struct {
		set []int
		n   int
	}{{[]int{0}, 12}, {[]int{1}, 4}, {[]int{2}, 4}, {[]int{0, 1}, 3}, {[]int{0, 2}, 3}, {[]int{1, 2}, 3}} {
		sc = append(sc, SetCount{Set: labelset.MustNew(k, n.set...), N: n.n})
	}
	return Problem{K: k, SetCounts: sc, LambdaW: 1e-2, LambdaH: 1e-2, LambdaB: 1e-2}
}

// Imbalance within multiplicity 1 has no closed form: Solve names the set that breaks
// balance, and the trainer runs without a reference, reaching a stationary point
// (gradient tolerance, confirmed by the float64 objective).
func TestTrainImbalancedSingles(t *testing.T) {
	p := imbalancedSingles()
	if _, err := p.Solve(); !errors.Is(err, ErrNoClosedForm) || !strings.Contains(err.Error(), "{0} has 12 samples, most sets of size 1 have 4") {
		t.Fatalf("Solve: %v, want a no-closed-form error naming {0}", err)
	}
	if got := p.NumSamples(); got != 29 {
		t.Errorf("N = %d, want 12+4+4+3*3 = 29", got)
	}
	cfg := DefaultTrainConfig(4)
	tr, err := NewTrainer(testBackend(t), p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Optimum() != nil || !errors.Is(tr.NoClosedForm(), ErrNoClosedForm) {
		t.Fatalf("trainer optimum %v, NoClosedForm %v", tr.Optimum(), tr.NoClosedForm())
	}
	res, err := tr.Train(2)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged || res.Distance != nil {
		t.Errorf("converged %v (%s, |grad| = %.1e after %d steps), distance %v (want absent)", res.Converged, res.Stop, res.GradNorm, res.Step, res.Distance)
	}
	t.Logf("%d steps (%s), |grad| = %.1e", res.Step, res.Stop, res.GradNorm)
	_, grad, err := p.Objective(res.Point)
	if err != nil {
		t.Fatal(err)
	}
	if g := grad.Norm(); g > 1e-8 {
		t.Errorf("float64 gradient norm at the trained point %.2e, want <= 1e-8", g)
	}
	// The imbalance shows: the frequent label's mean feature is not as long as the others'.
	mean := func(label int) float64 {
		var sum mat.VecDense
		n := 0
		for i, s := range p.Samples() {
			if s.Equal(labelset.Set{label}) {
				if n == 0 {
					sum.CloneFromVec(res.H.RowView(i))
				} else {
					sum.AddVec(&sum, res.H.RowView(i))
				}
				n++
			}
		}
		return sum.Norm(2) / float64(n)
	}
	if m0, m1 := mean(0), mean(1); math.Abs(m0/m1-1) < 1e-3 {
		t.Errorf("||mu_0|| = %.6g and ||mu_1|| = %.6g agree: the imbalance left no trace", m0, m1)
	}
	cfg.StopGap = 1e-6
	if _, err := NewTrainer(testBackend(t), p, cfg); err == nil || !strings.Contains(err.Error(), "needs the closed form") {
		t.Errorf("StopGap without a closed form: %v", err)
	}
}

// Balanced set counts equal the per-multiplicity Counts; unbalanced or incomplete ones
// have no closed form; malformed ones fail validation.
func TestSetCounts(t *testing.T) {
	counts := Problem{K: 4, Counts: map[int]int{1: 3, 2: 2}, LambdaW: 1e-2, LambdaH: 1e-2, LambdaB: 1e-2}
	sets := counts
	sets.Counts = nil
	for i := len(labelset.All(4, 2)) - 1; i >= 0; i-- { // any order
		sets.SetCounts = append(sets.SetCounts, SetCount{labelset.All(4, 2)[i], 2})
	}
	for _, s := range labelset.All(4, 1) {
		sets.SetCounts = append(sets.SetCounts, SetCount{s, 3})
	}
	a, errA := counts.Solve()
	b, errB := sets.Solve()
	if errA != nil || errB != nil || a.Rho != b.Rho || a.Objective != b.Objective {
		t.Errorf("Counts: %+v %v; SetCounts: %+v %v", a, errA, b, errB)
	}
	sa, sb := counts.Samples(), sets.Samples()
	for i := range sa {
		if !sa[i].Equal(sb[i]) {
			t.Fatalf("sample %d: %v from Counts, %v from SetCounts", i, sa[i], sb[i])
		}
	}
	incomplete := sets
	incomplete.SetCounts = sets.SetCounts[1:]
	if _, err := incomplete.Solve(); !errors.Is(err, ErrNoClosedForm) || !strings.Contains(err.Error(), "missing: {2,3}") {
		t.Errorf("incomplete: %v", err)
	}
	if !math.IsNaN(incomplete.ExistenceThreshold()) {
		t.Errorf("existence threshold without a closed form = %v, want NaN", incomplete.ExistenceThreshold())
	}
	bad := map[string]Problem{
		"both":      {K: 3, Counts: map[int]int{1: 1}, SetCounts: []SetCount{{labelset.Set{0}, 1}}, LambdaW: 1, LambdaH: 1},
		"twice":     {K: 3, SetCounts: []SetCount{{labelset.Set{0}, 1}, {labelset.Set{0}, 2}}, LambdaW: 1, LambdaH: 1},
		"negative":  {K: 3, SetCounts: []SetCount{{labelset.Set{0}, 1}, {labelset.Set{1}, -2}}, LambdaW: 1, LambdaH: 1},
		"outside":   {K: 3, SetCounts: []SetCount{{labelset.Set{3}, 1}}, LambdaW: 1, LambdaH: 1},
		"unsorted":  {K: 3, SetCounts: []SetCount{{labelset.Set{1, 0}, 1}}, LambdaW: 1, LambdaH: 1},
		"empty set": {K: 3, SetCounts: []SetCount{{labelset.Set{}, 1}}, LambdaW: 1, LambdaH: 1},
		"all zero":  {K: 3, SetCounts: []SetCount{{labelset.Set{0}, 0}}, LambdaW: 1, LambdaH: 1},
	}
	for name, p := range bad {
		if err := p.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	got, err := ParseSetCounts(3, "0:50, 1:5,0+1:3,0+1+2:2")
	if err != nil || len(got) != 4 || !got[3].Set.Equal(labelset.Set{0, 1, 2}) || got[3].N != 2 || got[0].N != 50 {
		t.Errorf("ParseSetCounts = %v, %v", got, err)
	}
	for _, s := range []string{"", "0", "3:1", "0:x", "a+b:2", "0+0:1"} {
		if _, err := ParseSetCounts(3, s); err == nil {
			t.Errorf("ParseSetCounts(%q): no error", s)
		}
	}
}
