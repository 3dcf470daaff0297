package multilabel

import (
	"math"
	"strconv"
)

// ScoresJSON is one group's scores as `nclab evaluate --json` prints them.
type ScoresJSON struct {
	N              int      `json:"n"`
	F1Samples      float64  `json:"f1_samples"`
	F1Micro        float64  `json:"f1_micro"`
	F1Macro        float64  `json:"f1_macro"`
	SubsetAccuracy float64  `json:"subset_accuracy"`
	HammingLoss    float64  `json:"hamming_loss"`
	JaccardSamples float64  `json:"jaccard_samples"`
	SoftmaxMassIoU *float64 `json:"softmax_mass_iou"` // null without logits
}

// ReportJSON is the form of `nclab evaluate --json`: the overall scores, K, and
// by_multiplicity keyed by the true multiplicity as a string.
type ReportJSON struct {
	ScoresJSON
	K              int                   `json:"k"`
	ByMultiplicity map[string]ScoresJSON `json:"by_multiplicity"`
}

// JSON returns the report in the form of `nclab evaluate --json`.
func (r *Report) JSON() ReportJSON {
	out := ReportJSON{ScoresJSON: r.Scores.JSON(), K: r.K, ByMultiplicity: map[string]ScoresJSON{}}
	for m, s := range r.ByMultiplicity {
		out.ByMultiplicity[strconv.Itoa(m)] = s.JSON()
	}
	return out
}

// JSON returns the scores with the keys of `nclab evaluate --json`.
func (s *Scores) JSON() ScoresJSON {
	j := ScoresJSON{N: s.N, F1Samples: s.F1Samples, F1Micro: s.F1Micro, F1Macro: s.F1Macro,
		SubsetAccuracy: s.SubsetAccuracy, HammingLoss: s.HammingLoss, JaccardSamples: s.JaccardSamples}
	if !math.IsNaN(s.SoftmaxMassIoU) {
		v := s.SoftmaxMassIoU
		j.SoftmaxMassIoU = &v
	}
	return j
}
