package ufm

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/nclab/nclab/nclab/labelset"
)

// TagFit is the least-squares fit of a multi-label set's mean feature by its tags'
// single-label means: mu_S ≈ sum_{k in S} a_k mu_k. Theorem 1 (balanced counts) has
// every a_k = c_m / c_1 = gamma_m / m; unequal a_k make mu_S a weighted rather than a
// plain (scaled) average of its tags' means.
type TagFit struct {
	Set labelset.Set
	// Weights[j] is a_k for the tag k = Set[j].
	Weights []float64
	// Residual is ||mu_S - sum_k a_k mu_k|| / ||mu_S||: 0 when mu_S lies in the span.
	Residual float64
}

// FitTags fits every label set of size 2 <= m < K in sets (features one sample per
// row, rows matching sets) by its tags' single-label means (uncentred, METHOD.md §5's
// mu_k), in Set.Compare order. Every label needs single-label samples. Sets of all K
// labels are left out: their tags' means are linearly dependent (they sum to 0 at the
// optimum), so the weights are not determined.
func FitTags(features mat.Matrix, sets []labelset.Set, k int) ([]TagFit, error) {
	n, d := features.Dims()
	if n != len(sets) {
		return nil, fmt.Errorf("ufm: FitTags: %d feature rows but %d label sets", n, len(sets))
	}
	st, err := labelset.Count(k, sets)
	if err != nil {
		return nil, fmt.Errorf("ufm: FitTags: %w", err)
	}
	means := map[string]*mat.VecDense{}
	for i, s := range sets {
		mu, ok := means[s.Key()]
		if !ok {
			mu = mat.NewVecDense(d, nil)
			means[s.Key()] = mu
		}
		mu.AddVec(mu, mat.NewVecDense(d, mat.Row(nil, i, features)))
	}
	for i, s := range st.Sets {
		means[s.Key()].ScaleVec(1/float64(st.Count[i]), means[s.Key()])
	}
	var fits []TagFit
	for _, s := range st.Sets {
		if len(s) < 2 || len(s) == k {
			continue
		}
		tags := mat.NewDense(d, len(s), nil)
		for j, c := range s {
			mu, ok := means[labelset.Set{c}.Key()]
			if !ok {
				return nil, fmt.Errorf("ufm: FitTags: label %d of %v has no single-label samples", c, s)
			}
			tags.SetCol(j, mu.RawVector().Data)
		}
		target := means[s.Key()]
		var a mat.VecDense
		if err := a.SolveVec(tags, target); err != nil {
			return nil, fmt.Errorf("ufm: FitTags: %v: %w", s, err)
		}
		var fitted mat.VecDense
		fitted.MulVec(tags, &a)
		fitted.SubVec(target, &fitted)
		res := fitted.Norm(2) / target.Norm(2)
		if math.IsNaN(res) || math.IsInf(res, 0) {
			return nil, fmt.Errorf("ufm: FitTags: %v has mean feature 0", s)
		}
		fits = append(fits, TagFit{Set: s, Weights: slices.Clone(a.RawVector().Data), Residual: res})
	}
	return fits, nil
}
