package train

import (
	"fmt"
	"math"

	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/decode"
	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/loss"
	"github.com/nclab/nclab/nclab/multilabel"
	"gonum.org/v1/gonum/mat"
)

// collapseMetrics computes every collapse metric of METHOD.md §5 on the
// training features (streamed through collapse.Accumulator) with the current
// classifier, and fills NC1, Angle (multiplicity 2) and Metrics.
func (t *Trainer) collapseMetrics(out *Outputs, tr *Tracked) (*collapse.Metrics, error) {
	acc, err := collapse.NewAccumulator(out.K, out.D, nil)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	const chunk = 1024
	for b := 0; b < out.N; b += chunk {
		e := min(b+chunk, out.N)
		if err := acc.AddFloat32(out.Features[b*out.D:e*out.D], t.TrainSet.Labels[b:e]); err != nil {
			return nil, fmt.Errorf("train: collapse metrics: %w", err)
		}
	}
	w32, b32 := t.Classifier()
	w := mat.NewDense(out.K, out.D, toFloat64(w32))
	met, err := acc.Result(w, toFloat64(b32))
	if err != nil {
		return nil, fmt.Errorf("train: collapse metrics: %w", err)
	}
	tr.NC1 = met.NC1
	if a, ok := met.Angle[2]; ok && !math.IsNaN(a) && !math.IsInf(a, 0) {
		tr.Angle = a // else 0 (no pairs); Metrics says null
	}
	j := met.JSON()
	tr.Metrics = &j
	return met, nil
}

// Predict returns the label sets the trained network predicts for out's
// samples. With PAL and PAL-N (softmax losses, which give no per-label
// decision) it is the ONN decoder of METHOD.md §8: the training label-set mean
// nearest to the feature, over every set seen in training (onn, fitted on the
// training features). With OvA it is the labels whose sigmoid exceeds 0.5
// (logit > 0), possibly none.
func (t *Trainer) Predict(out *Outputs, onn *decode.ONN) ([]labelset.Set, error) {
	if t.kind == loss.KindOneVsAll {
		pred := make([]labelset.Set, out.N)
		for i := range out.N {
			s := labelset.Set{}
			for k := range out.K {
				if out.Logits[i*out.K+k] > 0 {
					s = append(s, k)
				}
			}
			pred[i] = s
		}
		return pred, nil
	}
	p, err := onn.Predict(mat.NewDense(out.N, out.D, toFloat64(out.Features)))
	if err != nil {
		return nil, fmt.Errorf("train: ONN prediction: %w", err)
	}
	return p.Sets, nil
}

// multiLabelMetrics scores Predict on s against its true sets, with the
// softmax mass on the true set from the logits (METHOD.md §8).
func (t *Trainer) multiLabelMetrics(s *data.Set, out *Outputs, onn *decode.ONN) (*multilabel.ReportJSON, error) {
	pred, err := t.Predict(out, onn)
	if err != nil {
		return nil, err
	}
	rep, err := multilabel.Evaluate(s.Labels, pred, s.K, mat.NewDense(out.N, out.K, toFloat64(out.Logits)))
	if err != nil {
		return nil, fmt.Errorf("train: multi-label metrics on %s: %w", s.Name, err)
	}
	j := rep.JSON()
	return &j, nil
}

func toFloat64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
