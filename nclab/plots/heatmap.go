package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// Heatmap draws the matrix m cell by cell on a blue-white-red scale symmetric around 0
// (blue negative, red positive), row 0 at the top, with each value written in its cell
// (as %.2f; matrices larger than 12 x 12 go without the numbers). rowLabels and
// colLabels name the rows and columns (nil numbers them from 0).
func Heatmap(title string, m mat.Matrix, rowLabels, colLabels []string) (*plot.Plot, error) {
	if m == nil {
		return nil, fmt.Errorf("plots: Heatmap %q: nil matrix", title)
	}
	r, c := m.Dims()
	if r == 0 || c == 0 {
		return nil, fmt.Errorf("plots: Heatmap %q: empty %d x %d matrix", title, r, c)
	}
	if rowLabels == nil {
		rowLabels = numbered(r)
	}
	if colLabels == nil {
		colLabels = numbered(c)
	}
	if len(rowLabels) != r || len(colLabels) != c {
		return nil, fmt.Errorf("plots: Heatmap %q: %d x %d matrix with %d row and %d column labels", title, r, c, len(rowLabels), len(colLabels))
	}
	limit := 0.0
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := m.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("plots: Heatmap %q: entry (%d, %d) is %g", title, i, j, v)
			}
			limit = math.Max(limit, math.Abs(v))
		}
	}
	if limit == 0 {
		limit = 1
	}
	colors := moreland.SmoothBlueRed()
	colors.SetMin(-limit)
	colors.SetMax(limit)
	heat := plotter.NewHeatMap(grid{m: m}, colors.Palette(255))
	heat.Min, heat.Max = -limit, limit

	p := plot.New()
	p.Title.Text = title
	p.Add(heat)
	p.X.Tick.Marker = labelTicks(colLabels, func(j int) float64 { return float64(j) })
	p.Y.Tick.Marker = labelTicks(rowLabels, func(i int) float64 { return float64(r - 1 - i) })
	p.X.Padding, p.Y.Padding = 0, 0

	if r <= 12 && c <= 12 {
		var values plotter.XYLabels
		values.XYs = make(plotter.XYs, 0, r*c)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				values.XYs = append(values.XYs, plotter.XY{X: float64(j), Y: float64(r - 1 - i)})
				values.Labels = append(values.Labels, fmt.Sprintf("%.2f", m.At(i, j)))
			}
		}
		labels, err := plotter.NewLabels(values)
		if err != nil {
			return nil, fmt.Errorf("plots: Heatmap %q: %w", title, err)
		}
		size := vg.Points(10)
		if r > 6 || c > 6 {
			size = vg.Points(7)
		}
		for k := range labels.TextStyle {
			v := m.At(k/c, k%c)
			style := labels.TextStyle[k]
			style.Font.Size = size
			style.XAlign, style.YAlign = text.XCenter, text.YCenter
			style.Color = color.Black
			if math.Abs(v) > 0.6*limit {
				style.Color = color.White
			}
			labels.TextStyle[k] = style
		}
		p.Add(labels)
	}
	return p, nil
}

// GramHeatmap draws the cosine Gram matrix of the rows of a (K x d): entry (i, j) is
// cos(a_i, a_j). For a simplex ETF (METHOD.md §4) it is 1 on the diagonal and -1/(K-1)
// elsewhere; use it on the classifier W or on the centred class means M. A zero row
// is an error (its cosines are undefined).
func GramHeatmap(title string, a mat.Matrix, labels []string) (*plot.Plot, error) {
	if a == nil {
		return nil, fmt.Errorf("plots: GramHeatmap %q: nil matrix", title)
	}
	k, d := a.Dims()
	if k == 0 || d == 0 {
		return nil, fmt.Errorf("plots: GramHeatmap %q: empty %d x %d matrix", title, k, d)
	}
	unit := mat.NewDense(k, d, nil)
	for i := 0; i < k; i++ {
		row := mat.Row(nil, i, a)
		norm := mat.Norm(mat.NewVecDense(d, row), 2)
		if norm == 0 || math.IsNaN(norm) || math.IsInf(norm, 0) {
			return nil, fmt.Errorf("plots: GramHeatmap %q: row %d has norm %g: cosines undefined", title, i, norm)
		}
		for j := range row {
			unit.Set(i, j, row[j]/norm)
		}
	}
	var gram mat.Dense
	gram.Mul(unit, unit.T())
	return Heatmap(title, &gram, labels, labels)
}

// grid adapts a matrix to plotter.GridXYZ with row 0 drawn at the top.
type grid struct{ m mat.Matrix }

func (g grid) Dims() (c, r int)   { r, c = g.m.Dims(); return c, r }
func (g grid) Z(c, r int) float64 { rows, _ := g.m.Dims(); return g.m.At(rows-1-r, c) }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }

// labelTicks puts label i at position(i), no other ticks.
func labelTicks(labels []string, position func(int) float64) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(labels))
	for i, l := range labels {
		ticks[i] = plot.Tick{Value: position(i), Label: l}
	}
	return ticks
}

func numbered(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint(i)
	}
	return s
}
