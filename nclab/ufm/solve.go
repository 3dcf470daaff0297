package ufm

import (
	"fmt"
	"math"
	"slices"
)

// Optimum is the global minimiser of a Problem as Theorem 1 describes it (METHOD.md §3):
// its JSON form has the keys of "nclab ufm solve --json", maps keyed by multiplicity.
// W W^T = Rho K/(K-1) (I - 11^T/K), b = 0, and h_i = C[m] sum_{k in S_i} w_k.
type Optimum struct {
	// Trivial is true when only W = H = 0 is optimal: lW lH N^2 >= sum_m n_m C(K-2,m-1)
	// (PAL; PAL-N divides each term of the sum by m^2; SumLoss replaces N by 1).
	// Rho and every C[m] are then 0.
	Trivial bool `json:"trivial"`
	// Rho is the squared norm of every classifier row w_k.
	Rho float64 `json:"rho"`
	// C maps each present multiplicity m to c_m.
	C map[int]float64 `json:"c"`
	// Gamma maps m to gamma_m = m c_m / c_1, the tag-wise-average scale; empty unless
	// multiplicity 1 is present and the optimum is not trivial.
	Gamma map[int]float64 `json:"gamma"`
	// InSetLogit and OutOfSetLogit map m to the logit of a label in / not in the
	// sample's set: rho c_m (K-m)/(K-1) and -rho c_m m/(K-1).
	InSetLogit    map[int]float64 `json:"in_set_logit"`
	OutOfSetLogit map[int]float64 `json:"out_of_set_logit"`
	// SampleLoss maps m to the per-sample loss at the optimum,
	// m log(m + (K-m) exp(-rho c_m K/(K-1))) for PAL (divided by m for PAL-N).
	SampleLoss map[int]float64 `json:"sample_loss"`
	// Objective is f* = f(W*, H*, b*).
	Objective float64 `json:"objective"`
}

// solveTolerance is the relative accuracy of rho and every c_m (the step of the last
// Newton iteration in log space).
const solveTolerance = 1e-14

// Solve returns the global optimum of p: it solves (E_m) for every present m and (E_W)
// in the log variables u = log rho, t_m = log c_m, each by Newton's method kept inside
// a bracket (bisection when a Newton step leaves it), to a relative accuracy of 1e-14.
//
// With SetCounts it needs them balanced (Problem.Balanced): otherwise the error wraps
// ErrNoClosedForm and names the sets that break balance. Samples with all K labels
// (m = K) take no part in (E_m) and (E_W): their loss K lse(z) - sum_k z_k is at least
// K log K, with equality at h = 0 whatever W and b, and their gradients vanish at
// W = H = 0, so they only add n_K to N (in the 1/N and in lH N of (E_m)) and
// n_K K log K / N to f*; C[K] = 0.
func (p Problem) Solve() (*Optimum, error) {
	p, err := p.Balanced()
	if err != nil {
		return nil, err
	}
	ms := slices.DeleteFunc(p.Multiplicities(), func(m int) bool { return m == p.K })
	k := float64(p.K)
	// weight[m] = n_m C(K-2, m-1): the coefficient of c_m^2 in (E_W).
	weight := map[int]float64{}
	for _, m := range ms {
		weight[m] = float64(p.Counts[m]) * binomial(p.K-2, m-1)
	}
	opt := &Optimum{C: map[int]float64{}, Gamma: map[int]float64{}, InSetLogit: map[int]float64{}, OutOfSetLogit: map[int]float64{}, SampleLoss: map[int]float64{}}

	// (E_W) in log form: h(u) = log(lH sum_m weight_m c_m(u)^2) - log lW, decreasing in u.
	// cs receives c_m(u); the derivative uses dt_m/du = -sx/(1+sx) (implicit function).
	cs := map[int]float64{}
	h := func(u float64) (value, slope float64) {
		a := math.Exp(u) * k / (k - 1)
		var sum, dsum float64
		for _, m := range ms {
			t, dtdu := p.logC(m, a)
			c := math.Exp(t)
			cs[m] = c
			sum += weight[m] * c * c
			dsum += weight[m] * c * c * 2 * dtdu
		}
		return math.Log(p.LambdaH*sum) - math.Log(p.LambdaW), dsum / sum
	}
	if n := p.Counts[p.K]; n > 0 {
		// Every sample holds all labels: h = 0, in-set logits all equal (b's share cancels).
		opt.C[p.K], opt.InSetLogit[p.K], opt.OutOfSetLogit[p.K] = 0, 0, 0
		opt.SampleLoss[p.K] = p.sampleLoss(p.K, 0)
	}
	if len(ms) == 0 || p.LambdaW >= p.ExistenceThreshold() {
		opt.Trivial = true
		for _, m := range ms {
			opt.C[m] = 0
			opt.InSetLogit[m], opt.OutOfSetLogit[m] = 0, 0
			opt.SampleLoss[m] = p.sampleLoss(m, 0)
		}
		opt.Objective = p.objective(opt)
		return opt, nil
	}
	lo, hi, err := bracketDecreasing(h)
	if err != nil {
		return nil, err
	}
	u := safeNewton(h, lo, hi, -1)
	h(u) // leaves cs at the root
	opt.Rho = math.Exp(u)
	for _, m := range ms {
		c := cs[m]
		opt.C[m] = c
		opt.InSetLogit[m] = opt.Rho * c * (k - float64(m)) / (k - 1)
		opt.OutOfSetLogit[m] = -opt.Rho * c * float64(m) / (k - 1)
		opt.SampleLoss[m] = p.sampleLoss(m, opt.Rho*c*k/(k-1))
	}
	if c1, ok := opt.C[1]; ok {
		for m := range opt.C {
			opt.Gamma[m] = float64(m) * opt.C[m] / c1
		}
	}
	opt.Objective = p.objective(opt)
	return opt, nil
}

