package decode

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/loss"
	"github.com/nclab/nclab/nclab/multilabel"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// OvAOptions are the hyper-parameters of the one-vs-all baseline, with defaults in
// DefaultOvAOptions.
type OvAOptions struct {
	// TargetLoss stops training once the mean training loss (per sample, the sum of the
	// K binary cross-entropies, METHOD.md §2 "OvA") is at or below it.
	TargetLoss float64
	// MaxIterations caps the L-BFGS iterations (a non-separable problem may never reach
	// TargetLoss; training then stops at the cap or when the loss stops improving).
	MaxIterations int
	// L2 adds L2/2 ||W||_F^2 to the loss (the bias is not penalised). Default 0.
	L2 float64
	// HoldoutFraction of the training samples is held out by FitOvATuned to choose the
	// threshold; the heads are trained on the rest.
	HoldoutFraction float64
	// Seed fixes the held-out split (training itself starts from W = 0, b = 0 and is
	// deterministic).
	Seed uint64
}

// DefaultOvAOptions: train to a mean loss of 0.01 (METHOD.md §8: "a small training
// loss"), at most 500 L-BFGS iterations, no weight decay, 20 % held out for tuning.
func DefaultOvAOptions() OvAOptions {
	return OvAOptions{TargetLoss: 0.01, MaxIterations: 500, HoldoutFraction: 0.2, Seed: 1}
}

// lbfgsMemory is the number of correction pairs L-BFGS keeps (gonum's default).
const lbfgsMemory = 15

// OvA is K independent logistic heads z = W h + b on frozen features (binary relevance):
// class k is predicted when sigmoid(z_k) >= Threshold.
type OvA struct {
	K         int
	W         *mat.Dense // K x d
	B         []float64  // K
	Threshold float64    // on the sigmoid probability; 0.5 means z_k >= 0
	// TrainLoss is the mean training loss reached; Iterations and Evaluations count the
	// L-BFGS iterations and loss-and-gradient evaluations; Status is gonum's stop reason.
	TrainLoss   float64
	Iterations  int
	Evaluations int
	Status      string
	fitFLOPs    float64
}

// FitOvA trains the K heads on all of features (row i labelled sets[i]) by full-batch
// L-BFGS (gonum/optimize), with the loss and its gradient computed by a GoMLX graph on
// the given backend, and threshold 0.5.
func FitOvA(backend compute.Backend, k int, features *mat.Dense, sets []labelset.Set, opts OvAOptions) (*OvA, error) {
	n, _ := features.Dims()
	if err := checkFitInput(k, n, features, sets, opts); err != nil {
		return nil, err
	}
	return trainOvA(backend, k, features, sets, opts)
}

// checkFitInput validates what FitOvA and FitOvATuned are given.
func checkFitInput(k, n int, features *mat.Dense, sets []labelset.Set, opts OvAOptions) error {
	if err := checkLabels(k, n, sets, "training"); err != nil {
		return err
	}
	if err := checkFinite(features, "training features"); err != nil {
		return err
	}
	return opts.check()
}

// FitOvATuned holds out opts.HoldoutFraction of the training samples (seeded), trains the
// heads on the rest, and sets Threshold to the value of {0.05, 0.10, …, 0.95} that
// maximises the sample-averaged F1 on the held-out samples (ties: nearest to 0.5).
// FitFLOPs includes the threshold search. On features of a trained network the held-out
// samples were still seen by the network that produced them, so their features are
// "training-like"; the tuned threshold can only correct the heads' calibration, not
// the train/test shift of the features.
func FitOvATuned(backend compute.Backend, k int, features *mat.Dense, sets []labelset.Set, opts OvAOptions) (*OvA, error) {
	n, d := features.Dims()
	if err := checkFitInput(k, n, features, sets, opts); err != nil {
		return nil, err
	}
	nHold := int(math.Round(opts.HoldoutFraction * float64(n)))
	if nHold < 1 || nHold >= n {
		return nil, fmt.Errorf("decode: holding out %g of %d samples leaves %d to tune on and %d to train on",
			opts.HoldoutFraction, n, nHold, n-nHold)
	}
	perm := rand.New(rand.NewPCG(opts.Seed, 0x0ba)).Perm(n)
	pick := func(idx []int) (*mat.Dense, []labelset.Set) {
		x := mat.NewDense(len(idx), d, nil)
		s := make([]labelset.Set, len(idx))
		for i, j := range idx {
			x.SetRow(i, features.RawRowView(j))
			s[i] = sets[j]
		}
		return x, s
	}
	xHold, sHold := pick(perm[:nHold])
	xFit, sFit := pick(perm[nHold:])
	o, err := trainOvA(backend, k, xFit, sFit, opts)
	if err != nil {
		return nil, err
	}
	logits := o.Logits(xHold)
	bestF1 := -1.0
	const steps = 19
	for i := 1; i <= steps; i++ {
		t := float64(i) / (steps + 1)
		rep, err := multilabel.Evaluate(sHold, thresholdLogits(logits, logit(t)), k)
		if err != nil {
			return nil, fmt.Errorf("decode: tuning the OvA threshold: %w", err)
		}
		if f1 := rep.F1Samples; f1 > bestF1 || (f1 == bestF1 && math.Abs(t-0.5) < math.Abs(o.Threshold-0.5)) {
			bestF1, o.Threshold = f1, t
		}
	}
	o.fitFLOPs += ovaPredictFLOPs(d, k)*float64(nHold) + steps*float64(nHold)*(float64(k)+samplesF1FLOPsPerSample(k))
	return o, nil
}

