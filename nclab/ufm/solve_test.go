package ufm

import (
	"math"
	"strings"
	"testing"
)

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

// The three reference optima of METHOD.md §3 (computed there by L-BFGS on the full UFM
// and by the system), to the 1e-5 relative accuracy of the printed digits.
func TestSolveReferenceOptima(t *testing.T) {
	cases := []struct {
		p     Problem
		rho   float64
		c     map[int]float64
		fStar float64
	}{
		{Problem{K: 4, Counts: map[int]int{1: 3, 2: 2}, LambdaW: 1e-2, LambdaH: 1e-2, LambdaB: 1e-2}, 6.64327, map[int]float64{1: 0.409712, 2: 0.352281}, 1.04038},
		{Problem{K: 4, Counts: map[int]int{1: 3, 2: 5, 3: 1}, LambdaW: 5e-3, LambdaH: 1e-2, LambdaB: 1e-2}, 12.7799, map[int]float64{1: 0.213157, 2: 0.183293, 3: 0.166522}, 1.52745},
		{Problem{K: 5, Counts: map[int]int{1: 4, 2: 1}, LambdaW: 1e-2, LambdaH: 5e-3}, 5.6726, map[int]float64{1: 0.565112, 2: 0.49078}, 0.82266},
	}
	for _, tc := range cases {
		opt, err := tc.p.Solve()
		if err != nil {
			t.Fatal(err)
		}
		if opt.Trivial {
			t.Fatalf("%+v: trivial", tc.p)
		}
		// 6 significant digits printed: allow half a unit of the last one.
		if e := relErr(opt.Rho, tc.rho); e > 1e-5 {
			t.Errorf("K=%d counts %v: rho = %.8g, want %g (rel err %.1e)", tc.p.K, tc.p.Counts, opt.Rho, tc.rho, e)
		}
		for m, c := range tc.c {
			if e := relErr(opt.C[m], c); e > 1e-5 {
				t.Errorf("K=%d counts %v: c_%d = %.8g, want %g (rel err %.1e)", tc.p.K, tc.p.Counts, m, opt.C[m], c, e)
			}
		}
		if e := relErr(opt.Objective, tc.fStar); e > 1e-5 {
			t.Errorf("K=%d counts %v: f* = %.8g, want %g (rel err %.1e)", tc.p.K, tc.p.Counts, opt.Objective, tc.fStar, e)
		}
	}
}

// residuals returns the largest relative residual of (E_m) and (E_W) at an optimum.
func residuals(p Problem, o *Optimum) float64 {
	k := float64(p.K)
	scale := p.LambdaH * float64(p.NumSamples())
	if p.SumLoss {
		scale = p.LambdaH
	}
	worst, sum := 0.0, 0.0
	for _, m := range p.Multiplicities() {
		c, mf := o.C[m], float64(m)
		q := 1.0
		if p.Normalized {
			q = mf
		}
		lhs := scale * c * q * (mf*math.Exp(o.Rho*c*k/(k-1)) + k - mf)
		worst = math.Max(worst, relErr(lhs, k))
		sum += float64(p.Counts[m]) * binomial(p.K-2, m-1) * c * c
	}
	return math.Max(worst, relErr(p.LambdaH*sum, p.LambdaW))
}

var solverCases = []Problem{
	{K: 4, Counts: map[int]int{1: 3, 2: 2}, LambdaW: 1e-2, LambdaH: 1e-2, LambdaB: 1e-2},
	{K: 4, Counts: map[int]int{1: 3, 2: 5, 3: 1}, LambdaW: 5e-3, LambdaH: 1e-2, LambdaB: 1e-2},
	{K: 5, Counts: map[int]int{1: 4, 2: 1}, LambdaW: 1e-2, LambdaH: 5e-3},
	{K: 6, Counts: map[int]int{2: 3, 3: 1}, LambdaW: 1e-3, LambdaH: 1e-3, LambdaB: 1e-3},         // multiplicity 1 missing
	{K: 10, Counts: map[int]int{1: 100, 2: 20}, LambdaW: 5e-4, LambdaH: 5e-4, LambdaB: 5e-4},     // the benchmark problem
	{K: 5, Counts: map[int]int{1: 4, 2: 1}, LambdaW: 1e-2, LambdaH: 5e-3, Normalized: true},      // PAL-N
	{K: 5, Counts: map[int]int{1: 4, 2: 1, 4: 2}, LambdaW: 1e-2, LambdaH: 5e-3, SumLoss: true},   // no 1/N
	{K: 3, Counts: map[int]int{1: 1000, 2: 1}, LambdaW: 1e-9, LambdaH: 1e-9, LambdaB: 0},         // extreme imbalance, tiny decay
	{K: 20, Counts: map[int]int{1: 50, 2: 2, 3: 1}, LambdaW: 1e-4, LambdaH: 1e-4, LambdaB: 1e-4}, // large N
}

