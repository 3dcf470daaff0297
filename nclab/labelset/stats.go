package labelset

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Stats counts a dataset's samples per label set and per multiplicity.
type Stats struct {
	K int
	// Sets lists the label sets that occur, ordered by Set.Compare.
	Sets []Set
	// Count[i] is the number of samples with label set Sets[i].
	Count []int
	// ByMultiplicity maps m to the number of samples with |S| = m.
	ByMultiplicity map[int]int
	// Total is the number of samples.
	Total int
}

// Count builds Stats for the label sets of a dataset with K classes.
// It fails on a set that is empty or holds a class outside [0, K).
func Count(k int, sets []Set) (*Stats, error) {
	counts := map[string]int{}
	rep := map[string]Set{}
	st := &Stats{K: k, ByMultiplicity: map[int]int{}, Total: len(sets)}
	for i, s := range sets {
		if len(s) == 0 {
			return nil, fmt.Errorf("labelset: sample %d has an empty label set", i)
		}
		if s[len(s)-1] >= k || s[0] < 0 {
			return nil, fmt.Errorf("labelset: sample %d has label set %v outside [0, %d)", i, s, k)
		}
		key := s.Key()
		if _, ok := rep[key]; !ok {
			rep[key] = s
		}
		counts[key]++
		st.ByMultiplicity[len(s)]++
	}
	st.Sets = slices.SortedFunc(maps.Values(rep), Set.Compare)
	st.Count = make([]int, len(st.Sets))
	for i, s := range st.Sets {
		st.Count[i] = counts[s.Key()]
	}
	return st, nil
}

// Multiplicities returns the multiplicities present, in increasing order.
func (st *Stats) Multiplicities() []int {
	return slices.Sorted(maps.Keys(st.ByMultiplicity))
}

// SetsOf returns the present sets of multiplicity m and their counts.
func (st *Stats) SetsOf(m int) (sets []Set, counts []int) {
	for i, s := range st.Sets {
		if len(s) == m {
			sets = append(sets, s)
			counts = append(counts, st.Count[i])
		}
	}
	return sets, counts
}

// PerSetCount returns n_m for each present multiplicity m when the data are balanced
// within each multiplicity (METHOD.md §1): every present set of size m has the same
// count n_m. Counts may differ across m and a multiplicity may be absent.
// When all C(K,m) sets must be present (as Theorem 1 assumes), pass complete = true
// and a missing set is reported too.
// The error names the sets that break balance.
func (st *Stats) PerSetCount(complete bool) (map[int]int, error) {
	out := map[int]int{}
	var problems []string
	for _, m := range st.Multiplicities() {
		sets, counts := st.SetsOf(m)
		// The most common count is taken as n_m, so the error names the outliers.
		nm := ModalCount(counts)
		out[m] = nm
		for i, s := range sets {
			if counts[i] != nm {
				problems = append(problems, fmt.Sprintf("%v has %d samples, most sets of size %d have %d", s, counts[i], m, nm))
			}
		}
		if complete && len(sets) != Binomial(st.K, m) {
			present := map[string]bool{}
			for _, s := range sets {
				present[s.Key()] = true
			}
			var missing []string
			for _, s := range All(st.K, m) {
				if !present[s.Key()] {
					missing = append(missing, s.String())
				}
			}
			problems = append(problems, fmt.Sprintf("%d of the %d sets of size %d are missing: %s",
				len(missing), Binomial(st.K, m), m, abbreviate(missing, 8)))
		}
	}
	if len(problems) > 0 {
		return out, fmt.Errorf("labelset: not balanced within each multiplicity: %s", abbreviate(problems, 8))
	}
	return out, nil
}

func abbreviate(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, "; ")
	}
	return strings.Join(items[:max], "; ") + fmt.Sprintf("; … (%d more)", len(items)-max)
}

// ModalCount returns the most common value of counts (the larger one on a tie),
// or 0 for none: the n_m that balance checks take as right, so that their errors
// name the outliers.
func ModalCount(counts []int) int {
	freq := map[int]int{}
	for _, c := range counts {
		freq[c]++
	}
	nm, best := 0, -1
	for c, f := range freq {
		if f > best || (f == best && c > nm) {
			nm, best = c, f
		}
	}
	return nm
}
