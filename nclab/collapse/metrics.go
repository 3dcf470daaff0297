package collapse

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nclab/nclab/nclab/etf"
	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Metrics are the collapse metrics of METHOD.md §5 (see the package documentation for
// each definition). Values that cannot be computed are NaN: NC2W, NC3, NC3Papyan and
// NCCAgreement without a classifier, a ratio whose Sigma_B is zero. Maps are keyed by
// multiplicity m.
type Metrics struct {
	K, D int
	// N is the number of samples, NByMultiplicity[m] the number of multiplicity m.
	N               int
	NByMultiplicity map[int]int

	NC1       float64
	NCm       map[int]float64 // every multiplicity with >= 2 present sets
	NC2W      float64
	NC2H      float64
	NC3       float64
	NC3Papyan float64

	Angle        map[int]float64         // ratio AngleMatched/AngleAll, m >= 2
	AngleMatched map[int]float64         // numerator, degrees
	AngleAll     map[int]float64         // denominator, degrees
	AngleByCount map[int]map[int]float64 // ratio per group of sets with the same sample count
	Gamma        map[int]float64         // m >= 2

	NCCAgreement float64

	// The field's metrics on the multiplicity-1 classes (METHOD.md §5, "Field metrics"),
	// with mu_G the mean of the multiplicity-1 features whatever the variant: CDNV (NaN
	// when two class means coincide), NC2Uniformity (mean and population std of
	// log(1/||u_k - u_l||)) and NC3UniformityCV (NaN without W).
	CDNV            float64
	NC2Uniformity   struct{ Mean, Std float64 }
	NC3UniformityCV float64

	// The subspace split (METHOD.md §5), with W only (NaN or nil maps without): P is
	// the orthogonal projector onto the row space of W, of dimension WRank. AngleRow[m]
	// and NC1Row are the angle ratio and NC1 of the features P h, AngleNull[m] the
	// angle ratio of (I - P) h, NullEnergy = sum ||(I - P) h||^2 / sum ||h||^2.
	AngleRow   map[int]float64
	AngleNull  map[int]float64
	NC1Row     float64
	NullEnergy float64
	WRank      int

	// Sets are the present label sets in labelset order (by multiplicity, then
	// lexicographic), Counts their sample counts and SetMeans (len(Sets) x d) their
	// uncentred means mu_S; ClassMeans (K x d) holds mu_k and GlobalMean mu_G (with the
	// reference code's definition when Options.ReferenceCode is set).
	Sets       []labelset.Set
	Counts     []int
	SetMeans   *mat.Dense
	ClassMeans *mat.Dense
	GlobalMean []float64

	// Notes says what was skipped and why (a multiplicity with a single set, an angle
	// metric too costly to enumerate).
	Notes []string

	opts        Options
	lambdaMax   float64   // largest eigenvalue of the multiplicity-1 Sigma_B
	classCounts []float64 // sample count of each class's multiplicity-1 set
	scale       float64   // the power of two the features were scaled by (0 or 1: none)
}

// withinFunc returns, for the label sets of multiplicity m and each column v_j of v
// (d x q), sum_i ((h_i - mu_{S_i}) . v_j)^2 over the samples of multiplicity m (over
// every sample for m = 0).
type withinFunc func(m int, v *mat.Dense) []float64

// projectedWithinFunc returns, for the samples of multiplicity m, their within-class
// scatter in the coordinates of the orthonormal columns of q (d x r): the r x r matrix
// sum_i (q^T (h_i - mu_{S_i})) (q^T (h_i - mu_{S_i}))^T. An Accumulator has it from its
// d x d scatter; a caller that can only scan the samples passes nil.
type projectedWithinFunc func(m int, q *mat.Dense) *mat.SymDense

// maxAnglePairs bounds the C(K, m) x (present sets) angle evaluations per multiplicity.
const maxAnglePairs = 50_000_000

// finish computes every metric from the per-set statistics and the within-class
// scatter oracles (projected may be nil).
func finish(k, d int, table *setTable, n int, within withinFunc, projected projectedWithinFunc, w *mat.Dense, b []float64, opts *Options) (*Metrics, error) {
	if err := checkClassifier(k, d, w, b); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("collapse: no samples")
	}
	met := &Metrics{K: k, D: d, N: n, NByMultiplicity: map[int]int{}, NCm: map[int]float64{},
		Angle: map[int]float64{}, AngleMatched: map[int]float64{}, AngleAll: map[int]float64{},
		AngleByCount: map[int]map[int]float64{}, Gamma: map[int]float64{},
		NC2W: math.NaN(), NC3: math.NaN(), NC3Papyan: math.NaN(), NCCAgreement: math.NaN(),
		NC1Row: math.NaN(), NullEnergy: math.NaN()}
	if opts != nil {
		met.opts = *opts
	}
	rtol := opts.rtol()
	// W's row space (for the subspace split) needs nothing else: it is found while the
	// other metrics are computed.
	var gramOfW chan *mat.Dense
	var rowSpaceOfW chan rowSpace
	if w != nil {
		gramOfW, rowSpaceOfW = make(chan *mat.Dense, 1), make(chan rowSpace, 1)
		go func() {
			g := opts.outer(w) // W W^T, for NC2 too
			gramOfW <- g
			rowSpaceOfW <- newRowSpace(w, g, opts)
		}()
	}

	// Set means, all multiplicities, in labelset order.
	var all []*setStats
	for _, m := range table.multiplicities() {
		all = append(all, table.byMultiplicity(m)...)
	}
	met.SetMeans = mat.NewDense(len(all), d, nil)
	for i, s := range all {
		met.Sets = append(met.Sets, s.set)
		met.Counts = append(met.Counts, s.count)
		met.SetMeans.SetRow(i, s.mean())
		met.NByMultiplicity[len(s.set)] += s.count
	}

	// Class means mu_k from the multiplicity-1 sets: every class must have some.
	singles := table.byMultiplicity(1)
	if len(singles) < k {
		var missing []string
		have := map[int]bool{}
		for _, s := range singles {
			have[s.set[0]] = true
		}
		for c := range k {
			if !have[c] {
				missing = append(missing, strconv.Itoa(c))
			}
		}
		return nil, fmt.Errorf("collapse: no multiplicity-1 samples of class(es) %s: NC1, NC2 and NC3 need every class mean mu_k",
			abbreviate(missing, 10))
	}
	met.ClassMeans = mat.NewDense(k, d, nil)
	met.classCounts = make([]float64, k)
	n1 := met.NByMultiplicity[1]
	muG := make([]float64, d)
	for _, s := range singles {
		mu := s.mean()
		met.ClassMeans.SetRow(s.set[0], mu)
		met.classCounts[s.set[0]] = float64(s.count)
		floats.AddScaled(muG, float64(s.count), mu)
	}
	// METHOD.md §5: mu_G is the mean of the multiplicity-1 features; the reference code
	// divides their sum by the count of all samples.
	if opts.referenceCode() {
		floats.Scale(1/float64(n), muG)
	} else {
		floats.Scale(1/float64(n1), muG)
	}
	met.GlobalMean = muG

	// The K x K Gram matrix of the centred class means serves the field metrics, NC1
	// and NC2.
	centred := centredRows(met.ClassMeans, muG)
	gram := met.opts.outer(centred)
	if opts.referenceCode() {
		paperG := slices.Clone(muG)
		floats.Scale(float64(n)/float64(n1), paperG)
		met.fieldMetrics(singles, paperG, nil, w)
	} else {
		met.fieldMetrics(singles, muG, gram, w)
	}

	// NC1 and NC_m.
	met.NC1, met.lambdaMax = variability(met.ClassMeans, muG, gram, met.classCounts, n1, func(v *mat.Dense) []float64 { return within(1, v) }, rtol, 0, opts)
	met.NCm[1] = met.NC1
	for _, m := range table.multiplicities() {
		if m == 1 {
			continue
		}
		sets := table.byMultiplicity(m)
		if len(sets) < 2 {
			met.Notes = append(met.Notes, fmt.Sprintf("NC_%d skipped: only one label set of multiplicity %d is present", m, m))
			continue
		}
		means := mat.NewDense(len(sets), d, nil)
		counts := make([]float64, len(sets))
		muGm := make([]float64, d)
		for i, s := range sets {
			mu := s.mean()
			means.SetRow(i, mu)
			counts[i] = float64(s.count)
			floats.AddScaled(muGm, float64(s.count), mu)
		}
		nm := met.NByMultiplicity[m]
		floats.Scale(1/float64(nm), muGm)
		met.NCm[m], _ = variability(means, muGm, nil, counts, nm, func(v *mat.Dense) []float64 { return within(m, v) }, rtol, 0, opts)
	}

	// NC2 and NC3 (METHOD.md §5).
	if opts.referenceCode() {
		met.NC2H = etf.GramDistance(met.opts.outer(met.ClassMeans))
	} else {
		met.NC2H = etf.GramDistance(gram)
	}
	if w != nil {
		met.NC2W = etf.GramDistance(<-gramOfW)
		var wm mat.Dense
		met.opts.mul(&wm, w, centred.T())
		met.NC3 = etf.GramDistance(&wm)
		var diff mat.Dense
		diff.Scale(1/mat.Norm(w, 2), w)
		diff.Sub(&diff, scaled(centred, 1/mat.Norm(centred, 2)))
		met.NC3Papyan = mat.Norm(&diff, 2)
	}

	// Tag-wise average: angles and gamma_m.
	for _, m := range table.multiplicities() {
		if m < 2 {
			continue
		}
		sets := table.byMultiplicity(m)
		if pairs := labelset.Binomial(k, m) * len(sets); pairs > maxAnglePairs || pairs < 0 {
			met.Notes = append(met.Notes, fmt.Sprintf("angle metric for m = %d skipped: C(%d, %d) x %d sets is too many pairs", m, k, m, len(sets)))
		} else {
			a := newAngles(met.ClassMeans, m, opts.referenceCode())
			matched, allAvg := a.ratio(labelSets(sets), setMeans(sets))
			met.AngleMatched[m], met.AngleAll[m], met.Angle[m] = matched, allAvg, matched/allAvg
			byCount := map[int][]*setStats{}
			for _, s := range sets {
				byCount[s.count] = append(byCount[s.count], s)
			}
			met.AngleByCount[m] = map[int]float64{}
			for count, group := range byCount {
				gm, ga := a.ratio(labelSets(group), setMeans(group))
				met.AngleByCount[m][count] = gm / ga
			}
		}
		met.Gamma[m] = gamma(met.ClassMeans, sets)
	}
	if w != nil {
		met.subspaceSplit(table, within, projected, <-rowSpaceOfW, rtol, opts.referenceCode())
	}
	return met, nil
}

