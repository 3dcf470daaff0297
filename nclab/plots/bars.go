package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Bars is one method's values across the groups of a GroupedBars plot.
type Bars struct {
	Name   string
	Values []float64
}

// GroupedBars draws, for each group (a table row: a dataset, a multiplicity), one bar
// per Bars side by side, with a legend naming them — a table such as the paper's
// Table 1 (ONN vs OvA F1 per dataset) as a picture. Every Bars needs one finite value
// per group.
func GroupedBars(title, yLabel string, groups []string, bars ...Bars) (*plot.Plot, error) {
	if len(groups) == 0 || len(bars) == 0 {
		return nil, fmt.Errorf("plots: GroupedBars %q: %d groups and %d bar series: need at least one of each", title, len(groups), len(bars))
	}
	p := newPlot(title, "", yLabel)
	width := vg.Points(math.Max(4, math.Min(20, 60/float64(len(bars)))))
	for i, b := range bars {
		if len(b.Values) != len(groups) {
			return nil, fmt.Errorf("plots: GroupedBars %q: %q has %d values for %d groups", title, b.Name, len(b.Values), len(groups))
		}
		for j, v := range b.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("plots: GroupedBars %q: %q value %d is %g", title, b.Name, j, v)
			}
		}
		chart, err := plotter.NewBarChart(plotter.Values(b.Values), width)
		if err != nil {
			return nil, fmt.Errorf("plots: GroupedBars %q: %q: %w", title, b.Name, err)
		}
		chart.LineStyle.Width = 0
		chart.Color = plotutil.Color(i)
		chart.Offset = vg.Length(float64(i)-float64(len(bars)-1)/2) * width
		p.Add(chart)
		p.Legend.Add(b.Name, chart)
	}
	p.Legend.Top = true
	p.NominalX(groups...)
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	// Headroom above the tallest bar for the legend.
	top := 0.0
	for _, b := range bars {
		for _, v := range b.Values {
			top = math.Max(top, v)
		}
	}
	if top > 0 {
		p.Y.Max = top * (1.12 + 0.06*float64(len(bars)))
	}
	p.Add(plotter.NewGrid())
	return p, nil
}
