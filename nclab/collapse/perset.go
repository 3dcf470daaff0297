package collapse

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/floats"
)

// SetAngleRatios splits the angle ratio of multiplicity m (METHOD.md §5) by
// label set: for every present set S of multiplicity m, the angle between
// sum_{k in S} mu_k and mu_S divided by the metric's denominator AngleAll[m].
// Their mean is Angle[m]. A set absent from the data (Figure 2 c,d's missing
// pair) has no entry. It needs the angle metric of m to have been computed.
func (met *Metrics) SetAngleRatios(m int) ([]labelset.Set, []float64, error) {
	den, ok := met.AngleAll[m]
	if !ok || !(den > 0) {
		return nil, nil, fmt.Errorf("collapse: no angle metric for multiplicity %d (present: %v)", m, keys(met.AngleAll))
	}
	var sets []labelset.Set
	var ratios []float64
	sum := make([]float64, met.D)
	for i, s := range met.Sets {
		if len(s) != m {
			continue
		}
		for j := range sum {
			sum[j] = 0
		}
		for _, c := range s {
			floats.Add(sum, met.ClassMeans.RawRowView(c))
		}
		mu := met.SetMeans.RawRowView(i)
		cos := floats.Dot(sum, mu) / (floats.Norm(sum, 2) * floats.Norm(mu, 2))
		if !met.opts.referenceCode() {
			cos = math.Max(-1, math.Min(1, cos))
		}
		sets = append(sets, s)
		ratios = append(ratios, math.Acos(cos)*180/math.Pi/den)
	}
	return sets, ratios, nil
}

func keys(m map[int]float64) []int { return slices.Sorted(maps.Keys(m)) }