// variability is tr(Sigma_W pinv(Sigma_B))/r for r classes (or label sets) with the
// given means (r x d), sample counts weights and global mean muG over n samples (products
// through opts); gram is the r x r Gram matrix of the centred means when the caller has
// it, else nil; within(v) gives sum_i ((h_i - mu_{S_i}) . v_j)^2. Eigenvalues of Sigma_B
// at or below rtol times the largest, or at or below floor, count as zero; the largest
// eigenvalue is returned too. It works on the r x r or d x d Gram matrix of the centred
// means M_c, whichever is smaller: by inverse when that is exact (variabilityByInverse),
// else by its eigenvectors.
func variability(means *mat.Dense, muG []float64, gram *mat.Dense, weights []float64, n int, within func(v *mat.Dense) []float64, rtol, floor float64, opts *Options) (nc, lambdaMax float64) {
	r, d := means.Dims()
	centred := centredRows(means, muG)
	// Sigma_B = M_c^T M_c / r: its eigenvalues are s_j^2 / r for the eigenvalues s_j^2 of
	// M_c M_c^T (r x r) or of M_c^T M_c (d x d), whichever is smaller.
	wide := r <= d
	switch {
	case !wide:
		gram = new(mat.Dense)
		opts.mul(gram, centred.T(), centred)
	case gram == nil:
		gram = opts.outer(centred)
	}
	sym := symmetrised(gram)
	if wide {
		if nc, lambdaMax, ok := variabilityByInverse(centred, sym, weights, n, within, rtol, floor, opts); ok {
			return nc, lambdaMax
		}
	}
	return variabilityByEigen(centred, sym, n, within, rtol, floor, opts)
}