func (opts OvAOptions) check() error {
	switch {
	case !(opts.TargetLoss >= 0) || math.IsInf(opts.TargetLoss, 0):
		return fmt.Errorf("decode: OvA target loss %v, want a finite value >= 0", opts.TargetLoss)
	case opts.MaxIterations < 1:
		return fmt.Errorf("decode: OvA max iterations %d, want >= 1", opts.MaxIterations)
	case !(opts.L2 >= 0) || math.IsInf(opts.L2, 0):
		return fmt.Errorf("decode: OvA L2 %v, want a finite value >= 0", opts.L2)
	case !(opts.HoldoutFraction > 0 && opts.HoldoutFraction < 1):
		return fmt.Errorf("decode: OvA holdout fraction %v, want 0 < f < 1", opts.HoldoutFraction)
	}
	return nil
}

// Logits returns z = W h + b for every row of features (N x K).
func (o *OvA) Logits(features *mat.Dense) *mat.Dense {
	n, _ := features.Dims()
	z := mat.NewDense(n, o.K, nil)
	z.Mul(features, o.W.T())
	for i := range n {
		row := z.RawRowView(i)
		for k := range row {
			row[k] += o.B[k]
		}
	}
	return z
}

// Predict returns, for each row of features, the classes whose sigmoid probability is at
// least Threshold. The set may be empty: binary relevance can predict no label at all.
func (o *OvA) Predict(features *mat.Dense) ([]labelset.Set, error) {
	_, d := features.Dims()
	if _, dw := o.W.Dims(); d != dw {
		return nil, fmt.Errorf("decode: test features have dimension %d, the OvA heads %d", d, dw)
	}
	if err := checkFinite(features, "test features"); err != nil {
		return nil, err
	}
	return thresholdLogits(o.Logits(features), logit(o.Threshold)), nil
}

// FLOPs returns the cost of training the heads (and tuning the threshold, if tuned)
// plus predicting nTest features.
func (o *OvA) FLOPs(nTest int) FLOPs {
	_, d := o.W.Dims()
	per := ovaPredictFLOPs(d, o.K)
	return FLOPs{Fit: o.fitFLOPs, Predict: float64(nTest) * per, PerPrediction: per}
}

// FitFLOPs is the analytic cost of training (see ovaEvaluationFLOPs, ovaIterationFLOPs).
func (o *OvA) FitFLOPs() float64 { return o.fitFLOPs }

// ovaPredictFLOPs: logits 2dK, bias K, threshold comparison K (against logit(t),
// computed once).
func ovaPredictFLOPs(d, k int) float64 { return 2*float64(d)*float64(k) + 2*float64(k) }

// ovaEvaluationFLOPs is one full-batch loss-and-gradient evaluation on n samples:
// logits 2ndK + nK (bias); per logit the loss softplus(z) - y z (max, |.|, exp, log1p,
// add, multiply, subtract: 7) and its derivative sigmoid(z) - y (exp, add, divide,
// subtract: 4); the mean 2nK; dL/dW = dZ^T H 2ndK, dL/db nK; weight decay 3dK.
func ovaEvaluationFLOPs(n, d, k int) float64 {
	nf, df, kf := float64(n), float64(d), float64(k)
	return 4*nf*df*kf + 15*nf*kf + 3*df*kf
}

