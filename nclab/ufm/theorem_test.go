package ufm

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// The GoMLX Hessian-vector product agrees with central differences of the float64
// reference gradient: (grad f(x + e v) - grad f(x - e v)) / 2e.
func TestHessianVectorProductFiniteDifference(t *testing.T) {
	p := solverCases[1]
	cfg := DefaultTrainConfig(5)
	tr, err := NewTrainer(testBackend(t), p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	x, v := randomPoint(p, 5, 11, 0.5), randomPoint(p, 5, 12, 1)
	hv, err := tr.HessianVectorProduct(x, v)
	if err != nil {
		t.Fatal(err)
	}
	const eps = 1e-5
	xf, vf := flatten(x), flatten(v)
	plus, minus := make([]float64, len(xf)), make([]float64, len(xf))
	floats.AddScaledTo(plus, xf, eps, vf)
	floats.AddScaledTo(minus, xf, -eps, vf)
	_, gp, _ := p.Objective(unflatten(plus, p.K, 5))
	_, gm, _ := p.Objective(unflatten(minus, p.K, 5))
	fd := flatten(gp)
	floats.Sub(fd, flatten(gm))
	floats.Scale(1/(2*eps), fd)
	got := flatten(hv)
	if d := floats.Distance(got, fd, 2) / floats.Norm(fd, 2); d > 1e-7 {
		t.Errorf("|Hv - finite difference| / |fd| = %.2e", d)
	}
}

// Theorem 2: W = H = 0 is a critical point; when a non-trivial optimum exists it is a
// strict saddle. Lanczos over GoMLX Hessian-vector products finds its lowest
// curvature (matching the closed form CurvatureAtZero) and f decreases along that
// direction. PAL-N and the variant without 1/N are covered too.
// Above the threshold the same point is the global minimum: no negative curvature.
func TestZeroIsStrictSaddle(t *testing.T) {
	backend := testBackend(t)
	below := solverCases[0]
	above := below
	above.LambdaW = 2 // lW lH N^2 = 2 * 0.01 * 576 = 11.5 > 7
	for _, p := range []Problem{below, above, solverCases[2], solverCases[5], solverCases[6]} {
		d := p.K + 2
		tr, err := NewTrainer(backend, p, DefaultTrainConfig(d))
		if err != nil {
			t.Fatal(err)
		}
		zero := p.InitialPoint(d, 0, 0)
		f0, g, err := p.Objective(zero)
		if err != nil {
			t.Fatal(err)
		}
		if gn := g.Norm(); gn > 1e-13 { // zero up to the rounding of sums over N samples
			t.Fatalf("|grad f(0)| = %.2e: not a critical point", gn)
		}
		lambda, dir, err := tr.LowestCurvature(zero, 20, 3)
		if err != nil {
			t.Fatal(err)
		}
		want := p.CurvatureAtZero()
		if math.Abs(lambda-want) > 1e-9 {
			t.Errorf("lW=%g: lowest curvature %.12g, closed form %.12g", p.LambdaW, lambda, want)
		}
		opt, _ := p.Solve()
		if opt.Trivial != (want >= 0) {
			t.Errorf("lW=%g: trivial optimum %v but curvature at 0 is %g", p.LambdaW, opt.Trivial, want)
		}
		if lambda < 0 {
			// Second order: f(e u) - f(0) = e^2 lambda / 2 + O(e^3).
			const e = 1e-3
			fe, _, _ := p.Objective(zero.Plus(e, dir))
			if fe >= f0 {
				t.Errorf("f along the negative-curvature direction: %.15g >= f(0) = %.15g", fe, f0)
			}
			if r := (fe - f0) / (e * e * lambda / 2); math.Abs(r-1) > 1e-2 {
				t.Errorf("(f(e u) - f(0)) / (e^2 lambda/2) = %.6f, want ~1", r)
			}
		}
	}
}

// Theorem 2 (d > K): gradient descent from 20 random initialisations reaches the same
// f* (the closed form) every time.
func TestRandomInitialisationsReachTheOptimum(t *testing.T) {
	p := solverCases[1]
	cfg := DefaultTrainConfig(p.K + 3)
	cfg.GradTol, cfg.TrackEvery = 1e-10, 0
	tr, err := NewTrainer(testBackend(t), p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for seed := range int64(20) {
		res, err := tr.Train(seed)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Converged || math.Abs(res.ObjectiveGap) > 1e-10 {
			t.Errorf("seed %d: converged=%v after %d steps, relative gap to f* %.2e", seed, res.Converged, res.Step, res.ObjectiveGap)
		}
	}
}

// Outside Theorem 2: with d = K-1 the simplex ETF still fits and gradient descent still
// reaches f*; with d < K-1 it cannot (every global minimiser has rank(W) = K-1) and
// training stops at a critical point strictly above f*.
func TestDimensionsBelowK(t *testing.T) {
	p := solverCases[2] // K = 5
	backend := testBackend(t)
	for _, d := range []int{p.K - 1, p.K - 2} {
		cfg := DefaultTrainConfig(d)
		cfg.GradTol, cfg.TrackEvery = 1e-10, 0
		tr, err := NewTrainer(backend, p, cfg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.Train(2)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("d = %d: %d steps, converged %v, relative gap to f* %.3e", d, res.Step, res.Converged, res.ObjectiveGap)
		if d == p.K-1 && math.Abs(res.ObjectiveGap) > 1e-9 {
			t.Errorf("d = K-1: gap %.2e, want f*", res.ObjectiveGap)
		}
		if d < p.K-1 && !(res.ObjectiveGap > 1e-3) {
			t.Errorf("d = K-2: gap %.2e, want clearly above f*", res.ObjectiveGap)
		}
	}
}
