package ufm

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Point is a UFM parameter point: classifier W (K x d), features H stored one sample
// per row (N x d, the transpose of METHOD.md's d x N H, rows in Problem.Samples
// order) and bias b (K).
type Point struct {
	W, H *mat.Dense
	B    []float64
}

// Objective evaluates f(W, H, b) of METHOD.md §3 in float64 and its gradient (same
// shapes as the point). It is the reference the GoMLX trainer is tested against.
// PAL: dL/dz = m softmax(z) - y_S; PAL-N divides by m.
func (p Problem) Objective(x Point) (f float64, grad Point, err error) {
	if err := p.Validate(); err != nil {
		return 0, Point{}, err
	}
	sets := p.Samples()
	kr, d := x.W.Dims()
	n, dh := x.H.Dims()
	if kr != p.K || dh != d || n != len(sets) || len(x.B) != p.K {
		return 0, Point{}, fmt.Errorf("ufm: point has W %dx%d, H %dx%d, b %d; want W %dx d, H %dx d, b %d", kr, d, n, dh, len(x.B), p.K, len(sets), p.K)
	}
	scale := p.lossScale()
	z := mat.NewDense(n, p.K, nil)
	z.Mul(x.H, x.W.T())
	g := mat.NewDense(n, p.K, nil) // dLoss/dZ, scaled
	var loss float64
	for i, s := range sets {
		row := z.RawRowView(i)
		floats.Add(row, x.B)
		lse := floats.LogSumExp(row)
		m := float64(len(s))
		weight := 1.0
		if p.Normalized {
			weight = 1 / m
		}
		l := m * lse
		for _, k := range s {
			l -= row[k]
		}
		loss += weight * l
		grow := g.RawRowView(i)
		for k, zk := range row {
			grow[k] = weight * scale * m * math.Exp(zk-lse)
		}
		for _, k := range s {
			grow[k] -= weight * scale
		}
	}
	wNorm, hNorm := mat.Norm(x.W, 2), mat.Norm(x.H, 2)
	bNorm := floats.Norm(x.B, 2)
	f = scale*loss + p.LambdaW/2*wNorm*wNorm + p.LambdaH/2*hNorm*hNorm + p.LambdaB/2*bNorm*bNorm

	grad.W = mat.NewDense(p.K, d, nil)
	grad.W.Mul(g.T(), x.H)
	grad.W.Apply(func(i, j int, v float64) float64 { return v + p.LambdaW*x.W.At(i, j) }, grad.W)
	grad.H = mat.NewDense(n, d, nil)
	grad.H.Mul(g, x.W)
	grad.H.Apply(func(i, j int, v float64) float64 { return v + p.LambdaH*x.H.At(i, j) }, grad.H)
	grad.B = make([]float64, p.K)
	for i := range n {
		floats.Add(grad.B, g.RawRowView(i))
	}
	floats.AddScaled(grad.B, p.LambdaB, x.B)
	return f, grad, nil
}

// Norm is the Euclidean norm of the point seen as one vector (W, H, b together).
func (x Point) Norm() float64 {
	w, h, b := mat.Norm(x.W, 2), mat.Norm(x.H, 2), floats.Norm(x.B, 2)
	return math.Sqrt(w*w + h*h + b*b)
}

// Plus returns x + alpha v (a new point; for stepping along a direction, such as the
// negative-curvature direction of Trainer.LowestCurvature).
func (x Point) Plus(alpha float64, v Point) Point {
	var w, h mat.Dense
	w.Scale(alpha, v.W)
	w.Add(&w, x.W)
	h.Scale(alpha, v.H)
	h.Add(&h, x.H)
	b := make([]float64, len(x.B))
	floats.AddScaledTo(b, x.B, alpha, v.B)
	return Point{W: &w, H: &h, B: b}
}
