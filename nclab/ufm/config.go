package ufm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/core/tensors"
	"gonum.org/v1/gonum/mat"

	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/etf"
	"github.com/nclab/nclab/nclab/labelset"
)

// Method is the optimiser of the UFM trainer.
type Method int

const (
	// GradientDescent is full-batch gradient descent with optional heavy-ball momentum
	// (PyTorch SGD semantics: v <- mu v + g, x <- x - lr v) or Nesterov momentum
	// (x <- x - lr (g + mu v)). Ten steps are unrolled into one compiled graph, so the
	// per-step cost is the arithmetic, not a Go <-> backend round trip.
	GradientDescent Method = iota
	// LBFGS is limited-memory BFGS with a More-Thuente line search (gonum/optimize) over
	// loss and gradient computed by the GoMLX graph. It needs no learning rate and
	// converges superlinearly near the optimum, where gradient descent is slowed by the
	// poor conditioning of the UFM (the H block's curvature is ~ lH + rho/N).
	LBFGS
)

// String is the name ParseMethod reads.
func (m Method) String() string {
	switch m {
	case GradientDescent:
		return "gd"
	case LBFGS:
		return "lbfgs"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod reads "gd" or "lbfgs".
func ParseMethod(name string) (Method, error) {
	switch name {
	case "gd":
		return GradientDescent, nil
	case "lbfgs":
		return LBFGS, nil
	}
	return 0, fmt.Errorf("ufm: unknown method %q (want gd or lbfgs)", name)
}

// TrainConfig holds the trainer's hyper-parameters; DefaultTrainConfig gives defaults.
type TrainConfig struct {
	// Dim is the feature dimension d.
	Dim int
	// DType is dtypes.Float32 or dtypes.Float64 (the graph's arithmetic).
	DType dtypes.DType
	Method
	// LearningRate, Momentum and Nesterov configure GradientDescent.
	LearningRate, Momentum float64
	Nesterov               bool
	// History is the number of past (step, gradient change) pairs L-BFGS keeps; 0 means
	// DefaultHistory.
	History int
	// MaxSteps bounds the number of optimiser steps (L-BFGS: major iterations; gradient
	// descent rounds it up to a multiple of 10).
	MaxSteps int
	// GradTol stops training once the Euclidean norm of the full gradient (W, H, b
	// together) is at most GradTol.
	GradTol float64
	// StopGap, when > 0, also stops training once the relative objective error
	// (f - f*)/|f*| against the closed form is at most StopGap (gradient descent checks
	// every step, L-BFGS every major iteration; used to time "reaching f* to 1e-6").
	StopGap float64
	// InitScale is the standard deviation of the Gaussian initialisation of W and H
	// (b starts at 0).
	InitScale float64
	// Seed is the initialisation seed kept with the other hyper-parameters (the CLI's
	// --seed); Trainer.Train takes the seed as its argument, so that one compiled
	// trainer serves many seeds.
	Seed int64
	// TrackEvery is the number of steps between trajectory records (0: only the first
	// and last point). Gradient descent rounds it up to a multiple of 10, the number of
	// steps compiled into one graph call.
	TrackEvery int
	// Metrics adds the collapse metrics of METHOD.md §5 (nclab/collapse, on H with W
	// and b) to every trajectory record.
	Metrics bool
}

// DefaultHistory is L-BFGS's default memory: SciPy's default (maxcor) and the
// history_size bench/ufm_torch.py gives PyTorch.
const DefaultHistory = 10

// DefaultTrainConfig is gradient descent with momentum 0.9 in float64.
func DefaultTrainConfig(dim int) TrainConfig {
	return TrainConfig{Dim: dim, DType: dtypes.Float64, Method: GradientDescent, LearningRate: 1, Momentum: 0.9,
		MaxSteps: 100000, GradTol: 1e-9, InitScale: 0.1, TrackEvery: 100}
}

// Validate reports the first thing wrong with c for problem p (NewTrainer
// calls it): a value out of range, or a size the trainer cannot hold.
func (c TrainConfig) Validate(p Problem) error { return c.validate(p) }

func (c TrainConfig) validate(p Problem) error {
	switch {
	case c.Dim < 1:
		return fmt.Errorf("ufm: feature dimension d = %d, want d >= 1", c.Dim)
	case c.DType != dtypes.Float32 && c.DType != dtypes.Float64:
		return fmt.Errorf("ufm: dtype %s, want float32 or float64", c.DType)
	case c.Method != GradientDescent && c.Method != LBFGS:
		return fmt.Errorf("ufm: unknown method %d", int(c.Method))
	case c.Method == GradientDescent && (!(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0)):
		return fmt.Errorf("ufm: learning rate %v, want a finite value > 0", c.LearningRate)
	case !(c.Momentum >= 0 && c.Momentum < 1):
		return fmt.Errorf("ufm: momentum %v outside [0, 1)", c.Momentum)
	case c.History < 0:
		return fmt.Errorf("ufm: L-BFGS history %d, want >= 0 (0 for the default %d)", c.History, DefaultHistory)
	case c.MaxSteps < 0 || c.TrackEvery < 0:
		return fmt.Errorf("ufm: max steps %d and track-every %d must be >= 0", c.MaxSteps, c.TrackEvery)
	case c.Metrics && !slices.Contains(p.Multiplicities(), 1):
		return fmt.Errorf("ufm: collapse metrics need multiplicity-1 samples (class means), and the counts have none")
	case !(c.GradTol >= 0) || !(c.InitScale >= 0) || !(c.StopGap >= 0) || math.IsInf(c.GradTol+c.InitScale+c.StopGap, 0):
		return fmt.Errorf("ufm: grad tolerance %v, stop gap %v and init scale %v must be >= 0 (init scale finite)", c.GradTol, c.StopGap, c.InitScale)
	case c.InitScale == 0:
		return fmt.Errorf("ufm: init scale 0 starts at W = H = 0, a critical point (a strict saddle unless the optimum is trivial, METHOD.md §3) that gradient methods never leave: want > 0")
	}
	n, k := p.NumSamples(), p.K
	if n > maxTrainValues/(c.Dim+k) {
		return fmt.Errorf("ufm: N = %d samples with d = %d and K = %d need H (N x d) and the targets (N x K), %d values in all, more than the trainer holds (%d): use fewer samples per set",
			n, c.Dim, k, int64(n)*int64(c.Dim+k), maxTrainValues)
	}
	return nil
}

// maxTrainValues bounds N (d + K), the entries of H and of the targets the
// trainer allocates (2^27: 1 GiB in float64).
const maxTrainValues = 1 << 27

// dimensionNotes says when d is below the theorems' assumptions (METHOD.md §3:
// Theorem 1 for d >= K, Theorem 2 for d > K).
func (c TrainConfig) dimensionNotes(k int) []string {
	switch {
	case c.Dim < k-1:
		return []string{fmt.Sprintf("d = %d < K - 1 = %d: Theorem 1 does not apply (it assumes d >= K): its optimum needs W to be a simplex ETF of rank K - 1, which does not fit in d dimensions, so the closed form is out of reach and converged means only a small gradient", c.Dim, k-1)}
	case c.Dim < k:
		return []string{fmt.Sprintf("d = %d < K = %d: below Theorem 1's assumption d >= K (the simplex ETF still fits in K - 1 dimensions), and Theorem 2 (d > K) does not apply: a converged run may sit at a non-global critical point", c.Dim, k)}
	case c.Dim == k:
		return []string{fmt.Sprintf("d = K = %d: Theorem 2 (every local minimum is global) assumes d > K", k)}
	}
	return nil
}

// Record is one point of a training trajectory.
type Record struct {
	Step      int     `json:"step"`
	Objective float64 `json:"objective"`
	GradNorm  float64 `json:"grad_norm"`
	// Distance to the closed form, nil (absent from the JSON form) when the problem has
	// none (Trainer.NoClosedForm).
	*Distance
	// Seconds is the wall time spent training so far (the measurements of the
	// trajectory excluded).
	Seconds float64 `json:"seconds"`
	// Metrics are the collapse metrics at this point when TrainConfig.Metrics is set.
	Metrics *collapse.Metrics `json:"-"`
}

// Result is the end of a training run.
type Result struct {
	Point
	Record
	// Converged is true when the gradient norm reached GradTol within MaxSteps,
	// away from the saddle W = H = 0 (unless the optimum is trivial).
	Converged bool `json:"converged"`
	// Notes say when the theorems' assumptions do not hold (d too small) or
	// training stopped at the saddle W = H = 0.
	Notes []string `json:"notes,omitempty"`
	// Stop says why training ended: "GradientThreshold", "ObjectiveGap", "MaxSteps" or
	// the optimiser's status or error (L-BFGS).
	Stop       string   `json:"stop"`
	Trajectory []Record `json:"trajectory"`
}

// Distance measures how far a point is from Theorem 1's optimum (all rotation invariant).
type Distance struct {
	// ObjectiveGap is (f - f*)/|f*| against the closed form (filled in by the trainer,
	// which knows f; DistanceTo leaves it 0).
	ObjectiveGap float64 `json:"objective_gap"`
	// Rho is mean_k ||w_k||^2, the estimate of rho.
	Rho float64 `json:"rho"`
	// C maps m < K to the mean over samples of multiplicity m of <h_i, s_i>/||s_i||^2
	// with s_i = sum_{k in S_i} w_k: the estimate of c_m.
	C map[int]float64 `json:"c"`
	// GramError is ||W W^T - G*||_F / ||G*||_F with G* = rho* K/(K-1)(I - 11^T/K)
	// (||W W^T||_F when the optimum is trivial).
	GramError float64 `json:"gram_error"`
	// FeatureError is ||h_i - c*_m s_i|| / ||c*_m s_i|| over all samples (Frobenius):
	// how far the features are from the collapsed ones the current W calls for.
	FeatureError float64 `json:"feature_error"`
}

// DistanceTo measures x against the optimum o of p.
func (p Problem) DistanceTo(x Point, o *Optimum) Distance {
	k, d := x.W.Dims()
	dist := Distance{C: map[int]float64{}}
	gram := mat.NewSymDense(k, nil)
	gram.SymOuterK(1, x.W)
	for i := range k {
		dist.Rho += gram.At(i, i) / float64(k)
	}
	// G* = rho K/(K-1) (I - 11^T/K) = rho K / sqrt(K-1) T, T the unit-norm ETF Gram.
	target := etf.Target(k)
	target.Scale(o.Rho*float64(k)/math.Sqrt(float64(k-1)), target)
	diff := mat.NewDense(k, k, nil)
	diff.Sub(gram, target)
	dist.GramError = mat.Norm(diff, 2)
	if !o.Trivial {
		dist.GramError /= mat.Norm(target, 2)
	}
	s := make([]float64, d)
	counts := map[int]int{}
	var featErr, featNorm float64
	for i, set := range p.Samples() { // Samples is the row order of H
		clear(s)
		for _, c := range set {
			for j := range s {
				s[j] += x.W.At(c, j)
			}
		}
		h := x.H.RawRowView(i)
		var dot, ss float64
		for j := range s {
			dot += h[j] * s[j]
			ss += s[j] * s[j]
		}
		m := len(set)
		if m < k { // c_K is no parameter: all-label features are 0 at the optimum
			if ss > 0 {
				dist.C[m] += dot / ss
			}
			counts[m]++
		}
		cm := o.C[m]
		for j := range s {
			e := h[j] - cm*s[j]
			featErr += e * e
			featNorm += cm * cm * s[j] * s[j]
		}
	}
	for m, n := range counts {
		dist.C[m] /= float64(n)
	}
	dist.FeatureError = math.Sqrt(featErr)
	if featNorm > 0 {
		dist.FeatureError /= math.Sqrt(featNorm)
	}
	return dist
}

// InitialPoint draws W and H with i.i.d. N(0, scale^2) entries from a PCG generator
// seeded by seed; b = 0.
func (p Problem) InitialPoint(d int, scale float64, seed int64) Point {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	fill := func(rows int) *mat.Dense {
		data := make([]float64, rows*d)
		for i := range data {
			data[i] = scale * rng.NormFloat64()
		}
		return mat.NewDense(rows, d, data)
	}
	w := fill(p.K)
	return Point{W: w, H: fill(p.NumSamples()), B: make([]float64, p.K)}
}

// Trainer minimises a Problem's objective on a GoMLX backend. Build it once with
// NewTrainer and call Train for each initialisation (the graphs are compiled once per
// shape and dtype).
type Trainer struct {
	backend compute.Backend
	problem Problem
	config  TrainConfig
	optimum *Optimum
	// noClosedForm is Solve's error when the counts have no closed form (optimum nil).
	noClosedForm error
	notes        []string // TrainConfig.dimensionNotes, copied into every Result
	samples      []labelset.Set
	targets      *tensors.Tensor
	// valueAndGradient: (W, H, b, Y) -> (f, dW, dH, db, ||grad||).
	valueAndGradient *Exec
	// descend: (W, H, b, vW, vH, vb, Y) -> the same six after `unroll` steps of gradient
	// descent (fewer once the point is final: see descendGraph), the steps taken, and
	// the objective and gradient norm at the input point.
	descend *Exec
	// hvp: (W, H, b, vW, vH, vb, Y) -> Hessian times v, built on first use.
	hvp *Exec
}

// NewTrainer validates p and config, solves the closed form (for the distances in the
// trajectory) and prepares the graphs. Set counts that are not balanced within each
// multiplicity have no closed form: the trainer then runs without one (Optimum is nil,
// NoClosedForm says why, records carry no Distance) and TrainConfig.StopGap must be 0.
func NewTrainer(backend compute.Backend, p Problem, config TrainConfig) (*Trainer, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := config.validate(p); err != nil {
		return nil, err
	}
	o, err := p.Solve()
	var noClosedForm error
	if errors.Is(err, ErrNoClosedForm) {
		if config.StopGap > 0 {
			return nil, fmt.Errorf("ufm: stop gap %v needs the closed form: %w", config.StopGap, err)
		}
		o, noClosedForm = nil, err
	} else if err != nil {
		return nil, err
	}
	t := &Trainer{backend: backend, problem: p, config: config, optimum: o, noClosedForm: noClosedForm, notes: config.dimensionNotes(p.K)}
	sets := p.Samples()
	t.samples = sets
	y := make([]float64, len(sets)*p.K)
	for i, s := range sets {
		for _, c := range s {
			y[i*p.K+c] = 1
		}
	}
	t.targets = toTensor(config.DType, y, len(sets), p.K)
	t.valueAndGradient, err = NewExec(backend, func(w, h, b, y *Node) []*Node {
		f := p.ObjectiveGraph(w, h, b, y)
		g := Gradient(f, w, h, b)
		return []*Node{f, g[0], g[1], g[2], gradientNorm(g...)}
	})
	if err != nil {
		return nil, err
	}
	t.descend, err = NewExec(backend, t.descendGraph)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Optimum is the closed-form optimum the trainer measures against; nil when the
// problem has none (see NoClosedForm).
func (t *Trainer) Optimum() *Optimum { return t.optimum }

// NoClosedForm is nil when the trainer has a closed-form optimum, else Solve's error
// (wrapping ErrNoClosedForm, naming the label sets that break balance).
func (t *Trainer) NoClosedForm() error { return t.noClosedForm }

// gradientNorm is sqrt(sum of squares) over several gradient tensors.
func gradientNorm(grads ...*Node) *Node {
	total := ReduceAllSum(Square(grads[0]))
	for _, g := range grads[1:] {
		total = Add(total, ReduceAllSum(Square(g)))
	}
	return Sqrt(total)
}

// unroll is the number of gradient-descent steps compiled into one graph call: long
// enough to hide the cost of a call, short enough to compile in well under a second.
// (A While loop would run any number of steps per call, but the pure-Go backend of
// GoMLX v0.28.16 cannot execute a While body that takes a gradient: "input 0 for node
// ReduceSum not computed yet".)
const unroll = 10

// descendGraph runs `unroll` gradient-descent steps. Inputs x = (W, H, b), velocities
// v, targets y; each step evaluates g = grad f(x), then v <- mu v + g and x <- x - lr v
// (Nesterov: x <- x - lr (g + mu v)), except once the point is final: ||g|| <= GradTol,
// or, with StopGap > 0, (f - f*)/|f*| <= StopGap. From then on x stays as it is, so the
// run stops at the first such step, as a loop that checks after every step would.
// Outputs the new x, v, the number of steps that moved, f and ||g|| at the input point
// (its trajectory record), and whether the last point's gradient norm is <= GradTol.
func (t *Trainer) descendGraph(inputs []*Node) []*Node {
	cfg := t.config
	x, v, y := inputs[0:3], inputs[3:6], inputs[6]
	g := y.Graph()
	moved := Scalar(g, dtypes.Int32, 0)
	var f0, gnorm0 *Node
	normFinal := Const(g, false)
	for step := range unroll {
		f := t.problem.ObjectiveGraph(x[0], x[1], x[2], y)
		grads := Gradient(f, x...)
		var gnorm *Node // built where it is used: at the input point, and with GradTol
		if step == 0 || cfg.GradTol > 0 {
			gnorm = gradientNorm(grads...)
		}
		if step == 0 {
			f0, gnorm0 = f, gnorm
		}
		moving := Const(g, true)
		if cfg.GradTol > 0 {
			moving = GreaterThan(gnorm, Scalar(g, gnorm.DType(), cfg.GradTol))
			normFinal = LogicalNot(moving)
		}
		if o := t.optimum; o != nil && cfg.StopGap > 0 {
			// closeEnough's float64 arithmetic, so that graph and trajectory agree.
			gap := Div(Sub(ConvertDType(f, dtypes.Float64), Scalar(g, dtypes.Float64, o.Objective)), Scalar(g, dtypes.Float64, math.Abs(o.Objective)))
			moving = And(moving, GreaterThan(gap, Scalar(g, dtypes.Float64, cfg.StopGap)))
		}
		moved = Add(moved, ConvertDType(moving, dtypes.Int32))
		// lr once moving, 0 once final: x then stays put (v keeps changing, but the run
		// ends with this call, so it is never used).
		lr := MulScalar(ConvertDType(moving, x[0].DType()), cfg.LearningRate)
		for j := range 3 {
			v[j] = Add(MulScalar(v[j], cfg.Momentum), grads[j])
			dir := v[j]
			if cfg.Nesterov {
				dir = Add(grads[j], MulScalar(v[j], cfg.Momentum))
			}
			x[j] = Sub(x[j], Mul(dir, lr))
		}
	}
	return append(append(slices.Clone(x), v...), moved, f0, gnorm0, normFinal)
}
