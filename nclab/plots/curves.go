package plots

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Series is one named curve: Y[i] at X[i].
type Series struct {
	Name string
	X, Y []float64
}

// PositiveSeries is a Series of the points with a finite y > 0: the points a log axis
// can show. Collapse metrics hit exactly 0 (a label set with one sample has no
// within-set spread), which a log axis cannot draw.
func PositiveSeries(name string, x, y []float64) Series {
	s := Series{Name: name}
	for i := range min(len(x), len(y)) {
		if y[i] > 0 && !math.IsInf(y[i], 1) {
			s.X = append(s.X, x[i])
			s.Y = append(s.Y, y[i])
		}
	}
	return s
}

// Curves draws each series as a line (with a marker per point when a series has at
// most 40 points) under a legend. With logY the y axis is log10-scaled and every y must
// be positive and finite; otherwise y values must be finite. Collapse metrics against
// epochs are the typical use: they fall over several decades. With logY the plot's y
// coordinate is log10(y) (labelled in decades): a plotter added to it afterwards must
// take log10 of its y values too.
func Curves(title, xLabel, yLabel string, logY bool, series ...Series) (*plot.Plot, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("plots: Curves %q: no series", title)
	}
	p := newPlot(title, xLabel, yLabel)
	if logY {
		// The y values are drawn as log10(y) on a linear axis with decade labels, not
		// with plot.LogScale: gonum/plot v0.15.2 places a centred y label at the
		// arithmetic midpoint of the range, near the top of a log axis, and then
		// shrinks the whole plot to make room for it.
		p.Y.Tick.Marker = log10Ticks{}
	}
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("plots: Curves %q: series %q has %d x values and %d y values", title, s.Name, len(s.X), len(s.Y))
		}
		if len(s.X) == 0 {
			return nil, fmt.Errorf("plots: Curves %q: series %q is empty", title, s.Name)
		}
		xys := make(plotter.XYs, len(s.X))
		for j := range s.X {
			x, y := s.X[j], s.Y[j]
			if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
				return nil, fmt.Errorf("plots: Curves %q: series %q point %d is (%g, %g): not finite", title, s.Name, j, x, y)
			}
			if logY && y <= 0 {
				return nil, fmt.Errorf("plots: Curves %q: series %q point %d has y = %g: a log axis needs y > 0", title, s.Name, j, y)
			}
			if logY {
				y = math.Log10(y)
			}
			xys[j] = plotter.XY{X: x, Y: y}
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("plots: Curves %q: series %q: %w", title, s.Name, err)
		}
		line.Color = plotutil.Color(i)
		line.Dashes = plotutil.Dashes(i)
		line.Width = vg.Points(1.5)
		p.Add(line)
		if len(xys) <= 40 {
			points, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, fmt.Errorf("plots: Curves %q: series %q: %w", title, s.Name, err)
			}
			points.Color = line.Color
			points.Shape = plotutil.Shape(i)
			points.Radius = vg.Points(2.5)
			p.Add(points)
			p.Legend.Add(s.Name, line, points)
		} else {
			p.Legend.Add(s.Name, line)
		}
	}
	placeLegend(p, series, logY)
	p.Add(plotter.NewGrid())
	return p, nil
}

