package collapse

import (
	"errors"
	"fmt"
	"math"

	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// projectionBlock is how many centred rows are projected per matrix product.
const projectionBlock = 2048

// Source is a dataset that can be read more than once, in the same order each time:
// Scan calls yield with consecutive batches (rows holds len(sets) rows of d values,
// row-major; yield may keep neither slice) and stops at the first error. A .npy file
// streamed in chunks is one (see the nclab collapse command); SliceSource is the
// in-memory one.
type Source interface {
	Scan(yield func(rows []float64, sets []labelset.Set) error) error
}

// SliceSource is a Source over rows held in memory, in batches of projectionBlock.
type SliceSource struct {
	Rows []float64 // len(Sets) x D, row-major
	Sets []labelset.Set
	D    int
}

// Scan implements Source.
func (s SliceSource) Scan(yield func(rows []float64, sets []labelset.Set) error) error {
	for start := 0; start < len(s.Sets); start += projectionBlock {
		end := min(start+projectionBlock, len(s.Sets))
		if err := yield(s.Rows[start*s.D:end*s.D], s.Sets[start:end]); err != nil {
			return err
		}
	}
	return nil
}

// Compute returns the collapse metrics of the N x d features (row i has label set
// sets[i]) for K classes, with the classifier w (K x d) and bias b (K), either of which
// may be nil; opts may be nil. It reads the features a few times (set means, then the
// within-class scatter along the between-class directions) and copies nothing.
func Compute(k int, features *mat.Dense, sets []labelset.Set, w *mat.Dense, b []float64, opts *Options) (*Metrics, error) {
	n, d := features.Dims()
	if n != len(sets) {
		return nil, fmt.Errorf("collapse: %d feature rows but %d label sets", n, len(sets))
	}
	raw := features.RawMatrix()
	if raw.Stride != d {
		features = mat.DenseCopyOf(features)
		raw = features.RawMatrix()
	}
	return ComputeSource(k, d, SliceSource{Rows: raw.Data[:n*d], Sets: sets, D: d}, w, b, opts)
}

// maxScale bounds the feature magnitude used internally: beyond 2^maxScale (or below
// 2^-maxScale) squares and products of d of them would overflow (underflow), so the
// features are scaled by a power of two first, which is exact.
const maxScale = 400

// ComputeSource is Compute for d-dimensional features read from src. When K is large
// next to d (scatterIsCheaper) it scans src once, as an Accumulator does, keeping the
// d x d within-class scatter of each multiplicity; otherwise it keeps no d x d matrix
// and scans once for the set means (twice when the features must be rescaled), once per
// multiplicity for the within-class projections, and twice more with W for the
// subspace split. With W, one more scan counts NCCAgreement (in the one-scan way, from
// another goroutine while the metrics are computed: no other scan is then in flight).
// Memory is O(d) per label
// set plus one block of rows, and O(d^2) per multiplicity in the one-scan way.
func ComputeSource(k, d int, src Source, w *mat.Dense, b []float64, opts *Options) (*Metrics, error) {
	if k < 2 {
		return nil, fmt.Errorf("collapse: K = %d, want K >= 2", k)
	}
	if d < 1 {
		return nil, fmt.Errorf("collapse: feature dimension d = %d, want d >= 1", d)
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if err := checkClassifier(k, d, w, b); err != nil {
		return nil, err
	}
	if !scatterIsCheaper(k, d, w != nil) {
		met, err := project(k, d, src, w, b, opts)
		if err != nil || w == nil {
			return met, err
		}
		met.NCCAgreement, err = scanAgreement(src, met, w, b)
		if err != nil {
			return nil, err
		}
		return met, nil
	}
	acc, err := accumulate(k, d, src, opts)
	if err != nil {
		return nil, err
	}
	// The agreement needs only the class means: its scan runs while Result computes
	// the rest, filling the cores that Result's serial factorisations leave idle.
	var agreement chan agreementResult
	var means *Metrics
	if w != nil {
		means = acc.classMeans()
	}
	if means != nil {
		agreement = make(chan agreementResult, 1)
		go func() {
			var r agreementResult
			r.value, r.err = scanAgreement(src, means, w, b)
			agreement <- r
		}()
	}
	met, err := acc.Result(w, b)
	if agreement != nil {
		r := <-agreement
		if err == nil && r.err != nil {
			err = r.err
		}
		if err == nil {
			met.NCCAgreement = r.value
		}
	}
	if err != nil {
		return nil, err
	}
	return met, nil
}

// float32Source is a Source that can also yield its rows as float32 (an NPYSource of a
// float16 or float32 file), which spares ComputeSource widening them and rounding them
// back for the float32 products; ok is false, and nothing is read, when it cannot.
type float32Source interface {
	scanFloat32(yield func(rows []float32, sets []labelset.Set) error) (ok bool, err error)
}

// agreementResult is what scanAgreement returns, through a channel.
type agreementResult struct {
	value float64
	err   error
}

// scanAgreement is NCCAgreement over one more scan of src, for the class means of met.
func scanAgreement(src Source, met *Metrics, w *mat.Dense, b []float64) (float64, error) {
	counter, err := met.newAgreement(w, b)
	if err != nil {
		return 0, err
	}
	var agree, total int
	handled := false
	if f, ok := src.(float32Source); ok && counter.float32Ready() {
		handled, err = f.scanFloat32(func(rows []float32, sets []labelset.Set) error {
			a, t, err := counter.count32(rows, sets)
			agree, total = agree+a, total+t
			return err
		})
	}
	if !handled {
		err = src.Scan(func(rows []float64, sets []labelset.Set) error {
			a, t, err := counter.count(rows, sets)
			agree, total = agree+a, total+t
			return err
		})
	}
	if err != nil {
		return 0, err
	}
	return float64(agree) / float64(total), nil
}

// scatterIsCheaper says whether the d x d scatter (about d/2 multiply-adds per feature
// value and multiplicity, in one scan) costs less than projecting the centred features
// on the between-class directions (about K-1 per value and scan: one scan for NC1, two
// more with W for the subspace split).
func scatterIsCheaper(k, d int, withW bool) bool {
	scans := 1
	if withW {
		scans = 3
	}
	return (k-1)*scans > d/2
}

// accumulate is ComputeSource's one-scan way: an Accumulator fed with every batch of
// src.
func accumulate(k, d int, src Source, opts *Options) (*Accumulator, error) {
	acc, err := NewAccumulator(k, d, opts)
	if err != nil {
		return nil, err
	}
	if f, ok := src.(float32Source); ok {
		// float32 features never need a scale: no rescan.
		finite := func(rows []float32, sets []labelset.Set) error { return acc.addFloat32(rows, sets, true) }
		if handled, err := f.scanFloat32(finite); handled {
			if err != nil {
				return nil, err
			}
			return acc, nil
		}
	}
	err = src.Scan(acc.Add)
	var beyond *beyondScaleError
	if errors.As(err, &beyond) {
		// A later batch is far larger than the first: read again at the scale of the
		// largest magnitude of all.
		var maxAbs float64
		err = src.Scan(func(rows []float64, _ []labelset.Set) error {
			for _, v := range rows {
				maxAbs = max(maxAbs, math.Abs(v))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		acc, _ = NewAccumulator(k, d, opts)
		acc.scale, acc.scaleFixed = scaleFor(maxAbs), true
		err = src.Scan(acc.Add)
	}
	if err != nil {
		return nil, err
	}
	return acc, nil
}

// project is ComputeSource's way without a d x d matrix: set means first, then one scan
// per set of directions, projecting the centred features on them.
func project(k, d int, src Source, w *mat.Dense, b []float64, opts *Options) (*Metrics, error) {
	// Pass 1: per-set statistics, and the largest magnitude.
	scale := 1.0
	var table *setTable
	var n int
	for attempt := 0; ; attempt++ {
		table, n = newSetTable(k, d), 0
		var maxAbs float64
		dev := make([]float64, d)
		var scaled []float64
		err := src.Scan(func(rows []float64, sets []labelset.Set) error {
			if err := validateBatch(k, d, rows, sets, n); err != nil {
				return err
			}
			rows, scaled = scaleRows(rows, scale, scaled)
			for i, s := range sets {
				row := rows[i*d : (i+1)*d]
				for _, v := range row {
					maxAbs = max(maxAbs, math.Abs(v))
				}
				addRow(lookupRow(table, s, row), row, dev)
			}
			n += len(sets)
			return nil
		})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("collapse: no samples")
		}
		if attempt > 0 || scaleFor(maxAbs) == 1 {
			break
		}
		scale = scaleFor(maxAbs) // then the largest magnitude is in [1/2, 1)
	}
	means := map[*setStats][]float64{}
	for _, st := range table.sets {
		means[st] = st.mean()
	}
	// within is one pass over the samples of multiplicity m (every sample for m = 0).
	within := func(m int, v *mat.Dense) []float64 {
		_, q := v.Dims()
		out := make([]float64, q)
		block := make([]float64, projectionBlock*d)
		proj := make([]float64, projectionBlock*q)
		prod := opts.newProduct(blas64.General{Rows: d, Cols: q, Stride: v.RawMatrix().Stride, Data: v.RawMatrix().Data})
		filled := 0
		flush := func() {
			if filled == 0 {
				return
			}
			if _, err := prod.mul(block, filled, proj); err != nil {
				panic(sourceError{err})
			}
			for i := range filled {
				for j, p := range proj[i*q : (i+1)*q] {
					out[j] += p * p
				}
			}
			filled = 0
		}
		var scaled []float64
		err := src.Scan(func(rows []float64, sets []labelset.Set) error {
			rows, scaled = scaleRows(rows, scale, scaled)
			for i, s := range sets {
				if m != 0 && len(s) != m {
					continue
				}
				st := table.sets[table.index[s.Key()]]
				floats.SubTo(block[filled*d:(filled+1)*d], rows[i*d:(i+1)*d], means[st])
				filled++
				if filled == projectionBlock {
					flush()
				}
			}
			return nil
		})
		if err != nil {
			panic(sourceError{err})
		}
		flush()
		return out
	}
	met, err := finishSource(k, d, table, n, within, w, b, opts)
	if err != nil {
		return nil, err
	}
	met.unscale(scale)
	return met, nil
}

// sourceError carries an error of a Source out of a within pass (which has no error
// return) to finishSource.
type sourceError struct{ err error }

// finishSource is finish, turning a failed scan inside a within pass into an error.
func finishSource(k, d int, table *setTable, n int, within withinFunc, w *mat.Dense, b []float64, opts *Options) (met *Metrics, err error) {
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(sourceError)
			if !ok {
				panic(r)
			}
			met, err = nil, se.err
		}
	}()
	return finish(k, d, table, n, within, nil, w, b, opts)
}

// scaleRows returns rows times scale, in buf (grown as needed) unless scale is 1.
func scaleRows(rows []float64, scale float64, buf []float64) (scaled, newBuf []float64) {
	if scale == 1 {
		return rows, buf
	}
	if cap(buf) < len(rows) {
		buf = make([]float64, len(rows))
	}
	buf = buf[:len(rows)]
	for i, v := range rows {
		buf[i] = v * scale
	}
	return buf, buf
}

// unscale turns the means of features computed at scale back into the caller's units,
// and keeps the scale for CountAgreement.
func (met *Metrics) unscale(scale float64) {
	met.scale = scale
	if scale == 1 {
		return
	}
	met.SetMeans.Scale(1/scale, met.SetMeans)
	met.ClassMeans.Scale(1/scale, met.ClassMeans)
	floats.Scale(1/scale, met.GlobalMean)
}

// CountAgreement counts, over the multiplicity-1 samples of a batch (len(sets) rows of
// d values, row-major), how many have their nearest class mean (Euclidean, over
// ClassMeans) equal to the classifier's argmax_k (W h + b)_k; ties go to the lowest
// class. Summed over every batch and divided by the total it is NCCAgreement, the
// second pass an Accumulator needs.
func (met *Metrics) CountAgreement(features []float64, sets []labelset.Set, w *mat.Dense, b []float64) (agree, total int, err error) {
	counter, err := met.newAgreement(w, b)
	if err != nil {
		return 0, 0, err
	}
	return counter.count(features, sets)
}

// agreement counts NCC agreement batch by batch, for one set of class means and one
// classifier.
type agreement struct {
	k, d          int
	scale         float64    // the features' scale in the metrics (0 or 1: none)
	both          *mat.Dense // [mu_1 .. mu_K, w_1 .. w_K], 2K x d, at the metrics' scale
	product       *product   // h -> both h
	meanSq        []float64  // ||mu_c||^2
	b             []float64  // the bias at the metrics' scale, or nil
	maxMean, maxW float64    // the largest ||mu_c|| and ||w_c||
	dots, exact   []float64  // scratch
	dots32        []float32  // scratch of count32
	wide          []float64  // scratch: a row re-checked in float64
}

func (met *Metrics) newAgreement(w *mat.Dense, b []float64) (*agreement, error) {
	k, d := met.K, met.D
	if w == nil {
		return nil, fmt.Errorf("collapse: CountAgreement needs the classifier W")
	}
	if err := checkClassifier(k, d, w, b); err != nil {
		return nil, err
	}
	a := &agreement{k: k, d: d, scale: met.scale, b: b, meanSq: make([]float64, k), exact: make([]float64, 2*k), wide: make([]float64, d)}
	// Extreme features are compared at the scale the metrics were computed at (a power
	// of two: the same argmin and argmax, without overflow).
	scaledRun := a.scale != 0 && a.scale != 1
	if scaledRun && b != nil {
		a.b, _ = scaleRows(b, a.scale, nil)
	}
	// For each sample, [mu_1 .. mu_K, w_1 .. w_K] . h in one product per block.
	a.both = mat.NewDense(2*k, d, nil)
	a.both.Slice(0, k, 0, d).(*mat.Dense).Copy(met.ClassMeans)
	if scaledRun {
		a.both.Slice(0, k, 0, d).(*mat.Dense).Scale(a.scale, met.ClassMeans)
	}
	a.both.Slice(k, 2*k, 0, d).(*mat.Dense).Copy(w)
	for c := range k {
		a.meanSq[c] = floats.Dot(a.both.RawRowView(c), a.both.RawRowView(c))
		a.maxMean = max(a.maxMean, math.Sqrt(a.meanSq[c]))
		a.maxW = max(a.maxW, floats.Norm(w.RawRowView(c), 2))
	}
	a.product = met.opts.newProduct(mat.DenseCopyOf(a.both.T()).RawMatrix())
	return a, nil
}

// count is CountAgreement on one batch.
func (a *agreement) count(features []float64, sets []labelset.Set) (agree, total int, err error) {
	if err := validateBatch(a.k, a.d, features, sets, 0); err != nil {
		return 0, 0, err
	}
	if a.scale != 0 && a.scale != 1 {
		features, _ = scaleRows(features, a.scale, nil)
	}
	if len(a.dots) < projectionBlock*2*a.k {
		a.dots = make([]float64, projectionBlock*2*a.k)
	}
	return countRows(a, features, sets, a.product.mul, a.dots)
}

// float32Ready says whether count32 can take float32 rows as they are: the scores run
// through Options.MatMul and the metrics were computed unscaled.
func (a *agreement) float32Ready() bool {
	return a.product.matMul != nil && (a.scale == 0 || a.scale == 1)
}

// count32 is count for float32 rows (float32Ready) that a Source has checked to be
// finite, whose scores come from Options.MatMul without a float64 copy of the rows.
func (a *agreement) count32(features []float32, sets []labelset.Set) (agree, total int, err error) {
	if err := validateLayout(a.k, a.d, features, sets, 0); err != nil {
		return 0, 0, err
	}
	if len(a.dots32) < projectionBlock*2*a.k {
		a.dots32 = make([]float32, projectionBlock*2*a.k)
	}
	return countRows(a, features, sets, a.product.mul32, a.dots32)
}

// countRows counts agreement over blocks of consecutive rows, their scores from mul
// into dots; rows of other multiplicities are computed and skipped, which is cheaper
// than gathering the singles.
func countRows[T float32 | float64](a *agreement, features []T, sets []labelset.Set, mul func(x []T, rows int, out []T) (bool, error), dots []T) (agree, total int, err error) {
	k, d := a.k, a.d
	for start := 0; start < len(sets); start += projectionBlock {
		end := min(start+projectionBlock, len(sets))
		fast, err := mul(features[start*d:end*d], end-start, dots)
		if err != nil {
			return 0, 0, err
		}
		for r, s := range sets[start:end] {
			if len(s) != 1 {
				continue
			}
			total++
			nearest, best, margin := choose(dots[r*2*k:(r+1)*2*k], a.meanSq, a.b, k)
			if fast {
				// float32 scores: a near-tie is decided again in float64.
				row := features[(start+r)*d : (start+r+1)*d]
				var hh float64
				for _, v := range row {
					hh += float64(v) * float64(v)
				}
				hNorm := math.Sqrt(hh) // no overflow at the metrics' scale
				if margin[0] < 1e-4*(hNorm*a.maxMean+a.maxMean*a.maxMean) || margin[1] < 1e-4*hNorm*a.maxW {
					h := a.wide[:d]
					for j, v := range row {
						h[j] = float64(v)
					}
					for c := range 2 * k {
						a.exact[c] = floats.Dot(h, a.both.RawRowView(c))
					}
					nearest, best, _ = choose(a.exact, a.meanSq, a.b, k)
				}
			}
			if nearest == best {
				agree++
			}
		}
	}
	return agree, total, nil
}

// choose returns, from a row of [mu . h, W h] scores, the nearest class mean
// (||h - mu_c||^2 - ||h||^2 = ||mu_c||^2 - 2 h . mu_c), the classifier's argmax (ties
// to the lowest class) and the gaps to the runners-up.
func choose[T float32 | float64](row []T, meanSq, b []float64, k int) (nearest, best int, margin [2]float64) {
	d0, d1 := math.Inf(1), math.Inf(1) // smallest and second-smallest distance
	for c, s := range row[:k] {
		if dist := meanSq[c] - 2*float64(s); dist < d1 { // rare once the best are found
			if dist < d0 {
				d0, d1, nearest = dist, d0, c
			} else {
				d1 = dist
			}
		}
	}
	l0, l1 := math.Inf(-1), math.Inf(-1) // largest and second-largest logit
	for c := range k {
		if l := logit(row, b, k, c); l > l1 {
			if l > l0 {
				l0, l1, best = l, l0, c
			} else {
				l1 = l
			}
		}
	}
	return nearest, best, [2]float64{d1 - d0, l0 - l1}
}

// logit is (W h + b)_c from a row holding [mu . h, W h].
func logit[T float32 | float64](row []T, b []float64, k, c int) float64 {
	if b == nil {
		return float64(row[k+c])
	}
	return float64(row[k+c]) + b[c]
}
