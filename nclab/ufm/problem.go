package ufm

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nclab/nclab/nclab/labelset"
)

// Problem is one unconstrained-feature-model instance (METHOD.md §3): K labels, every
// label set of size m present n_m times (balanced within each multiplicity, a
// multiplicity may be absent), and the regularisation weights.
type Problem struct {
	// K is the number of labels, K >= 2.
	K int
	// Counts maps a multiplicity m (1 <= m < K) to n_m, the number of samples of each of
	// the C(K, m) label sets of size m. Entries with n_m = 0 mean "absent".
	Counts map[int]int
	// LambdaW, LambdaH, LambdaB are the weight-decay coefficients of W, H and b
	// (lW/2 ||W||^2 + lH/2 ||H||^2 + lb/2 ||b||^2). LambdaW and LambdaH must be > 0.
	LambdaW, LambdaH, LambdaB float64
	// Normalized selects PAL-N, (1/m) L_PAL, instead of the PAL sum.
	Normalized bool
	// SumLoss drops the 1/N in front of the loss (the METHOD.md §3 variant "no 1/N").
	SumLoss bool
}

// Validate reports the first thing wrong with p, naming the field.
func (p Problem) Validate() error {
	if p.K < 2 {
		return fmt.Errorf("ufm: K = %d classes, want K >= 2", p.K)
	}
	present := 0
	for _, m := range p.Multiplicities() {
		n := p.Counts[m]
		if m < 1 || m >= p.K {
			return fmt.Errorf("ufm: multiplicity %d outside [1, K-1] = [1, %d]", m, p.K-1)
		}
		if n < 0 {
			return fmt.Errorf("ufm: count n_%d = %d is negative", m, n)
		}
		if n > 0 {
			present++
		}
	}
	if present == 0 {
		return fmt.Errorf("ufm: no samples (every count n_m is 0)")
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

// Multiplicities returns the multiplicities with n_m > 0, in increasing order.
func (p Problem) Multiplicities() []int {
	var ms []int
	for _, m := range slices.Sorted(maps.Keys(p.Counts)) {
		if p.Counts[m] != 0 {
			ms = append(ms, m)
		}
	}
	return ms
}

// NumSamples is N = sum_m n_m C(K, m).
func (p Problem) NumSamples() int {
	n := 0
	for _, m := range p.Multiplicities() {
		n += p.Counts[m] * labelset.Binomial(p.K, m)
	}
	return n
}

// Samples lists the label set of every sample, in the order used throughout the
// package: multiplicities increasing, sets in lexicographic order, n_m copies of each
// set next to each other. Row i of a feature matrix H belongs to Samples()[i].
func (p Problem) Samples() []labelset.Set {
	sets := make([]labelset.Set, 0, p.NumSamples())
	for _, m := range p.Multiplicities() {
		for _, s := range labelset.All(p.K, m) {
			for range p.Counts[m] {
				sets = append(sets, s)
			}
		}
	}
	return sets
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
