package ufm

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nclab/nclab/nclab/labelset"
)

// Problem is one unconstrained-feature-model instance (METHOD.md §3): K labels, the
// number of samples of each label set, and the regularisation weights. The counts are
// given either per multiplicity (Counts: every label set of size m present n_m times,
// balanced within each multiplicity as Theorem 1 assumes) or per label set (SetCounts:
// any counts, for experiments beyond Theorem 1, which the trainer runs without a closed
// form when they are not balanced).
type Problem struct {
	// K is the number of labels, K >= 2.
	K int
	// Counts maps a multiplicity m (1 <= m <= K) to n_m, the number of samples of each of
	// the C(K, m) label sets of size m. Entries with n_m = 0 mean "absent". m = K is the
	// one set holding every label: its samples have h = 0 at the optimum (the rows of a
	// simplex ETF sum to zero) and a constant loss K log K (log K for PAL-N).
	Counts map[int]int
	// SetCounts, used instead of Counts (give one of the two), lists label sets with
	// their number of samples; a set may appear once, N = 0 means absent. Solve accepts
	// them only when they are balanced within each multiplicity with every set of a
	// present multiplicity listed (then they equal some Counts).
	SetCounts []SetCount
	// LambdaW, LambdaH, LambdaB are the weight-decay coefficients of W, H and b
	// (lW/2 ||W||^2 + lH/2 ||H||^2 + lb/2 ||b||^2). LambdaW and LambdaH must be > 0.
	LambdaW, LambdaH, LambdaB float64
	// Normalized selects PAL-N, (1/m) L_PAL, instead of the PAL sum.
	Normalized bool
	// SumLoss drops the 1/N in front of the loss (the METHOD.md §3 variant "no 1/N").
	SumLoss bool
}

// SetCount is the number N of samples carrying label set Set.
type SetCount struct {
	Set labelset.Set
	N   int
}

// ErrNoClosedForm is wrapped by the error of Solve (and reported by
// Trainer.NoClosedForm) when the set counts are not balanced within each multiplicity,
// so Theorem 1 gives no optimum to compare with.
var ErrNoClosedForm = errors.New("ufm: no closed form")

// Validate reports the first thing wrong with p, naming the field.
func (p Problem) Validate() error {
	if p.K < 2 {
		return fmt.Errorf("ufm: K = %d classes, want K >= 2", p.K)
	}
	if len(p.Counts) > 0 && len(p.SetCounts) > 0 {
		return fmt.Errorf("ufm: both Counts (per multiplicity) and SetCounts (per label set) given, want one")
	}
	present := 0
	for _, m := range slices.Sorted(maps.Keys(p.Counts)) {
		n := p.Counts[m]
		if m < 1 || m > p.K {
			return fmt.Errorf("ufm: multiplicity %d outside [1, K] = [1, %d]", m, p.K)
		}
		if n < 0 {
			return fmt.Errorf("ufm: count n_%d = %d is negative", m, n)
		}
		if n > 0 {
			present++
		}
	}
	seen := map[string]bool{}
	for i, sc := range p.SetCounts {
		s, err := labelset.New(p.K, sc.Set...)
		if err != nil {
			return fmt.Errorf("ufm: set count %d (%v): %w", i, sc.Set, err)
		}
		if !s.Equal(sc.Set) {
			return fmt.Errorf("ufm: set count %d: label set %v is not sorted", i, []int(sc.Set))
		}
		if seen[s.Key()] {
			return fmt.Errorf("ufm: set counts give label set %v twice", s)
		}
		seen[s.Key()] = true
		if sc.N < 0 {
			return fmt.Errorf("ufm: set count of %v is %d, negative", s, sc.N)
		}
		if sc.N > 0 {
			present++
		}
	}
	if present == 0 {
		return fmt.Errorf("ufm: no samples (every count is 0)")
	}
	if _, err := p.numSamples(); err != nil {
		return err
	}
	for _, l := range []struct {
		name     string
		v        float64
		positive bool
	}{{"lambda-w", p.LambdaW, true}, {"lambda-h", p.LambdaH, true}, {"lambda-b", p.LambdaB, false}} {
		switch {
		case math.IsNaN(l.v) || math.IsInf(l.v, 0):
			return fmt.Errorf("ufm: %s = %v is not a finite number", l.name, l.v)
		case l.v < 0:
			return fmt.Errorf("ufm: %s = %v is negative", l.name, l.v)
		case l.positive && l.v == 0:
			return fmt.Errorf("ufm: %s = 0: the UFM has no minimiser without weight decay on W and H", l.name)
		}
	}
	return nil
}

