package collapse

import (
	"fmt"
	"slices"

	"github.com/nclab/nclab/nclab/labelset"
)

// setStats are the sufficient statistics of one label set: its count, a shift (its
// first sample) and the sum of the shifted features, so that the mean is
// shift + sum/count without cancellation.
type setStats struct {
	set   labelset.Set
	count int
	shift []float64
	sum   []float64 // sum of (h - shift)
	sq    float64   // sum of ||h - shift||^2
}

// spread is sum ||h - mu_S||^2 over the set's samples, from the shifted sums:
// sq - ||sum||^2/count (clamped at 0 against rounding).
func (s *setStats) spread() float64 {
	var t float64
	for _, v := range s.sum {
		t += v * v
	}
	return max(0, s.sq-t/float64(s.count))
}

// addRow accumulates one sample row into the set s and writes dev = row - shift
// (computed in float64, then rounded to dev's type).
func addRow[T, U float32 | float64](s *setStats, row []T, dev []U) {
	s.count++
	var sq float64
	for j, v := range row {
		x := float64(v) - s.shift[j]
		s.sum[j] += x
		sq += x * x
		dev[j] = U(x)
	}
	s.sq += sq
}

func (s *setStats) mean() []float64 {
	mu := make([]float64, len(s.shift))
	for j := range mu {
		mu[j] = s.shift[j] + s.sum[j]/float64(s.count)
	}
	return mu
}

// setTable maps label sets to their statistics, in order of first appearance.
type setTable struct {
	k, d  int
	index map[string]int
	sets  []*setStats
}

func newSetTable(k, d int) *setTable {
	return &setTable{k: k, d: d, index: map[string]int{}}
}

// lookupRow returns the statistics of s in t, creating them (with row as the shift) if
// new.
func lookupRow[T float32 | float64](t *setTable, s labelset.Set, row []T) *setStats {
	key := s.Key()
	if i, ok := t.index[key]; ok {
		return t.sets[i]
	}
	shift := make([]float64, len(row))
	for j, v := range row {
		shift[j] = float64(v)
	}
	st := &setStats{set: slices.Clone(s), shift: shift, sum: make([]float64, t.d)}
	t.index[key] = len(t.sets)
	t.sets = append(t.sets, st)
	return st
}

// byMultiplicity returns the present sets of multiplicity m in labelset order.
func (t *setTable) byMultiplicity(m int) []*setStats {
	var out []*setStats
	for _, s := range t.sets {
		if len(s.set) == m {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *setStats) int { return a.set.Compare(b.set) })
	return out
}

func (t *setTable) multiplicities() []int {
	var ms []int
	for _, s := range t.sets {
		if !slices.Contains(ms, len(s.set)) {
			ms = append(ms, len(s.set))
		}
	}
	slices.Sort(ms)
	return ms
}

// validateBatch checks a batch of n = len(sets) rows of length d: every label set
// non-empty, strictly increasing, inside [0, K); every feature finite. first is the
// index of the batch's first sample in the whole stream, for messages.
func validateBatch[T float32 | float64](k, d int, rows []T, sets []labelset.Set, first int) error {
	if err := validateLayout(k, d, rows, sets, first); err != nil {
		return err
	}
	for idx, v := range rows {
		if v-v != 0 { // NaN or ±Inf
			return fmt.Errorf("collapse: sample %d, feature %d is %v", first+idx/d, idx%d, v)
		}
	}
	return nil
}

// validateLayout is validateBatch without the finiteness of the features, for rows a
// Source has checked: the batch's length and every label set.
func validateLayout[T float32 | float64](k, d int, rows []T, sets []labelset.Set, first int) error {
	if len(rows) != len(sets)*d {
		return fmt.Errorf("collapse: batch of %d label sets holds %d feature values, want %d x d = %d (d = %d)",
			len(sets), len(rows), len(sets), len(sets)*d, d)
	}
	for i, s := range sets {
		if err := s.Check(k); err != nil {
			return fmt.Errorf("collapse: sample %d: %w", first+i, err)
		}
	}
	return nil
}
