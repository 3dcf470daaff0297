package multilabel

import (
	"fmt"
	"math"
	"slices"

	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/mat"
)

// Scores are the multi-label metrics of one group of samples (see the package
// documentation for the definitions). SoftmaxMassIoU is NaN when no logits were given.
type Scores struct {
	N              int
	F1Samples      float64
	F1Micro        float64
	F1Macro        float64
	SubsetAccuracy float64
	HammingLoss    float64
	JaccardSamples float64
	SoftmaxMassIoU float64
}

// Report holds the scores of all samples and, by true multiplicity, of each group.
type Report struct {
	K int
	Scores
	ByMultiplicity map[int]*Scores
}

// Evaluate scores the predicted label sets pred against the true sets truth (same
// length, classes in [0, K)). logits, optional (at most one N x K matrix), adds the
// softmax mass on the true set.
func Evaluate(truth, pred []labelset.Set, k int, logits ...*mat.Dense) (*Report, error) {
	if k < 1 {
		return nil, fmt.Errorf("multilabel: K = %d, want K >= 1", k)
	}
	if len(truth) != len(pred) {
		return nil, fmt.Errorf("multilabel: %d true label sets but %d predictions", len(truth), len(pred))
	}
	if len(truth) == 0 {
		return nil, fmt.Errorf("multilabel: no samples")
	}
	if len(logits) > 1 {
		return nil, fmt.Errorf("multilabel: Evaluate takes at most one logits matrix, got %d", len(logits))
	}
	var z *mat.Dense
	if len(logits) == 1 && logits[0] != nil {
		z = logits[0]
		if r, c := z.Dims(); r != len(truth) || c != k {
			return nil, fmt.Errorf("multilabel: logits are %d x %d, want N x K = %d x %d", r, c, len(truth), k)
		}
		for i := range len(truth) {
			for j, v := range z.RawRowView(i) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("multilabel: logit [%d, %d] is %v", i, j, v)
				}
			}
		}
	}
	for i := range truth {
		if err := truth[i].Check(k); err != nil {
			return nil, fmt.Errorf("multilabel: sample %d, true set: %w", i, err)
		}
		if err := pred[i].Check(k); err != nil && len(pred[i]) > 0 { // a decoder may predict no label
			return nil, fmt.Errorf("multilabel: sample %d, predicted set: %w", i, err)
		}
	}
	all := make([]int, len(truth))
	groups := map[int][]int{}
	for i, s := range truth {
		all[i] = i
		groups[len(s)] = append(groups[len(s)], i)
	}
	r := &Report{K: k, Scores: *score(k, truth, pred, z, all), ByMultiplicity: map[int]*Scores{}}
	for m, idx := range groups {
		r.ByMultiplicity[m] = score(k, truth, pred, z, idx)
	}
	return r, nil
}

// score computes the Scores of the samples idx, following scikit-learn 1.2's
// arithmetic (precision and recall first, then F = 2PR/(P+R)).
func score(k int, truth, pred []labelset.Set, z *mat.Dense, idx []int) *Scores {
	n := float64(len(idx))
	tp := make([]float64, k)
	trueSum := make([]float64, k)
	predSum := make([]float64, k)
	var f1Samples, jaccard, exact, mismatches, mass float64
	for _, i := range idx {
		s, p := truth[i], pred[i]
		inter := 0
		for _, c := range s {
			trueSum[c]++
			if slices.Contains(p, c) {
				inter++
				tp[c]++
			}
		}
		for _, c := range p {
			predSum[c]++
		}
		union := len(s) + len(p) - inter
		f1Samples += fScore(float64(inter), float64(len(p)), float64(len(s)))
		jaccard += divide(float64(inter), float64(union))
		if s.Equal(p) {
			exact++
		}
		mismatches += float64(union - inter)
		if z != nil {
			mass += softmaxMass(z.RawRowView(i), s)
		}
	}
	var tpAll, trueAll, predAll, macro float64
	for c := range k {
		tpAll += tp[c]
		trueAll += trueSum[c]
		predAll += predSum[c]
		macro += fScore(tp[c], predSum[c], trueSum[c])
	}
	sc := &Scores{
		N:              len(idx),
		F1Samples:      f1Samples / n,
		F1Micro:        fScore(tpAll, predAll, trueAll),
		F1Macro:        macro / float64(k),
		SubsetAccuracy: exact / n,
		HammingLoss:    mismatches / (n * float64(k)),
		JaccardSamples: jaccard / n,
		SoftmaxMassIoU: math.NaN(),
	}
	if z != nil {
		sc.SoftmaxMassIoU = mass / n
	}
	return sc
}

// fScore is scikit-learn's F1 from true positives and the predicted and true counts:
// P = tp/predicted, R = tp/true (0 when the count is 0), F = 2PR/(P+R) (0 when P+R = 0).
func fScore(tp, predicted, actual float64) float64 {
	p, r := divide(tp, predicted), divide(tp, actual)
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// divide is a/b, or 0 when b = 0 (scikit-learn's zero_division="warn").
func divide(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// softmaxMass is sum_{k in S} softmax(z)_k, with the maximum logit subtracted first.
func softmaxMass(z []float64, s labelset.Set) float64 {
	maxZ := math.Inf(-1)
	for _, v := range z {
		maxZ = math.Max(maxZ, v)
	}
	var total, in float64
	for c, v := range z {
		e := math.Exp(v - maxZ)
		total += e
		if s.Contains(c) {
			in += e
		}
	}
	return in / total
}
