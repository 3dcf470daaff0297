package collapse

import (
	"fmt"

	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// projectionBlock is how many centred rows are projected per matrix product.
const projectionBlock = 2048

// Compute returns the collapse metrics of the N x d features (row i has label set
// sets[i]) for K classes, with the classifier w (K x d) and bias b (K), either of which
// may be nil; opts may be nil. It reads the features twice (set means, then the
// within-class scatter along the between-class directions) and copies nothing.
func Compute(k int, features *mat.Dense, sets []labelset.Set, w *mat.Dense, b []float64, opts *Options) (*Metrics, error) {
	if k < 2 {
		return nil, fmt.Errorf("collapse: K = %d, want K >= 2", k)
	}
	n, d := features.Dims()
	if n != len(sets) {
		return nil, fmt.Errorf("collapse: %d feature rows but %d label sets", n, len(sets))
	}
	raw := features.RawMatrix()
	if raw.Stride != d {
		features = mat.DenseCopyOf(features)
		raw = features.RawMatrix()
	}
	rows := raw.Data[:n*d]
	if err := validateBatch(k, d, rows, sets, 0); err != nil {
		return nil, err
	}
	table := newSetTable(k, d)
	owner := make([]*setStats, n)
	dev := make([]float64, d)
	for i, s := range sets {
		row := rows[i*d : (i+1)*d]
		st := table.lookup(s, row)
		st.add(row, dev)
		owner[i] = st
	}
	means := map[*setStats][]float64{}
	for _, st := range table.sets {
		means[st] = st.mean()
	}
	within := func(m int, v *mat.Dense) []float64 {
		_, q := v.Dims()
		out := make([]float64, q)
		block := make([]float64, projectionBlock*d)
		proj := make([]float64, projectionBlock*q)
		vg := blas64.General{Rows: d, Cols: q, Stride: v.RawMatrix().Stride, Data: v.RawMatrix().Data}
		filled := 0
		flush := func() {
			if filled == 0 {
				return
			}
			bg := blas64.General{Rows: filled, Cols: d, Stride: d, Data: block[:filled*d]}
			pg := blas64.General{Rows: filled, Cols: q, Stride: q, Data: proj[:filled*q]}
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, bg, vg, 0, pg)
			for i := range filled {
				for j, p := range pg.Data[i*q : (i+1)*q] {
					out[j] += p * p
				}
			}
			filled = 0
		}
		for i, st := range owner {
			if m != 0 && len(st.set) != m {
				continue
			}
			floats.SubTo(block[filled*d:(filled+1)*d], rows[i*d:(i+1)*d], means[st])
			filled++
			if filled == projectionBlock {
				flush()
			}
		}
		flush()
		return out
	}
	met, err := finish(k, d, table, n, within, w, b, opts)
	if err != nil {
		return nil, err
	}
	if w != nil {
		agree, total, err := met.CountAgreement(rows, sets, w, b)
		if err != nil {
			return nil, err
		}
		met.NCCAgreement = float64(agree) / float64(total)
	}
	return met, nil
}

// CountAgreement counts, over the multiplicity-1 samples of a batch (len(sets) rows of
// d values, row-major), how many have their nearest class mean (Euclidean, over
// ClassMeans) equal to the classifier's argmax_k (W h + b)_k; ties go to the lowest
// class. Summed over every batch and divided by the total it is NCCAgreement, the
// second pass an Accumulator needs.
func (met *Metrics) CountAgreement(features []float64, sets []labelset.Set, w *mat.Dense, b []float64) (agree, total int, err error) {
	k, d := met.K, met.D
	if w == nil {
		return 0, 0, fmt.Errorf("collapse: CountAgreement needs the classifier W")
	}
	if err := checkClassifier(k, d, w, b); err != nil {
		return 0, 0, err
	}
	if err := validateBatch(k, d, features, sets, 0); err != nil {
		return 0, 0, err
	}
	// For each sample, [mu_1 .. mu_K, w_1 .. w_K] . h in one product per block.
	both := mat.NewDense(2*k, d, nil)
	both.Slice(0, k, 0, d).(*mat.Dense).Copy(met.ClassMeans)
	both.Slice(k, 2*k, 0, d).(*mat.Dense).Copy(w)
	meanSq := make([]float64, k)
	for c := range k {
		meanSq[c] = floats.Dot(met.ClassMeans.RawRowView(c), met.ClassMeans.RawRowView(c))
	}
	// Blocks of consecutive rows, multiplied in place; rows of other multiplicities
	// are computed and skipped, which is cheaper than gathering the singles.
	bothT := both.T()
	for start := 0; start < len(sets); start += projectionBlock {
		end := min(start+projectionBlock, len(sets))
		h := mat.NewDense(end-start, d, features[start*d:end*d])
		var dots mat.Dense
		dots.Mul(h, bothT)
		for r, s := range sets[start:end] {
			if len(s) != 1 {
				continue
			}
			total++
			row := dots.RawRowView(r)
			nearest, best := 0, 0
			for c := range k {
				// ||h - mu_c||^2 - ||h||^2 = ||mu_c||^2 - 2 h . mu_c
				if meanSq[c]-2*row[c] < meanSq[nearest]-2*row[nearest] {
					nearest = c
				}
				if logit(row, b, k, c) > logit(row, b, k, best) {
					best = c
				}
			}
			if nearest == best {
				agree++
			}
		}
	}
	return agree, total, nil
}

// logit is (W h + b)_c from a row holding [mu . h, W h].
func logit(row, b []float64, k, c int) float64 {
	if b == nil {
		return row[k+c]
	}
	return row[k+c] + b[c]
}