// Multiplicities returns the multiplicities with samples, in increasing order.
func (p Problem) Multiplicities() []int {
	var ms []int
	if len(p.SetCounts) > 0 {
		for _, sc := range p.setCounts() {
			if !slices.Contains(ms, len(sc.Set)) {
				ms = append(ms, len(sc.Set))
			}
		}
		return ms
	}
	for _, m := range slices.Sorted(maps.Keys(p.Counts)) {
		if p.Counts[m] != 0 {
			ms = append(ms, m)
		}
	}
	return ms
}

// NumSamples is N: sum_m n_m C(K, m) (binomial coefficients, no enumeration of
// the label sets), or the sum of the set counts. Validate checks that it fits
// an int; for a problem that fails that check NumSamples is meaningless.
func (p Problem) NumSamples() int {
	n, _ := p.numSamples()
	return n
}

// numSamples is NumSamples with every product and sum checked for overflow.
func (p Problem) numSamples() (int, error) {
	n := 0
	add := func(v int, what string) error {
		if v < 0 || n > math.MaxInt-v {
			return fmt.Errorf("ufm: the number of samples N overflows an int (at %s)", what)
		}
		n += v
		return nil
	}
	for _, sc := range p.SetCounts {
		if err := add(sc.N, "label set "+sc.Set.Key()); err != nil {
			return 0, err
		}
	}
	for _, m := range slices.Sorted(maps.Keys(p.Counts)) {
		nm := p.Counts[m]
		if nm <= 0 {
			continue
		}
		c, err := labelset.CheckedBinomial(p.K, m)
		if err != nil {
			return 0, fmt.Errorf("ufm: multiplicity %d: %w", m, err)
		}
		if c > 0 && nm > math.MaxInt/c {
			return 0, fmt.Errorf("ufm: n_%d C(%d, %d) = %d x %d samples overflows an int", m, p.K, m, nm, c)
		}
		if err := add(nm*c, fmt.Sprintf("multiplicity %d", m)); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// Samples lists the label set of every sample, in the order used throughout the
// package: multiplicities increasing, sets in lexicographic order (labelset.Set.Compare),
// all copies of a set next to each other. Row i of a feature matrix H belongs to
// Samples()[i].
func (p Problem) Samples() []labelset.Set {
	sets := make([]labelset.Set, 0, p.NumSamples())
	for _, sc := range p.setCounts() {
		for range sc.N {
			sets = append(sets, sc.Set)
		}
	}
	return sets
}

// setCounts lists the present label sets with their counts in Set.Compare order,
// from Counts or SetCounts.
func (p Problem) setCounts() []SetCount {
	var out []SetCount
	if len(p.SetCounts) > 0 {
		for _, sc := range p.SetCounts {
			if sc.N > 0 {
				out = append(out, sc)
			}
		}
		slices.SortFunc(out, func(a, b SetCount) int { return a.Set.Compare(b.Set) })
		return out
	}
	for _, m := range p.Multiplicities() {
		for _, s := range labelset.All(p.K, m) {
			out = append(out, SetCount{Set: s, N: p.Counts[m]})
		}
	}
	return out
}

// Balanced returns p with its counts per multiplicity: p itself when it has Counts;
// for SetCounts, the equivalent Counts when every set of each present multiplicity is
// listed with the same count, and otherwise an error wrapping ErrNoClosedForm that
// names the sets breaking balance (labelset.Stats.PerSetCount).
func (p Problem) Balanced() (Problem, error) {
	if err := p.Validate(); err != nil {
		return Problem{}, err
	}
	if len(p.SetCounts) == 0 {
		return p, nil
	}
	counts, err := balancedCounts(p.K, p.setCounts())
	if err != nil {
		return Problem{}, fmt.Errorf("%w: %w", ErrNoClosedForm, err)
	}
	q := p
	q.Counts, q.SetCounts = counts, nil
	return q, nil
}

// balancedCounts returns n_m per present multiplicity when the set counts (sets
// with samples, sorted) list every set of each present multiplicity with one
// common count; the error names the sets breaking balance (the most common
// count is taken as n_m) and the missing ones. It works from the counts
// (labelset.CheckedBinomial), never enumerating samples, and lists missing
// sets only when there are few sets of that size.
func balancedCounts(k int, sets []SetCount) (map[int]int, error) {
	byM := map[int][]SetCount{}
	for _, sc := range sets {
		byM[len(sc.Set)] = append(byM[len(sc.Set)], sc)
	}
	out := map[int]int{}
	var problems []string
	for _, m := range slices.Sorted(maps.Keys(byM)) {
		listed := byM[m]
		ns := make([]int, len(listed))
		for i, sc := range listed {
			ns[i] = sc.N
		}
		nm := labelset.ModalCount(ns)
		out[m] = nm
		for _, sc := range listed {
			if sc.N != nm {
				problems = append(problems, fmt.Sprintf("%v has %d samples, most sets of size %d have %d", sc.Set, sc.N, m, nm))
			}
		}
		all, err := labelset.CheckedBinomial(k, m)
		if err != nil || len(listed) != all {
			msg := fmt.Sprintf("%d of the C(%d, %d) sets of size %d are missing", max(all-len(listed), 0), k, m, m)
			if err == nil && all <= 1<<12 {
				present := map[string]bool{}
				for _, sc := range listed {
					present[sc.Set.Key()] = true
				}
				var missing []string
				for _, s := range labelset.All(k, m) {
					if !present[s.Key()] && len(missing) < 8 {
						missing = append(missing, s.String())
					}
				}
				msg += ": " + strings.Join(missing, "; ")
			}
			problems = append(problems, msg)
		}
	}
	if len(problems) > 0 {
		if len(problems) > 8 {
			problems = append(problems[:8], fmt.Sprintf("and %d more", len(problems)-8))
		}
		return nil, fmt.Errorf("not balanced within each multiplicity: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

// ParseSetCounts reads counts per label set written as "0:50,1:5,0+1:3" (label set
// in the labelset.Set.Key form, a colon, the number of samples) for K labels.
func ParseSetCounts(k int, s string) ([]SetCount, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("ufm: empty set counts, want e.g. 0:50,1:5,0+1:3")
	}
	var out []SetCount
	for _, pair := range strings.Split(s, ",") {
		key, ns, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok {
			return nil, fmt.Errorf("ufm: set counts entry %q is not labels:count (labels joined by +)", pair)
		}
		set, err := labelset.ParseKey(k, strings.TrimSpace(key))
		if err != nil {
			return nil, fmt.Errorf("ufm: set counts entry %q: %w", pair, err)
		}
		n, err := strconv.Atoi(strings.TrimSpace(ns))
		if err != nil {
			return nil, fmt.Errorf("ufm: set counts entry %q: count %q is not an integer", pair, ns)
		}
		out = append(out, SetCount{Set: set, N: n})
	}
	return out, nil
}

// lossScale is the factor in front of the summed loss: 1/N, or 1 for SumLoss.
func (p Problem) lossScale() float64 {
	if p.SumLoss {
		return 1
	}
	return 1 / float64(p.NumSamples())
}

// ParseCounts reads counts written as "1:5,2:2,3:1" (multiplicity:count pairs).
func ParseCounts(s string) (map[int]int, error) {
	counts := map[int]int{}
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("ufm: empty counts, want e.g. 1:5,2:2")
	}
	for _, pair := range strings.Split(s, ",") {
		ms, ns, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok {
			return nil, fmt.Errorf("ufm: counts entry %q is not multiplicity:count", pair)
		}
		m, err := strconv.Atoi(strings.TrimSpace(ms))
		if err != nil {
			return nil, fmt.Errorf("ufm: counts entry %q: multiplicity %q is not an integer", pair, ms)
		}
		n, err := strconv.Atoi(strings.TrimSpace(ns))
		if err != nil {
			return nil, fmt.Errorf("ufm: counts entry %q: count %q is not an integer", pair, ns)
		}
		if _, dup := counts[m]; dup {
			return nil, fmt.Errorf("ufm: counts give multiplicity %d twice", m)
		}
		counts[m] = n
	}
	return counts, nil
}
