package ufm_test

import (
	"fmt"

	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/ufm"
)

// The first reference optimum of METHOD.md §3: K = 4, three samples of each single
// label and two of each pair.
func ExampleProblem_Solve() {
	p := ufm.Problem{K: 4, Counts: map[int]int{1: 3, 2: 2}, LambdaW: 1e-2, LambdaH: 1e-2, LambdaB: 1e-2}
	opt, err := p.Solve()
	if err != nil {
		panic(err)
	}
	fmt.Printf("rho = %.5f, c_1 = %.6f, c_2 = %.6f, f* = %.5f\n", opt.Rho, opt.C[1], opt.C[2], opt.Objective)
	fmt.Printf("gamma_2 = %.4f, pair logits: in-set %.4f, out-of-set %.4f\n", opt.Gamma[2], opt.InSetLogit[2], opt.OutOfSetLogit[2])
	// Output:
	// rho = 6.64327, c_1 = 0.409712, c_2 = 0.352281, f* = 1.04038
	// gamma_2 = 1.7197, pair logits: in-set 1.5602, out-of-set -1.5602
}

// Gradient descent from a random start lands on the closed form (Theorems 1 and 2).
func ExampleTrainer_Train() {
	backend, err := nclab.NewBackend()
	if err != nil {
		panic(err)
	}
	p := ufm.Problem{K: 4, Counts: map[int]int{1: 3, 2: 2}, LambdaW: 1e-2, LambdaH: 1e-2, LambdaB: 1e-2}
	cfg := ufm.DefaultTrainConfig(6)
	cfg.GradTol = 1e-10
	trainer, err := ufm.NewTrainer(backend, p, cfg)
	if err != nil {
		panic(err)
	}
	res, err := trainer.Train(1)
	if err != nil {
		panic(err)
	}
	opt := trainer.Optimum()
	fmt.Printf("converged: %v, f = %.6f (f* = %.6f)\n", res.Converged, res.Objective, opt.Objective)
	fmt.Printf("rho = %.4f (%.4f), c_2 = %.4f (%.4f)\n", res.Rho, opt.Rho, res.C[2], opt.C[2])
	// Output:
	// converged: true, f = 1.040376 (f* = 1.040376)
	// rho = 6.6433 (6.6433), c_2 = 0.3523 (0.3523)
}

// At Theorem 1's optimum every tag weight is c_m / c_1.
func ExampleFitTags() {
	p := ufm.Problem{K: 4, Counts: map[int]int{1: 3, 2: 2}, LambdaW: 1e-2, LambdaH: 1e-2, LambdaB: 1e-2}
	opt, _ := p.Solve()
	x, _ := opt.Point(p, 6, 1, false)
	fits, _ := ufm.FitTags(x.H, p.Samples(), p.K)
	fmt.Printf("%v: a = %.4f, %.4f (c_2/c_1 = %.4f), residual < 1e-12: %v\n", fits[0].Set, fits[0].Weights[0], fits[0].Weights[1], opt.C[2]/opt.C[1], fits[0].Residual < 1e-12)
	// Output:
	// {0,1}: a = 0.8598, 0.8598 (c_2/c_1 = 0.8598), residual < 1e-12: true
}
