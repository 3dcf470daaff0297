package collapse

import (
	"fmt"
	"slices"

	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/floats"
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

// add accumulates one sample row into the set, with dev as scratch (len d); it returns
// dev = row - shift.
func (s *setStats) add(row, dev []float64) []float64 {
	s.count++
	floats.SubTo(dev, row, s.shift)
	floats.Add(s.sum, dev)
	s.sq += floats.Dot(dev, dev)
	return dev
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

// lookup returns the statistics of s, creating them (with row as the shift) if new.
func (t *setTable) lookup(s labelset.Set, row []float64) *setStats {
	key := s.Key()
	if i, ok := t.index[key]; ok {
		return t.sets[i]
	}
	st := &setStats{set: slices.Clone(s), shift: slices.Clone(row), sum: make([]float64, t.d)}
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
func validateBatch(k, d int, rows []float64, sets []labelset.Set, first int) error {
	if len(rows) != len(sets)*d {
		return fmt.Errorf("collapse: batch of %d label sets holds %d feature values, want %d x d = %d (d = %d)",
			len(sets), len(rows), len(sets), len(sets)*d, d)
	}
	for i, s := range sets {
		if err := validateSet(k, s); err != nil {
			return fmt.Errorf("collapse: sample %d: %w", first+i, err)
		}
	}
	for idx, v := range rows {
		if v-v != 0 { // NaN or ±Inf
			return fmt.Errorf("collapse: sample %d, feature %d is %v", first+idx/d, idx%d, v)
		}
	}
	return nil
}

func validateSet(k int, s labelset.Set) error {
	if len(s) == 0 {
		return fmt.Errorf("empty label set")
	}
	for j, c := range s {
		if c < 0 || c >= k {
			return fmt.Errorf("label set %v has class %d outside [0, %d)", s, c, k)
		}
		if j > 0 && s[j-1] >= c {
			return fmt.Errorf("label set %v is not strictly increasing (build it with labelset.New)", []int(s))
		}
	}
	return nil
}