// variabilityByEigen is variability from the eigenvectors of sym, the Gram matrix of the
// centred means (r x r when r <= d, else d x d).
func variabilityByEigen(centred *mat.Dense, sym *mat.SymDense, n int, within func(v *mat.Dense) []float64, rtol, floor float64, opts *Options) (nc, lambdaMax float64) {
	r, d := centred.Dims()
	wide := r <= d
	var eig mat.EigenSym
	if !eig.Factorize(sym, true) {
		return math.NaN(), math.NaN()
	}
	values := eig.Values(nil) // ascending
	var vectors mat.Dense
	eig.VectorsTo(&vectors)
	size := len(values)
	sq := func(j int) float64 { return max(0, values[size-1-j]) } // s_j^2, descending
	if sq(0) == 0 {
		return math.NaN(), 0 // Sigma_B = 0: every mean is the global mean
	}
	lambdaMax = sq(0) / float64(r)
	q := 0
	for q < min(r, d) && sq(q)/float64(r) > max(rtol*lambdaMax, floor) {
		q++
	}
	if q == 0 {
		return math.NaN(), lambdaMax
	}
	// The directions v_j: eigenvectors of M_c^T M_c, or M_c^T u_j normalised for the
	// eigenvectors u_j of M_c M_c^T.
	top := mat.NewDense(size, q, nil)
	for j := range q {
		top.SetCol(j, mat.Col(nil, size-1-j, &vectors))
	}
	dirs := top
	if wide {
		dirs = new(mat.Dense)
		opts.mul(dirs, centred.T(), top)
		for j := range q {
			col := mat.Col(nil, j, dirs)
			floats.Scale(1/floats.Norm(col, 2), col)
			dirs.SetCol(j, col)
		}
	}
	proj := within(dirs)
	var trace float64
	for j := range q {
		lambda := sq(j) / float64(r)
		trace += proj[j] / float64(n) / lambda
	}
	return trace / float64(r), lambdaMax
}