// ovaIterationFLOPs is the L-BFGS bookkeeping of one iteration on P = K(d+1)
// parameters: the two-loop recursion 4mP (Nocedal & Wright, Algorithm 7.4) plus about
// 6P for the new correction pair and the line-search step.
func ovaIterationFLOPs(d, k int) float64 {
	return float64(4*lbfgsMemory+6) * float64(k*(d+1))
}

// samplesF1FLOPsPerSample: comparing two K-class sets and forming 2|S∩Ŝ|/(|S|+|Ŝ|).
func samplesF1FLOPsPerSample(k int) float64 { return 2*float64(k) + 3 }

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

func thresholdLogits(z *mat.Dense, cut float64) []labelset.Set {
	n, k := z.Dims()
	out := make([]labelset.Set, n)
	for i := range n {
		s := labelset.Set{}
		for c, v := range z.RawRowView(i)[:k] {
			if v >= cut {
				s = append(s, c)
			}
		}
		out[i] = s
	}
	return out
}

// ovaEvaluator computes the OvA objective and its gradient with one GoMLX graph; the
// parameters are a flat vector: W row-major (K x d), then b. The features are held
// twice, as X (n x d) and X^T (d x n): the pure-Go backend multiplies dZ^T X about 5x
// faster from X^T than from X (measured at n = 40,000, d = 512), and that product is
// half of every evaluation.
type ovaEvaluator struct {
	k, d     int
	x, xT, y *tensors.Tensor
	exec     *graph.Exec
	counts   int // evaluations so far
}

func newOvAEvaluator(backend compute.Backend, k int, features *mat.Dense, sets []labelset.Set, l2 float64) (*ovaEvaluator, error) {
	n, d := features.Dims()
	x := make([]float64, n*d)
	xT := make([]float64, n*d)
	for i := range n {
		row := features.RawRowView(i)
		copy(x[i*d:], row)
		for j, v := range row {
			xT[j*n+i] = v
		}
	}
	y := make([]float64, n*k)
	for i, s := range sets {
		for _, c := range s {
			y[i*k+c] = 1
		}
	}
	exec, err := graph.NewExec(backend, func(in []*graph.Node) []*graph.Node {
		objective, gradW, gradB := ovaObjectiveAndGradient(in[0], in[1], in[2], in[3], in[4], l2)
		return []*graph.Node{objective, gradW, gradB}
	})
	if err != nil {
		return nil, fmt.Errorf("decode: building the OvA loss graph: %w", err)
	}
	return &ovaEvaluator{k: k, d: d, exec: exec, x: tensors.FromFlatDataAndDimensions(x, n, d),
		xT: tensors.FromFlatDataAndDimensions(xT, d, n), y: tensors.FromFlatDataAndDimensions(y, n, k)}, nil
}

func (e *ovaEvaluator) close() {
	e.exec.Finalize()
	e.x.MustFinalizeAll()
	e.xT.MustFinalizeAll()
	e.y.MustFinalizeAll()
}

func (e *ovaEvaluator) lossAndGradient(params []float64) (loss float64, grad []float64, err error) {
	k, d := e.k, e.d
	w := tensors.FromFlatDataAndDimensions(slices.Clone(params[:k*d]), k, d)
	b := tensors.FromFlatDataAndDimensions(slices.Clone(params[k*d:]), k)
	outs, err := e.exec.Exec(e.x, e.xT, e.y, w, b)
	if err != nil {
		return 0, nil, fmt.Errorf("decode: evaluating the OvA loss: %w", err)
	}
	defer func() {
		for _, t := range outs {
			t.MustFinalizeAll()
		}
	}()
	e.counts++
	grad = make([]float64, k*(d+1))
	tensors.MustConstFlatData(outs[1], func(g []float64) { copy(grad, g) })
	tensors.MustConstFlatData(outs[2], func(g []float64) { copy(grad[k*d:], g) })
	return tensors.ToScalar[float64](outs[0]), grad, nil
}