// placeLegend puts the legend in the corner whose box (about 40 % of the width, a
// line per series) covers the fewest data points.
func placeLegend(p *plot.Plot, series []Series, logY bool) {
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	ty := func(y float64) float64 {
		if logY {
			return math.Log10(y)
		}
		return y
	}
	for _, s := range series {
		for i := range s.X {
			xmin, xmax = math.Min(xmin, s.X[i]), math.Max(xmax, s.X[i])
			ymin, ymax = math.Min(ymin, ty(s.Y[i])), math.Max(ymax, ty(s.Y[i]))
		}
	}
	width, height := 0.4, math.Min(0.9, 0.07*float64(len(series))+0.02)
	best := -1
	for _, corner := range []struct{ left, top bool }{{false, true}, {true, true}, {false, false}, {true, false}} {
		covered := 0
		for _, s := range series {
			for i := range s.X {
				x, y := 0.5, 0.5
				if xmax > xmin {
					x = (s.X[i] - xmin) / (xmax - xmin)
				}
				if ymax > ymin {
					y = (ty(s.Y[i]) - ymin) / (ymax - ymin)
				}
				inX := (corner.left && x <= width) || (!corner.left && x >= 1-width)
				inY := (corner.top && y >= 1-height) || (!corner.top && y <= height)
				if inX && inY {
					covered++
				}
			}
		}
		if best < 0 || covered < best {
			best = covered
			p.Legend.Left, p.Legend.Top = corner.left, corner.top
		}
	}
}

// newPlot returns an empty plot with a title and axis labels.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	return p
}

// log10Ticks marks a linear axis holding log10(y) with DecadeTicks' ticks.
type log10Ticks struct{}

func (log10Ticks) Ticks(min, max float64) []plot.Tick {
	ticks := DecadeTicks{}.Ticks(math.Pow(10, min), math.Pow(10, max))
	for i := range ticks {
		ticks[i].Value = math.Log10(ticks[i].Value)
	}
	return ticks
}

// DecadeTicks marks a log axis at powers of ten, labelled "0.01", "1", "100" or "1e-06"
// (every second or third decade when the axis spans many), with unlabelled minor ticks
// at 2..9 times each power inside the range.
type DecadeTicks struct{}

// Ticks implements plot.Ticker for min, max > 0.
func (DecadeTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max >= min) {
		return nil
	}
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	step := 1
	switch decades := hi - lo; {
	case decades > 16:
		step = 4
	case decades > 10:
		step = 3
	case decades > 6:
		step = 2
	}
	var ticks []plot.Tick
	for k := lo; k <= hi; k++ {
		v := math.Pow10(k)
		if v >= min*(1-1e-12) && v <= max*(1+1e-12) {
			label := ""
			if (k-lo)%step == 0 {
				label = decadeLabel(k)
			}
			ticks = append(ticks, plot.Tick{Value: v, Label: label})
		}
		if step == 1 {
			for m := 2; m <= 9; m++ {
				if w := float64(m) * v; w >= min && w <= max {
					ticks = append(ticks, plot.Tick{Value: w})
				}
			}
		}
	}
	labelled := 0
	for _, t := range ticks {
		if t.Label != "" {
			labelled++
		}
	}
	if labelled < 2 { // less than about a decade: label 2x and 5x too
		for i, t := range ticks {
			if mant := t.Value / math.Pow10(int(math.Floor(math.Log10(t.Value)+1e-9))); t.Label == "" && (math.Abs(mant-2) < 1e-9 || math.Abs(mant-5) < 1e-9) {
				ticks[i].Label = strconv.FormatFloat(t.Value, 'g', 3, 64)
			}
		}
	}
	return ticks
}

func decadeLabel(k int) string {
	if k >= -3 && k <= 4 {
		return strconv.FormatFloat(math.Pow10(k), 'f', -1, 64)
	}
	return fmt.Sprintf("1e%+03d", k)
}

// SeriesOf turns named quantities of a training history into PositiveSeries for
// Curves: get is the history's series function (nclab/train.Series,
// nclab/ufm.Series), each name one quantity, used as the legend. A quantity with
// no positive value is left out; an error of get is returned.
func SeriesOf[R any](get func(records []R, name string) (x, y []float64, err error), records []R, names ...string) ([]Series, error) {
	var out []Series
	for _, name := range names {
		x, y, err := get(records, name)
		if err != nil {
			return nil, err
		}
		if s := PositiveSeries(name, x, y); len(s.X) > 0 {
			out = append(out, s)
		}
	}
	return out, nil
}