// Bounds of variabilityByInverse's exact case, relative to the largest eigenvalue s_max^2
// of the Gram matrix G: every eigenvalue it keeps is at least inverseCond s_max^2 (so
// that the inverse's rounding stays near 1e-10 relative) and twice the pinv cut (so
// that rounding cannot move an eigenvalue across it), and the null direction it assumes
// leaves a residual ||G c|| of at most nullResidual times the smallest kept eigenvalue.
const (
	inverseCond  = 1e-6
	nullResidual = 1e-9
)

// variabilityByInverse is variability for wide means (r <= d) from the r x r Gram matrix
// G = M_c M_c^T without its eigenvectors: pinv(Sigma_B) = r M_c^T pinv(G)^2 M_c, so the
// ratio is sum_j within(D)_j / n for the directions D = M_c^T pinv(G) (d x r).
// pinv(G) has a closed form when G is invertible, or when its one eigenvalue below the
// cut belongs to the weights' direction c (the centred means of a count-weighted global
// mean sum to zero with the counts as weights, so M_c^T c = 0): then
// pinv(G) = (G + s c c^T)^-1 - c c^T/s for any s > 0 (s = s_max^2 keeps the sum well
// conditioned), and so D = M_c^T (G + s c c^T)^-1. Which case holds, with the margins
// above, needs only s_max^2 (largestEigenvalue) and a lower bound on the other
// eigenvalues (eigenvaluesAbove: one Cholesky factorisation; for the shifted matrix, by
// interlacing, every eigenvalue of G but the one along c is at least its smallest), not
// the eigenvalues themselves. ok is false when neither case holds or the Lanczos
// iteration does not converge; the caller then uses the eigenvectors.
func variabilityByInverse(centred *mat.Dense, g *mat.SymDense, weights []float64, n int, within func(v *mat.Dense) []float64, rtol, floor float64, opts *Options) (nc, lambdaMax float64, ok bool) {
	r := g.SymmetricDim()
	top, ok := largestEigenvalue(g)
	if !ok || !(top > 0) {
		return 0, 0, false
	}
	lambdaMax = top / float64(r)
	cut := max(rtol*lambdaMax, floor) * float64(r) // in units of G's eigenvalues
	bound := max(2*cut, inverseCond*top)           // every kept eigenvalue is above it
	shifted := mat.NewSymDense(r, nil)
	shifted.CopySym(g)
	// The null direction c: G c = 0 to rounding, and c^T G c (at least G's smallest
	// eigenvalue) below the cut.
	var c []float64
	if len(weights) == r {
		c = slices.Clone(weights)
		if norm := floats.Norm(c, 2); norm > 0 {
			floats.Scale(1/norm, c)
		} else {
			c = nil
		}
	}
	if c != nil {
		var gc mat.VecDense
		gc.MulVec(g, mat.NewVecDense(r, c))
		if floats.Dot(gc.RawVector().Data, c) <= cut {
			shifted.SymRankOne(shifted, top, mat.NewVecDense(r, c))
			bound = max(bound, mat.Norm(&gc, 2)/nullResidual)
		} else {
			c = nil // G has no eigenvalue below the cut along c: it must be invertible
		}
	}
	if !eigenvaluesAbove(shifted, bound) {
		return 0, 0, false
	}
	var chol mat.Cholesky
	if !chol.Factorize(shifted) {
		return 0, 0, false
	}
	var pinv mat.SymDense
	if err := chol.InverseTo(&pinv); err != nil {
		return 0, 0, false
	}
	var dirs mat.Dense
	opts.mul(&dirs, centred.T(), &pinv)
	var sum float64
	for _, p := range within(&dirs) {
		sum += p
	}
	return sum / float64(n), lambdaMax, true
}

