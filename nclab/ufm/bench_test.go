package ufm

import (
	"fmt"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

// benchProblem is the time-to-accuracy problem: K = 10, n_1 = 100, n_2 = 20
// (N = 1,900), with weight decays 5e-3; bench/ufm_torch.py runs the same one.
var benchProblem = Problem{K: 10, Counts: map[int]int{1: 100, 2: 20}, LambdaW: 5e-3, LambdaH: 5e-3, LambdaB: 5e-3}

// benchConfig is gradient descent lr 5, heavy-ball momentum 0.9 (PyTorch SGD), d = 64.
func benchConfig(method Method, dtype dtypes.DType) TrainConfig {
	cfg := DefaultTrainConfig(64)
	cfg.Method, cfg.DType, cfg.LearningRate, cfg.Momentum = method, dtype, 5, 0.9
	cfg.GradTol, cfg.StopGap, cfg.TrackEvery = 0, 1e-6, 10
	if method == LBFGS {
		cfg.TrackEvery = 0
	}
	return cfg
}

// BenchmarkUFMTimeToAccuracy times training from a seeded initialisation until the
// objective is within 1e-6 (relative) of the closed-form f*, graphs already compiled.
func BenchmarkUFMTimeToAccuracy(b *testing.B) {
	for _, method := range []Method{GradientDescent, LBFGS} {
		b.Run(method.String(), func(b *testing.B) {
			tr, err := NewTrainer(testBackend(b), benchProblem, benchConfig(method, dtypes.Float64))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tr.Train(0); err != nil { // compile the graphs
				b.Fatal(err)
			}
			var steps int
			b.ResetTimer()
			for b.Loop() {
				res, err := tr.Train(0)
				if err != nil {
					b.Fatal(err)
				}
				if res.Stop != "ObjectiveGap" {
					b.Fatalf("stopped by %s at gap %.2e", res.Stop, res.ObjectiveGap)
				}
				steps = res.Step
			}
			b.ReportMetric(float64(steps), "steps")
		})
	}
}

// BenchmarkUFMStep times one full-batch gradient-descent step at N = 10,000
// (K = 10, d = 64, n_1 = 550, n_2 = 100), measured over the 10-step graph call.
func BenchmarkUFMStep(b *testing.B) {
	p := Problem{K: 10, Counts: map[int]int{1: 550, 2: 100}, LambdaW: 5e-3, LambdaH: 5e-3, LambdaB: 5e-3}
	for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		b.Run(fmt.Sprintf("N=%d/%s", p.NumSamples(), dtype), func(b *testing.B) {
			cfg := benchConfig(GradientDescent, dtype)
			// The default's per-step gradient-norm check (a tolerance never met), no gap.
			cfg.LearningRate, cfg.GradTol, cfg.StopGap = 1, 1e-300, 0
			tr, err := NewTrainer(testBackend(b), p, cfg)
			if err != nil {
				b.Fatal(err)
			}
			x := pointTensors(dtype, p.InitialPoint(64, 0.1, 0))
			v := pointTensors(dtype, p.InitialPoint(64, 0, 0))
			step := func() {
				outs, err := tr.descend.Exec(x[0], x[1], x[2], v[0], v[1], v[2], tr.targets)
				if err != nil {
					b.Fatal(err)
				}
				x, v = outs[0:3], outs[3:6]
				if moved := tensors.ToScalar[int32](outs[6]); moved != unroll {
					b.Fatalf("moved %d steps", moved)
				}
			}
			step() // compile
			b.ResetTimer()
			for b.Loop() {
				step()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*unroll), "ns/step")
		})
	}
}
