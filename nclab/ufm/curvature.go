package ufm

import (
	"fmt"
	"math"
	"math/rand/v2"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// HessianVectorProduct returns the Hessian of f at x applied to v, both points of the
// trainer's shapes: the gradient of <grad f(x), v> (reverse mode over reverse mode
// through GoMLX's autodiff, in the trainer's dtype).
func (t *Trainer) HessianVectorProduct(x, v Point) (Point, error) {
	if t.hvp == nil {
		exec, err := NewExec(t.backend, func(in []*Node) []*Node {
			x, v, y := in[0:3], in[3:6], in[6]
			grads := Gradient(t.problem.ObjectiveGraph(x[0], x[1], x[2], y), x...)
			directional := ReduceAllSum(Mul(grads[0], v[0]))
			for j := 1; j < 3; j++ {
				directional = Add(directional, ReduceAllSum(Mul(grads[j], v[j])))
			}
			return Gradient(directional, x...)
		})
		if err != nil {
			return Point{}, err
		}
		t.hvp = exec
	}
	if err := t.checkShape(x); err != nil {
		return Point{}, err
	}
	if err := t.checkShape(v); err != nil {
		return Point{}, err
	}
	xs, vs := pointTensors(t.config.DType, x), pointTensors(t.config.DType, v)
	outs, err := t.hvp.Exec(xs[0], xs[1], xs[2], vs[0], vs[1], vs[2], t.targets)
	if err != nil {
		return Point{}, err
	}
	return tensorsPoint(outs, t.problem.K, t.config.Dim), nil
}

func (t *Trainer) checkShape(x Point) error {
	k, d := x.W.Dims()
	n, dh := x.H.Dims()
	if k != t.problem.K || d != t.config.Dim || dh != d || n != t.problem.NumSamples() || len(x.B) != k {
		return fmt.Errorf("ufm: point has W %dx%d, H %dx%d, b %d; want W %dx%d, H %dx%d, b %d",
			k, d, n, dh, len(x.B), t.problem.K, t.config.Dim, t.problem.NumSamples(), t.config.Dim, t.problem.K)
	}
	return nil
}

// LowestCurvature estimates the smallest eigenvalue of the Hessian of f at x and its
// unit eigenvector by `steps` Lanczos iterations (full reorthogonalisation) over
// Hessian-vector products, from a seeded random start. A negative value certifies
// that a critical point x is a strict saddle (Theorem 2): f decreases along the
// returned direction. The Ritz value approaches the eigenvalue from above.
func (t *Trainer) LowestCurvature(x Point, steps int, seed int64) (float64, Point, error) {
	if steps < 1 {
		return 0, Point{}, fmt.Errorf("ufm: Lanczos steps = %d, want >= 1", steps)
	}
	k, d := t.problem.K, t.config.Dim
	start := t.problem.InitialPoint(d, 1, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	for i := range start.B {
		start.B[i] = rng.NormFloat64()
	}
	q := flatten(start)
	floats.Scale(1/floats.Norm(q, 2), q)
	basis := [][]float64{q}
	var alpha, beta []float64
	for j := 0; j < steps; j++ {
		hq, err := t.HessianVectorProduct(x, unflatten(basis[j], k, d))
		if err != nil {
			return 0, Point{}, err
		}
		r := flatten(hq)
		alpha = append(alpha, floats.Dot(r, basis[j]))
		// Full reorthogonalisation (twice, for stability) against every basis vector.
		for range 2 {
			for _, b := range basis {
				floats.AddScaled(r, -floats.Dot(r, b), b)
			}
		}
		norm := floats.Norm(r, 2)
		if j == steps-1 || norm < 1e-12*math.Abs(alpha[0]+1) {
			break
		}
		beta = append(beta, norm)
		floats.Scale(1/norm, r)
		basis = append(basis, r)
	}
	m := len(alpha)
	tri := mat.NewSymDense(m, nil)
	for i := range m {
		tri.SetSym(i, i, alpha[i])
		if i+1 < m {
			tri.SetSym(i, i+1, beta[i])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(tri, true) {
		return 0, Point{}, fmt.Errorf("ufm: Lanczos: tridiagonal eigen-decomposition failed")
	}
	values := eig.Values(nil)
	var vectors mat.Dense
	eig.VectorsTo(&vectors)
	lowest := floats.MinIdx(values)
	dir := make([]float64, len(q))
	for i := range m {
		floats.AddScaled(dir, vectors.At(i, lowest), basis[i])
	}
	floats.Scale(1/floats.Norm(dir, 2), dir)
	return values[lowest], unflatten(dir, k, d), nil
}