// ExistenceThreshold is the value of lW at and above which only W = H = 0 is optimal
// (METHOD.md §3): lW < sum_m n_m C(K-2, m-1) / (lH N^2) for PAL. In general it is
// lH sum_m n_m C(K-2, m-1) c_m(0)^2 with c_m(0) = 1/(lH N q_m), the limit of (E_m) as
// rho -> 0 (q_m = m for PAL-N; N -> 1 without the 1/N).
//
// It is NaN for SetCounts without a closed form (Problem.Balanced fails).
func (p Problem) ExistenceThreshold() float64 {
	p, err := p.Balanced()
	if err != nil {
		return math.NaN()
	}
	var limit float64
	for _, m := range p.Multiplicities() {
		c0 := 1 / p.cScale(m)
		limit += float64(p.Counts[m]) * binomial(p.K-2, m-1) * c0 * c0
	}
	return p.LambdaH * limit
}

// CurvatureAtZero is the smallest eigenvalue of the Hessian of f at the critical point
// W = H = 0, b = 0. There the W-H block is [[lW I, C], [C^T, lH I]] with
// C = (1/N) G^T (x) I_d, where G (N x K) holds the loss gradients at zero logits,
// q_m^{-1} ((m/K) 1 - y_i); by symmetry G^T G = alpha (I - 11^T/K) with
// alpha = sum_i ||g_i||^2/(K-1) = sum_m n_m C(K-2, m-1)/q_m^2. Its lowest eigenvalue is
// (lW + lH)/2 - sqrt(((lW - lH)/2)^2 + alpha/N^2); the b block adds lb (along 1).
// It is negative, making W = H = 0 a strict saddle (Theorem 2), exactly when
// lW < ExistenceThreshold(); NaN, like it, without a closed form.
func (p Problem) CurvatureAtZero() float64 {
	coupling := p.ExistenceThreshold() * p.LambdaH // alpha/N^2 = sum_m n_m C(K-2,m-1) / (N q_m)^2
	wh := (p.LambdaW+p.LambdaH)/2 - math.Sqrt(math.Pow((p.LambdaW-p.LambdaH)/2, 2)+coupling)
	return math.Min(wh, p.LambdaB)
}

// cScale is the factor s q_m in (E_m): s c q_m (m e^x + K - m) = K with s = lH N
// (lH for SumLoss) and q_m = 1 for PAL, m for PAL-N.
func (p Problem) cScale(m int) float64 {
	s := p.LambdaH / p.lossScale()
	if p.Normalized {
		s *= float64(m)
	}
	return s
}

