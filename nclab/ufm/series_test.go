package ufm

import (
	"slices"
	"testing"

	"github.com/nclab/nclab/nclab/collapse"
)

func TestSeries(t *testing.T) {
	recs := []Record{
		{Step: 0, Objective: 3, GradNorm: 1},
		{Step: 10, Objective: 2, GradNorm: 0.5, Distance: &Distance{ObjectiveGap: 0.1},
			Metrics: &collapse.Metrics{NC1: 0.2, NC2W: 0.3, NCm: map[int]float64{2: 0.4}, Angle: map[int]float64{2: 0.5}}},
	}
	for _, c := range []struct {
		name string
		x, y []float64
	}{
		{"objective", []float64{0, 10}, []float64{3, 2}},
		{"grad_norm", []float64{0, 10}, []float64{1, 0.5}},
		{"gap", []float64{10}, []float64{0.1}},
		{"nc1", []float64{10}, []float64{0.2}},
		{"nc2_w", []float64{10}, []float64{0.3}},
		{"nc_2", []float64{10}, []float64{0.4}},
		{"angle_2", []float64{10}, []float64{0.5}},
		{"angle_3", nil, nil},
	} {
		x, y, err := Series(recs, c.name)
		if err != nil || !slices.Equal(x, c.x) || !slices.Equal(y, c.y) {
			t.Errorf("Series(%q) = %v, %v, %v; want %v, %v", c.name, x, y, err, c.x, c.y)
		}
	}
	for _, bad := range []string{"nc", "nc_x", "angle_0", "loss", "foo_2"} {
		if _, _, err := Series(recs, bad); err == nil {
			t.Errorf("Series(%q): no error", bad)
		}
	}
}