// symmetrised returns (a + a^T)/2 as a SymDense (a Gram matrix computed as a general
// product is symmetric up to rounding).
func symmetrised(a *mat.Dense) *mat.SymDense {
	k, _ := a.Dims()
	s := mat.NewSymDense(k, nil)
	for i := range k {
		for j := i; j < k; j++ {
			s.SetSym(i, j, (a.At(i, j)+a.At(j, i))/2)
		}
	}
	return s
}

func centredRows(a *mat.Dense, mu []float64) *mat.Dense {
	r, d := a.Dims()
	c := mat.NewDense(r, d, nil)
	for i := range r {
		row := c.RawRowView(i)
		copy(row, a.RawRowView(i))
		floats.Sub(row, mu)
	}
	return c
}

func scaled(a mat.Matrix, f float64) *mat.Dense {
	var out mat.Dense
	out.Scale(f, a)
	return &out
}

// angles evaluates the tag-wise-average angle metric for one multiplicity m from the
// class means: for each m-subset T, the norm of sum_{k in T} mu_k.
type angles struct {
	classMeans *mat.Dense
	subsets    []labelset.Set
	norms      []float64
	unclipped  bool
}

func newAngles(classMeans *mat.Dense, m int, unclipped bool) *angles {
	k, _ := classMeans.Dims()
	var gram mat.Dense
	gram.Mul(classMeans, classMeans.T())
	a := &angles{classMeans: classMeans, subsets: labelset.All(k, m), unclipped: unclipped}
	a.norms = make([]float64, len(a.subsets))
	for i, t := range a.subsets {
		var sq float64
		for _, p := range t {
			for _, q := range t {
				sq += gram.At(p, q)
			}
		}
		a.norms[i] = math.Sqrt(math.Max(sq, 0))
	}
	return a
}