// logC solves (E_m) for t = log c_m at a = rho K/(K-1), returning t and dt/d(log rho).
// g(t) = log(cScale) + t + log(m e^{a e^t} + K - m) - log K is increasing in t, with
// g(t_hi) >= 0 at c = 1/cScale and g(t_lo) <= 0 at c = K / (cScale (m e^{a/cScale} + K - m)).
func (p Problem) logC(m int, a float64) (t, dtdu float64) {
	k, mf := float64(p.K), float64(m)
	logS := math.Log(p.cScale(m))
	// sig(x) = m e^x / (m e^x + K - m), the softmax mass of the set's labels.
	sig := func(x float64) float64 { return 1 / (1 + (k-mf)/mf*math.Exp(-x)) }
	g := func(t float64) (float64, float64) {
		x := a * math.Exp(t)
		return logS + t + logAddExp(math.Log(mf)+x, math.Log(k-mf)) - math.Log(k), 1 + sig(x)*x
	}
	hi := -logS
	lo := -logS + math.Log(k) - logAddExp(math.Log(mf)+a*math.Exp(hi), math.Log(k-mf))
	t = safeNewton(g, lo, hi, +1)
	x := a * math.Exp(t)
	return t, -sig(x) * x / (1 + sig(x)*x)
}

// sampleLoss is the loss of a sample of multiplicity m whose in-set logits exceed its
// out-of-set logits by x = rho c_m K/(K-1): m log(m + (K-m) e^{-x}), over m for PAL-N.
func (p Problem) sampleLoss(m int, x float64) float64 {
	mf := float64(m)
	l := mf * logAddExp(math.Log(mf), math.Log(float64(p.K)-mf)-x)
	if p.Normalized {
		l /= mf
	}
	return l
}

// objective evaluates f at the optimum's structure: ||W||^2 = K rho,
// ||h_i||^2 = c_m^2 rho m (K-m)/(K-1).
func (p Problem) objective(o *Optimum) float64 {
	k := float64(p.K)
	var loss, hNorm2 float64
	for _, m := range p.Multiplicities() {
		n := float64(p.Counts[m]) * binomial(p.K, m)
		mf := float64(m)
		loss += n * o.SampleLoss[m]
		hNorm2 += n * o.C[m] * o.C[m] * o.Rho * mf * (k - mf) / (k - 1)
	}
	return p.lossScale()*loss + p.LambdaW/2*k*o.Rho + p.LambdaH/2*hNorm2
}

// bracketDecreasing finds lo < hi with f(lo) > 0 > f(hi) for a decreasing f that is
// positive at -inf and negative at +inf, by doubling steps away from 0.
func bracketDecreasing(f func(float64) (float64, float64)) (lo, hi float64, err error) {
	lo, hi = -1, 1
	for step := 2.0; ; step *= 2 {
		flo, _ := f(lo)
		fhi, _ := f(hi)
		if flo > 0 && fhi < 0 {
			return lo, hi, nil
		}
		if step > 2048 {
			return 0, 0, fmt.Errorf("ufm: cannot bracket rho in [e^%g, e^%g] (too close to the existence threshold?)", lo, hi)
		}
		if flo <= 0 {
			lo -= step
		}
		if fhi >= 0 {
			hi += step
		}
	}
}

// safeNewton finds the root of a monotone f in [lo, hi] (sign = +1 increasing, -1
// decreasing): Newton steps, replaced by bisection whenever a step leaves the bracket.
func safeNewton(f func(float64) (float64, float64), lo, hi float64, sign float64) float64 {
	x := (lo + hi) / 2
	for range 200 {
		v, d := f(x)
		if v == 0 {
			return x
		}
		if sign*v > 0 {
			hi = x
		} else {
			lo = x
		}
		next := x - v/d
		if !(next > lo && next < hi) || d == 0 {
			next = (lo + hi) / 2
		}
		if math.Abs(next-x) <= solveTolerance*math.Max(1, math.Abs(x)) {
			return next
		}
		x = next
	}
	return x
}

// logAddExp is log(e^a + e^b) without overflow.
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// binomial is C(n, r) in float64 (no integer overflow for large K).
func binomial(n, r int) float64 {
	if r < 0 || r > n {
		return 0
	}
	r = min(r, n-r)
	c := 1.0
	for i := 1; i <= r; i++ {
		c = c * float64(n-r+i) / float64(i)
	}
	return c
}
