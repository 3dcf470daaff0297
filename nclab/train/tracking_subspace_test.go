package train

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestSeriesSubspaceSplit reads the subspace split of METHOD.md §5 back from log lines
// as the tracker writes them (collapse.JSON under "metrics"): present with a
// classifier, skipped on an epoch whose metrics lack it.
func TestSeriesSubspaceSplit(t *testing.T) {
	lines := []string{
		`{"epoch": 1, "loss": 2, "nc1": 0.5, "angle": 0.7, "metrics": {"angle": {"2": 0.7}}}`,
		`{"epoch": 2, "loss": 1, "nc1": 0.2, "angle": 0.6, "metrics": {"angle": {"2": 0.6},
		  "angle_row": {"2": 0.1, "3": 0.2}, "angle_null": {"2": 1.03}, "nc1_row": 0.05, "null_energy": 0.52, "w_rank": 10}}`,
	}
	var records []Record
	for _, l := range lines {
		var r Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		records = append(records, r)
	}
	for name, want := range map[string]float64{"angle_row": 0.1, "angle_null": 1.03, "nc1_row": 0.05, "null_energy": 0.52} {
		x, y, err := Series(records, name)
		if err != nil || !reflect.DeepEqual(x, []float64{2}) || !reflect.DeepEqual(y, []float64{want}) {
			t.Errorf("%s series %v %v %v, want [2] [%v]", name, x, y, err, want)
		}
	}
}
