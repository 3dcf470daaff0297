// Package ufm is the unconstrained feature model (UFM) of multi-label neural collapse
// under the pick-all-labels loss: its closed-form global optimum (Theorem 1), a
// float64 reference objective, and a GoMLX trainer that reaches the optimum from
// random initialisations (the evidence for Theorems 1 and 2).
//
// Every formula is in nclab/METHOD.md §3:
//
//   - Problem: K labels, counts n_m per label set of each multiplicity m (balanced
//     within a multiplicity, any multiplicity may be absent, m = K allowed: those
//     samples sit at h = 0) or an explicit count per label set (SetCounts, any
//     imbalance; ParseSetCounts reads "0:50,1:5,0+1:3"), weight decays lW, lH, lb,
//     PAL or PAL-N, with or without the 1/N in front of the loss. Problem.Samples fixes
//     the order of the N samples (multiplicity, then lexicographic set order).
//     Problem.Balanced turns balanced set counts into Counts; unbalanced ones have no
//     closed form (ErrNoClosedForm, naming the sets that break balance).
//   - Problem.Solve returns an Optimum: rho = ||w_k||^2 and c_m from the optimality
//     system (E_m), (E_W), solved by bracketed Newton steps in log variables to 1e-14;
//     the existence threshold lW lH N^2 < sum_m n_m C(K-2, m-1) decides when only
//     W = H = 0 is optimal (Optimum.Trivial). It also gives gamma_m = m c_m / c_1,
//     the in-set / out-of-set logits and f*.
//   - Optimum.Point builds (W*, H*, b*) in a dimension d >= K-1: W* a simplex ETF
//     (nclab/etf, METHOD.md §4) of row norm sqrt(rho), h_i = c_m sum_{k in S_i} w_k.
//   - Problem.Objective evaluates f(W, H, b) and its gradient in float64 (the reference
//     for the GoMLX graph and for the stationarity check of Optimum.Point).
//   - Problem.ObjectiveGraph is the same f as a GoMLX graph (the loss from nclab/loss).
//   - Trainer (NewTrainer, Train, TrainFrom) minimises f on a GoMLX backend: full-batch
//     gradient descent with heavy-ball or Nesterov momentum (10 steps compiled into one
//     graph call), or L-BFGS (gonum/optimize over the graph's loss and gradient); float32
//     or float64; seeded Gaussian initialisation (Problem.InitialPoint); stops on a
//     gradient-norm tolerance (or a relative objective gap, for timing). The Result
//     carries a trajectory of Records: objective, gradient norm, gap to f*, Distance to
//     the closed form (rho, c_m estimates, Gram error of W, feature error; absent when
//     the set counts have no closed form, Trainer.NoClosedForm) and, with
//     TrainConfig.Metrics, every collapse metric of METHOD.md §5 (nclab/collapse);
//     Series reads one quantity of it against the step, for plots.
//   - Theorem 2 tools: Trainer.HessianVectorProduct (autodiff of <grad f, v>),
//     Trainer.LowestCurvature (Lanczos), Problem.CurvatureAtZero (the closed-form lowest
//     curvature at W = H = 0, negative exactly below Problem.ExistenceThreshold).
//
// Features are stored one sample per row (N x d), the transpose of METHOD.md's H.
package ufm
