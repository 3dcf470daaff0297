package train

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/decode"
	"github.com/nclab/nclab/nclab/loss"
	"github.com/nclab/nclab/nclab/multilabel"
	"gonum.org/v1/gonum/mat"
)

// Tracked holds the metrics measured at a tracked epoch.
type Tracked struct {
	NC1     float64                `json:"nc1"`               // NC1 on the training features (METHOD.md §5)
	Angle   float64                `json:"angle"`             // two-label angle ratio (METHOD.md §5); 0 without pairs
	Metrics *collapse.JSON         `json:"metrics,omitempty"` // every collapse metric (keys of nclab collapse --json)
	Train   *multilabel.ReportJSON `json:"train,omitempty"`   // multi-label metrics on the training set (keys of nclab evaluate --json)
	Test    *multilabel.ReportJSON `json:"test,omitempty"`    // the same on the test set
}

// trackedOutputs are the outputs Track computed, with the number of training
// steps taken when it did: the final arrays of a run reuse them when no step
// ran since (the last tracked epoch is the last epoch).
type trackedOutputs struct {
	steps       int
	train, test *Outputs
}

// outputs returns the features and logits of s (the training or the test
// set): those of the last Track when no training step ran since, else
// Evaluate's.
func (t *Trainer) outputs(s *data.Set) (*Outputs, error) {
	if c := t.tracked; c != nil && c.steps == t.steps {
		if s == t.TrainSet && c.train != nil {
			return c.train, nil
		}
		if s == t.TestSet && c.test != nil {
			return c.test, nil
		}
	}
	return t.Evaluate(s)
}

// Track measures the current model: collapse metrics on the training
// features, multi-label metrics on the training and test sets.
func (t *Trainer) Track() (*Tracked, error) {
	trainOut, err := t.Evaluate(t.TrainSet)
	if err != nil {
		return nil, err
	}
	t.tracked = &trackedOutputs{steps: t.steps, train: trainOut}
	tr := &Tracked{}
	if _, err := t.collapseMetrics(trainOut, tr); err != nil {
		return nil, err
	}
	var onn *decode.ONN
	if t.kind != loss.KindOneVsAll {
		onn, err = decode.FitONN(trainOut.K, mat.NewDense(trainOut.N, trainOut.D, toFloat64(trainOut.Features)), t.TrainSet.Labels, decode.Euclidean)
		if err != nil {
			return nil, fmt.Errorf("train: ONN decoder: %w", err)
		}
	}
	if tr.Train, err = t.multiLabelMetrics(t.TrainSet, trainOut, onn); err != nil {
		return nil, err
	}
	if t.TestSet != nil {
		testOut, err := t.Evaluate(t.TestSet)
		if err != nil {
			return nil, err
		}
		t.tracked.test = testOut
		if tr.Test, err = t.multiLabelMetrics(t.TestSet, testOut, onn); err != nil {
			return nil, err
		}
	}
	return tr, nil
}

// Classifier returns the head's W (K x d, row-major) and b (K).
func (t *Trainer) Classifier() (w, b []float32) {
	store := t.Model.Store
	wt := tensors.MustCopyFlatData[float32](store.GetVariable("/head/weights").MustValue()) // d x K
	d, k := t.Model.FeatureDim, t.Model.K
	w = make([]float32, k*d)
	for i := range d {
		for j := range k {
			w[j*d+i] = wt[i*k+j]
		}
	}
	return w, tensors.MustCopyFlatData[float32](store.GetVariable("/head/bias").MustValue())
}

// SeriesNames lists the names Series accepts, besides "angle_count=N".
var SeriesNames = []string{"loss", "nc1", "nc2_w", "nc2_h", "nc3", "angle", "angle_row", "angle_null", "nc1_row", "null_energy",
	"train_f1", "test_f1", "test_subset_accuracy"}

// Series returns one tracked quantity against the epoch, for plots: the
// epochs at which it was measured (x) and its values (y). name is one of
// SeriesNames ("angle" is the two-label angle ratio; "angle_row", "angle_null",
// "nc1_row" and "null_energy" the subspace split of METHOD.md §5, two-label for the
// angles), or "angle_count=N" for
// the two-label angle ratio of the label sets with N training samples
// (imbalanced data, METHOD.md §5); a value that was not measured (null in the
// log) is left out.
func Series(records []Record, name string) (x, y []float64, err error) {
	for _, r := range records {
		var v *float64
		switch name {
		case "loss":
			v = &r.Loss
		case "nc1":
			v = &r.NC1
		case "angle":
			if r.Metrics != nil {
				v = r.Metrics.Angle["2"]
			}
		case "angle_row", "angle_null", "nc1_row", "null_energy":
			if r.Metrics != nil && r.Metrics.Subspace != nil {
				sub := r.Metrics.Subspace
				v = map[string]*float64{"angle_row": sub.AngleRow["2"], "angle_null": sub.AngleNull["2"],
					"nc1_row": sub.NC1Row, "null_energy": sub.NullEnergy}[name]
			}
		case "nc2_w", "nc2_h", "nc3":
			if r.Metrics != nil {
				v = map[string]*float64{"nc2_w": r.Metrics.NC2W, "nc2_h": r.Metrics.NC2H, "nc3": r.Metrics.NC3}[name]
			}
		case "train_f1":
			if r.Train != nil {
				v = &r.Train.F1Samples
			}
		case "test_f1", "test_subset_accuracy":
			if r.Test != nil {
				v = map[string]*float64{"test_f1": &r.Test.F1Samples, "test_subset_accuracy": &r.Test.SubsetAccuracy}[name]
			}
		default:
			if count, ok := strings.CutPrefix(name, "angle_count="); ok {
				if r.Metrics != nil && r.Metrics.AngleByCount["2"] != nil {
					v = r.Metrics.AngleByCount["2"][count]
				}
				break
			}
			return nil, nil, fmt.Errorf("train: unknown series %q (want one of %v)", name, SeriesNames)
		}
		if v != nil {
			x = append(x, float64(r.Epoch))
			y = append(y, *v)
		}
	}
	return x, y, nil
}
