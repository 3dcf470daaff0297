package train

import (
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

// TestDeadFeaturesAreNotADivergence: when every training feature is 0 (the
// last batch norm's gamma 0 and beta -1 before the ReLU, as a too strong
// feature penalty leaves it) NC1 is undefined while the objective is finite:
// the error says so instead of reporting a divergence.
func TestDeadFeaturesAreNotADivergence(t *testing.T) {
	b := testBackend(t)
	cfg := tinyConfig("mlp", "learned")
	cfg.Epochs, cfg.TrackEvery = 1, 1
	tr, err := New(b, cfg, tinySet("train", 8, 4, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]float32{"gamma": 0, "beta": -1} {
		path := "/body/dense1/bn/" + name
		variable := tr.Model.Store.GetVariable(path)
		if variable == nil {
			t.Fatalf("no variable %s", path)
		}
		values := make([]float32, cfg.Model.FeatureDim)
		for i := range values {
			values[i] = v
		}
		if err := variable.SetValue(tensors.FromFlatDataAndDimensions(values, len(values))); err != nil {
			t.Fatal(err)
		}
	}
	_, err = tr.Run(nil)
	if err == nil || !strings.Contains(err.Error(), "NC1 is NaN with a finite objective") || strings.Contains(err.Error(), "diverged") {
		t.Fatalf("error %v, want one saying NC1 is NaN with a finite objective", err)
	}
}