// trainOvA minimises (1/n) sum_i sum_k BCE(sigmoid(z_ik), [k in S_i]) + L2/2 ||W||^2
// from W = 0, b = 0 by L-BFGS.
func trainOvA(backend compute.Backend, k int, features *mat.Dense, sets []labelset.Set, opts OvAOptions) (*OvA, error) {
	n, d := features.Dims()
	ev, err := newOvAEvaluator(backend, k, features, sets, opts.L2)
	if err != nil {
		return nil, err
	}
	defer ev.close()
	var (
		evalErr  error
		lastX    []float64
		lastF    float64
		lastGrad []float64
	)
	// gonum asks for the value and the gradient separately at the same point: compute
	// both once.
	evaluate := func(params []float64) {
		if lastX != nil && slices.Equal(params, lastX) {
			return
		}
		f, g, err := ev.lossAndGradient(params)
		if err != nil {
			evalErr, f = err, math.NaN()
		}
		lastX, lastF, lastGrad = slices.Clone(params), f, g
	}
	problem := optimize.Problem{
		Func: func(params []float64) float64 { evaluate(params); return lastF },
		Grad: func(grad, params []float64) {
			evaluate(params)
			if lastGrad != nil {
				copy(grad, lastGrad)
			}
		},
		Status: func() (optimize.Status, error) {
			if evalErr != nil {
				return optimize.Failure, evalErr
			}
			if math.IsNaN(lastF) || math.IsInf(lastF, 0) {
				return optimize.Failure, fmt.Errorf("decode: OvA training diverged (loss %v)", lastF)
			}
			return optimize.NotTerminated, nil
		},
	}
	settings := &optimize.Settings{
		MajorIterations: opts.MaxIterations,
		Converger:       &targetLossConverger{target: opts.TargetLoss, stall: optimize.FunctionConverge{Relative: 1e-7, Iterations: 20}},
	}
	res, err := optimize.Minimize(problem, make([]float64, k*(d+1)), settings, &optimize.LBFGS{Store: lbfgsMemory})
	if evalErr != nil {
		return nil, evalErr
	}
	if res == nil || res.X == nil {
		return nil, fmt.Errorf("decode: OvA training failed: %w", err)
	}
	if err != nil && !errors.Is(err, optimize.ErrLinesearcherFailure) && !errors.Is(err, optimize.ErrNoProgress) {
		return nil, fmt.Errorf("decode: OvA training failed: %w", err)
	}
	if math.IsNaN(res.F) || math.IsInf(res.F, 0) {
		return nil, fmt.Errorf("decode: OvA training diverged (loss %v)", res.F)
	}
	status := res.Status.String()
	if err != nil {
		// Rounding can leave the line search no room near the optimum; the best point
		// found is kept and the reason reported.
		status = err.Error()
	}
	o := &OvA{
		K: k, W: mat.NewDense(k, d, slices.Clone(res.X[:k*d])), B: slices.Clone(res.X[k*d:]),
		Threshold: 0.5, TrainLoss: res.F, Iterations: res.Stats.MajorIterations, Evaluations: ev.counts, Status: status,
	}
	o.fitFLOPs = float64(ev.counts)*ovaEvaluationFLOPs(n, d, k) + float64(res.Stats.MajorIterations)*ovaIterationFLOPs(d, k)
	return o, nil
}

// ovaObjectiveAndGradient returns the mean over samples of the one-vs-all loss
// (METHOD.md §2, sum_k BCE(sigmoid(z_k), y_k)) of the logits z = W h + b, plus
// l2/2 ||W||_F^2, and its gradient: with dZ = (sigmoid(Z) - Y) / n (the derivative of the
// mean BCE w.r.t. the logits), dW = dZ^T X + l2 W and db = sum_i dZ_i. x is [n,d], xT
// its transpose [d,n], y [n,K], w [K,d], b [K].
func ovaObjectiveAndGradient(x, xT, y, w, b *graph.Node, l2 float64) (objective, gradW, gradB *graph.Node) {
	n := x.Shape().Dimensions[0]
	logits := graph.Add(graph.Einsum("nd,kd->nk", x, w), graph.ExpandAxes(b, 0))
	objective = graph.ReduceAllMean(loss.OneVsAll(logits, y))
	dz := graph.DivScalar(graph.Sub(graph.Sigmoid(logits), y), float64(n))
	gradW = graph.Transpose(graph.Einsum("dn,nk->dk", xT, dz), 0, 1)
	gradB = graph.ReduceSum(dz, 0)
	if l2 > 0 {
		objective = graph.Add(objective, graph.MulScalar(graph.ReduceAllSum(graph.Square(w)), l2/2))
		gradW = graph.Add(gradW, graph.MulScalar(w, l2))
	}
	return objective, gradW, gradB
}

// targetLossConverger stops at the target loss, or when the loss stalls.
type targetLossConverger struct {
	target float64
	stall  optimize.FunctionConverge
}

func (c *targetLossConverger) Init(dim int) { c.stall.Init(dim) }

func (c *targetLossConverger) Converged(loc *optimize.Location) optimize.Status {
	if loc.F <= c.target {
		return optimize.FunctionThreshold
	}
	return c.stall.Converged(loc)
}