// The solver's rho and c_m satisfy (E_m) and (E_W) to 1e-12 (the requested accuracy).
func TestSolveSatisfiesSystem(t *testing.T) {
	for _, p := range solverCases {
		o, err := p.Solve()
		if err != nil {
			t.Fatal(err)
		}
		if o.Trivial {
			t.Fatalf("%+v: unexpectedly trivial", p)
		}
		if r := residuals(p, o); r > 1e-12 {
			t.Errorf("%+v: residual %.2e > 1e-12", p, r)
		}
	}
}

// Multi-class (only m = 1, N = K n): (E_W) alone gives c_1 = sqrt(lW / (lH n)).
func TestSolveMultiClass(t *testing.T) {
	for _, n := range []int{1, 7, 500} {
		p := Problem{K: 10, Counts: map[int]int{1: n}, LambdaW: 5e-4, LambdaH: 2e-4, LambdaB: 1e-3}
		o, err := p.Solve()
		if err != nil {
			t.Fatal(err)
		}
		want := math.Sqrt(p.LambdaW / (p.LambdaH * float64(n)))
		if e := relErr(o.C[1], want); e > 1e-12 {
			t.Errorf("n=%d: c_1 = %.15g, want sqrt(lW/(lH n)) = %.15g", n, o.C[1], want)
		}
		if o.Gamma[1] != 1 {
			t.Errorf("gamma_1 = %v, want 1", o.Gamma[1])
		}
	}
}

// Existence threshold: non-trivial iff lW lH N^2 < sum_m n_m C(K-2, m-1). For K=4,
// n_1=3, n_2=2: N = 24, sum = 3*1 + 2*2 = 7, so with lH = 1e-2 the threshold is
// lW = 7/(1e-2*576) = 1.2152...; just below it rho is tiny and c_m -> 1/(lH N).
func TestSolveExistenceThreshold(t *testing.T) {
	p := Problem{K: 4, Counts: map[int]int{1: 3, 2: 2}, LambdaH: 1e-2, LambdaB: 1e-2}
	threshold := 7 / (1e-2 * 24 * 24)
	if e := relErr(p.ExistenceThreshold(), threshold); e > 1e-15 {
		t.Errorf("ExistenceThreshold = %.17g, want 7/(lH N^2) = %.17g", p.ExistenceThreshold(), threshold)
	}
	// PAL-N divides each term by m^2: (3 + 2*2/4) / (lH N^2).
	pn := p
	pn.Normalized = true
	if e := relErr(pn.ExistenceThreshold(), 4/(1e-2*24*24)); e > 1e-15 {
		t.Errorf("PAL-N ExistenceThreshold = %.17g, want 4/(lH N^2)", pn.ExistenceThreshold())
	}
	p.LambdaW = threshold * (1 - 1e-6)
	below, err := p.Solve()
	if err != nil {
		t.Fatal(err)
	}
	if below.Trivial || below.Rho <= 0 || below.Rho > 1e-4 {
		t.Errorf("just below the threshold: trivial=%v rho=%g, want a small positive rho", below.Trivial, below.Rho)
	}
	if r := residuals(p, below); r > 1e-12 {
		t.Errorf("just below the threshold: residual %.2e", r)
	}
	p.LambdaW = threshold * (1 + 1e-6)
	above, err := p.Solve()
	if err != nil {
		t.Fatal(err)
	}
	if !above.Trivial || above.Rho != 0 {
		t.Fatalf("just above the threshold: trivial=%v rho=%g, want W = H = 0", above.Trivial, above.Rho)
	}
	// At W = H = 0 every logit is 0: a sample of multiplicity m loses m log K (PAL).
	want := (12*1*math.Log(4) + 12*2*math.Log(4)) / 24
	if e := relErr(above.Objective, want); e > 1e-14 {
		t.Errorf("trivial f* = %.15g, want mean of m log K = %.15g", above.Objective, want)
	}
	// Continuity: f* just below the threshold approaches the trivial value.
	if e := relErr(below.Objective, want); e > 1e-5 {
		t.Errorf("f* just below the threshold = %.10g, trivial value %.10g", below.Objective, want)
	}
}

func TestProblemValidate(t *testing.T) {
	ok := Problem{K: 4, Counts: map[int]int{1: 3, 2: 2}, LambdaW: 1e-2, LambdaH: 1e-2}
	bad := map[string]func(p *Problem){
		"K = 1":            func(p *Problem) { p.K = 1 },
		"multiplicity 5":   func(p *Problem) { p.Counts = map[int]int{5: 1} },
		"multiplicity 0":   func(p *Problem) { p.Counts = map[int]int{0: 1} },
		"count n_2 = -1":   func(p *Problem) { p.Counts = map[int]int{1: 1, 2: -1} },
		"no samples":       func(p *Problem) { p.Counts = map[int]int{1: 0} },
		"lambda-w = -0.01": func(p *Problem) { p.LambdaW = -0.01 },
		"lambda-h = 0":     func(p *Problem) { p.LambdaH = 0 },
		"lambda-b = NaN":   func(p *Problem) { p.LambdaB = math.NaN() },
	}
	for want, mutate := range bad {
		p := ok
		p.Counts = map[int]int{1: 3, 2: 2}
		mutate(&p)
		err := p.Validate()
		if err == nil {
			t.Errorf("%s: no error", want)
			continue
		}
		if _, err2 := p.Solve(); err2 == nil {
			t.Errorf("%s: Solve accepted it", want)
		}
	}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
	for _, s := range []string{"", "1:3,x:2", "1:3,2:2.5", "1", "1:3,1:4"} {
		if _, err := ParseCounts(s); err == nil {
			t.Errorf("ParseCounts(%q): no error", s)
		}
	}
	c, err := ParseCounts("1:5, 2:2,3:1")
	if err != nil || c[1] != 5 || c[2] != 2 || c[3] != 1 || len(c) != 3 {
		t.Errorf("ParseCounts = %v, %v", c, err)
	}
}