// ratio returns the numerator (mean matched angle) and denominator (mean angle over
// all subsets T and the given sets S, whose means are means[i]), in degrees.
func (a *angles) ratio(sets []labelset.Set, means [][]float64) (matched, all float64) {
	k, _ := a.classMeans.Dims()
	dots := make([]float64, k)
	var sumMatched, sumAll float64
	for si, s := range sets {
		mu := means[si]
		muNorm := floats.Norm(mu, 2)
		for c := range k {
			dots[c] = floats.Dot(a.classMeans.RawRowView(c), mu)
		}
		matchedIndex := s.Index(k)
		for i, t := range a.subsets {
			var dot float64
			for _, c := range t {
				dot += dots[c]
			}
			angle := a.angle(dot, a.norms[i]*muNorm)
			sumAll += angle
			if i == matchedIndex {
				sumMatched += angle
			}
		}
	}
	return sumMatched / float64(len(sets)), sumAll / float64(len(sets)*len(a.subsets))
}

func (a *angles) angle(dot, norms float64) float64 {
	cos := dot / norms
	if !a.unclipped {
		cos = math.Max(-1, math.Min(1, cos))
	}
	return math.Acos(cos) * 180 / math.Pi
}

func labelSets(sets []*setStats) []labelset.Set {
	out := make([]labelset.Set, len(sets))
	for i, s := range sets {
		out[i] = s.set
	}
	return out
}

func setMeans(sets []*setStats) [][]float64 {
	out := make([][]float64, len(sets))
	for i, s := range sets {
		out[i] = s.mean()
	}
	return out
}

// gamma is the mean over the sets S of ||mu_S|| / ||mean_{k in S} mu_k||.
func gamma(classMeans *mat.Dense, sets []*setStats) float64 {
	_, d := classMeans.Dims()
	var sum float64
	avg := make([]float64, d)
	for _, s := range sets {
		clear(avg)
		for _, c := range s.set {
			floats.Add(avg, classMeans.RawRowView(c))
		}
		floats.Scale(1/float64(len(s.set)), avg)
		sum += floats.Norm(s.mean(), 2) / floats.Norm(avg, 2)
	}
	return sum / float64(len(sets))
}

func checkClassifier(k, d int, w *mat.Dense, b []float64) error {
	if w != nil {
		if r, c := w.Dims(); r != k || c != d {
			return fmt.Errorf("collapse: classifier W is %d x %d, want K x d = %d x %d", r, c, k, d)
		}
		if i, j, ok := firstNonFinite(w); ok {
			return fmt.Errorf("collapse: classifier W[%d, %d] is %v", i, j, w.At(i, j))
		}
	}
	if b != nil {
		if w == nil {
			return fmt.Errorf("collapse: a bias b without a classifier W")
		}
		if len(b) != k {
			return fmt.Errorf("collapse: bias b has %d entries, want K = %d", len(b), k)
		}
		for i, v := range b {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("collapse: bias b[%d] is %v", i, v)
			}
		}
	}
	return nil
}

func firstNonFinite(a *mat.Dense) (int, int, bool) {
	r, c := a.Dims()
	for i := range r {
		for j, v := range a.RawRowView(i)[:c] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

func abbreviate(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:max], ", ") + fmt.Sprintf(" and %d more", len(items)-max)
}
