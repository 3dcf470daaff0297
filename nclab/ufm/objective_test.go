package ufm

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randomPoint(p Problem, d int, seed uint64, scale float64) Point {
	rng := rand.New(rand.NewPCG(seed, 1))
	fill := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range r {
			for j := range c {
				m.Set(i, j, scale*rng.NormFloat64())
			}
		}
		return m
	}
	b := make([]float64, p.K)
	for i := range b {
		b[i] = scale * rng.NormFloat64()
	}
	return Point{W: fill(p.K, d), H: fill(p.NumSamples(), d), B: b}
}

// The analytic gradient of Objective agrees with central finite differences.
func TestObjectiveGradientFiniteDifference(t *testing.T) {
	for _, p := range []Problem{solverCases[1], solverCases[5], solverCases[6]} {
		x := randomPoint(p, 5, 3, 0.7)
		_, g, err := p.Objective(x)
		if err != nil {
			t.Fatal(err)
		}
		const eps = 1e-6
		check := func(name string, get func() float64, set func(float64), want float64) {
			v := get()
			set(v + eps)
			fp, _, _ := p.Objective(x)
			set(v - eps)
			fm, _, _ := p.Objective(x)
			set(v)
			fd := (fp - fm) / (2 * eps)
			if math.Abs(fd-want) > 1e-7*math.Max(1, math.Abs(want)) {
				t.Errorf("%+v: d f/d %s = %.10g, finite difference %.10g", p, name, want, fd)
			}
		}
		for _, ij := range [][2]int{{0, 0}, {2, 4}, {3, 1}} {
			i, j := ij[0], ij[1]
			check("W", func() float64 { return x.W.At(i, j) }, func(v float64) { x.W.Set(i, j, v) }, g.W.At(i, j))
			check("H", func() float64 { return x.H.At(i*5, j) }, func(v float64) { x.H.Set(i*5, j, v) }, g.H.At(i*5, j))
			check("b", func() float64 { return x.B[i] }, func(v float64) { x.B[i] = v }, g.B[i])
		}
	}
}

// Theorem 1's point is stationary: at the explicit (W*, H*, b*) the float64 gradient
// vanishes (to rounding), f equals the closed-form f*, and random perturbations only
// increase f (a minimum, not just a critical point). d = K-1 (smallest ETF dimension),
// d = K and d > K, seeded random and identity embeddings.
func TestOptimumPointIsStationary(t *testing.T) {
	for i, p := range solverCases {
		if p.NumSamples() > 3000 {
			continue
		}
		o, err := p.Solve()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []int{p.K - 1, p.K, p.K + 3} {
			x, err := o.Point(p, d, int64(i), d == p.K)
			if err != nil {
				t.Fatal(err)
			}
			f, g, err := p.Objective(x)
			if err != nil {
				t.Fatal(err)
			}
			if e := relErr(f, o.Objective); e > 1e-12 {
				t.Errorf("case %d d=%d: f(point) = %.15g, closed-form f* = %.15g", i, d, f, o.Objective)
			}
			if gn := g.Norm() / x.Norm(); gn > 1e-11 {
				t.Errorf("case %d d=%d: |grad f| / |x| = %.2e at the optimum", i, d, gn)
			}
			for s := range uint64(5) {
				dx := randomPoint(p, d, 100+s, 1e-3)
				dx.W.Add(dx.W, x.W)
				dx.H.Add(dx.H, x.H)
				for k := range dx.B {
					dx.B[k] += x.B[k]
				}
				if fp, _, _ := p.Objective(dx); fp <= f {
					t.Errorf("case %d d=%d: perturbed f = %.15g <= f* = %.15g", i, d, fp, f)
				}
			}
		}
	}
	if _, err := (&Optimum{}).Point(solverCases[0], 2, 0, false); err == nil {
		t.Error("d = K-2 accepted")
	}
}

// DistanceTo is zero at Theorem 1's point; doubling W multiplies W W^T by 4 (Gram error
// 3), halves the least-squares c_m estimates and leaves features off by 1/2 of the
// doubled prediction (feature error 1/2: h - c (2 s) = -c s against ||2 c s||).
func TestDistanceTo(t *testing.T) {
	p := solverCases[1]
	o, _ := p.Solve()
	x, err := o.Point(p, 6, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	d := p.DistanceTo(x, o)
	if relErr(d.Rho, o.Rho) > 1e-13 || d.GramError > 1e-13 || d.FeatureError > 1e-13 {
		t.Errorf("at the optimum: %+v", d)
	}
	for m, c := range o.C {
		if relErr(d.C[m], c) > 1e-13 {
			t.Errorf("c_%d estimate %.15g, want %.15g", m, d.C[m], c)
		}
	}
	x.W.Scale(2, x.W)
	d = p.DistanceTo(x, o)
	if relErr(d.Rho, 4*o.Rho) > 1e-13 || relErr(d.GramError, 3) > 1e-13 || relErr(d.FeatureError, 0.5) > 1e-13 {
		t.Errorf("W doubled: rho %.6g (want %.6g), Gram error %.6g (want 3), feature error %.6g (want 0.5)", d.Rho, 4*o.Rho, d.GramError, d.FeatureError)
	}
	for m, c := range o.C {
		if relErr(d.C[m], c/2) > 1e-13 {
			t.Errorf("W doubled: c_%d estimate %.15g, want %.15g", m, d.C[m], c/2)
		}
	}
}