// TestHostileCounts: the closed form works from counts per multiplicity, so
// K = 40 with multiplicity 20 (C(40, 20) = 137,846,528,820 label sets) solves
// without enumerating them; a sample count past an int is an error; the
// trainer refuses a size it cannot hold, an init scale of 0, and notes a d
// below Theorem 1's assumption.
func TestHostileCounts(t *testing.T) {
	p := Problem{K: 40, Counts: map[int]int{20: 1}, LambdaW: 1e-12, LambdaH: 1e-12, LambdaB: 1e-3}
	opt, err := p.Solve()
	if err != nil || p.NumSamples() != 137846528820 || math.IsNaN(opt.Objective) {
		t.Fatalf("K = 40, m = 20: N = %d, %+v, %v", p.NumSamples(), opt, err)
	}
	if _, err := NewTrainer(nil, p, DefaultTrainConfig(41)); err == nil || !strings.Contains(err.Error(), "N = 137846528820 samples") {
		t.Errorf("training K = 40, m = 20: error %v, want a size refusal naming N", err)
	}
	for _, counts := range []map[int]int{{33: 2}, {1: 1, 33: 1 << 40}, {30: math.MaxInt / 2, 31: math.MaxInt / 2}} {
		q := Problem{K: 66, Counts: counts, LambdaW: 1e-3, LambdaH: 1e-3}
		if err := q.Validate(); err == nil || !strings.Contains(err.Error(), "overflows") {
			t.Errorf("counts %v of K = 66: error %v, want an overflow", counts, err)
		}
	}
	if err := (Problem{K: 70, Counts: map[int]int{35: 1}, LambdaW: 1, LambdaH: 1}).Validate(); err == nil || !strings.Contains(err.Error(), "overflows") {
		t.Errorf("C(70, 35) samples: error %v, want an overflow", err)
	}
	small := Problem{K: 4, Counts: map[int]int{1: 2, 2: 1}, LambdaW: 1e-2, LambdaH: 1e-2, LambdaB: 1e-2}
	cfg := DefaultTrainConfig(6)
	cfg.InitScale = 0
	if _, err := NewTrainer(testBackend(t), small, cfg); err == nil || !strings.Contains(err.Error(), "saddle") {
		t.Errorf("init scale 0: error %v, want a refusal naming the saddle", err)
	}
	cfg = DefaultTrainConfig(6)
	cfg.Method, cfg.History = LBFGS, -1
	if _, err := NewTrainer(testBackend(t), small, cfg); err == nil || !strings.Contains(err.Error(), "L-BFGS history -1") {
		t.Errorf("history -1: error %v, want a refusal naming it", err)
	}
	cfg = DefaultTrainConfig(2)
	cfg.MaxSteps = 50
	tr, err := NewTrainer(testBackend(t), small, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Train(1)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "Theorem 1 does not apply") {
		t.Errorf("d = 2 < K - 1 = 3: notes %q, want one saying Theorem 1 does not apply", res.Notes)
	}
	// A start at the saddle by hand: zero gradient in W and H, reported as such.
	x0 := small.InitialPoint(6, 0.1, 1)
	x0.W.Zero()
	x0.H.Zero()
	cfg = DefaultTrainConfig(6)
	tr, err = NewTrainer(testBackend(t), small, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err = tr.TrainFrom(x0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Converged || res.Stop != "Saddle" {
		t.Errorf("from W = H = 0: converged %v, stop %q, want not converged, stop Saddle", res.Converged, res.Stop)
	}
}

// TestNumSamplesFromBinomials: N from binomial coefficients equals the number
// of enumerated samples.
func TestNumSamplesFromBinomials(t *testing.T) {
	for _, p := range []Problem{
		{K: 4, Counts: map[int]int{1: 3, 2: 2, 4: 1}},
		{K: 7, Counts: map[int]int{1: 1, 3: 5, 6: 2}},
		{K: 12, Counts: map[int]int{6: 1}},
	} {
		if got, want := p.NumSamples(), len(p.Samples()); got != want {
			t.Errorf("K = %d, counts %v: N = %d, %d samples enumerated", p.K, p.Counts, got, want)
		}
	}
}
