package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nclab/nclab/nclab/labelset"
)

// Projection holds features projected to 2 or 3 dimensions with their label sets.
type Projection struct {
	// Coords is N x Dims: sample i's coordinates in the projection basis.
	Coords *mat.Dense
	// Sets[i] is sample i's label set.
	Sets []labelset.Set
	// K is the number of classes.
	K int
	// Basis is d x Dims with orthonormal columns: Coords = features * Basis.
	Basis *mat.Dense
}

// Project projects features (N x d, one row per sample) onto a dims-dimensional (2 or 3)
// basis of the span of the uncentred multiplicity-1 class means mu_0..mu_{K-1}
// (METHOD.md §5): their top principal directions, rotated so that axis 1 points along
// mu_0, axis 2 lies in the plane of mu_0 and mu_1 (mu_1 on its positive side), and
// axis 3 follows mu_2 likewise. The means are not centred, so the origin of the picture
// is the origin of feature space (where Theorem 1 puts samples carrying every label).
// Every class needs at least one sample of multiplicity 1.
func Project(features mat.Matrix, sets []labelset.Set, k, dims int) (*Projection, error) {
	if dims != 2 && dims != 3 {
		return nil, fmt.Errorf("plots: Project: dims = %d, want 2 or 3", dims)
	}
	if features == nil {
		return nil, fmt.Errorf("plots: Project: nil features")
	}
	n, d := features.Dims()
	if n != len(sets) {
		return nil, fmt.Errorf("plots: Project: %d feature rows but %d label sets", n, len(sets))
	}
	if d < dims {
		return nil, fmt.Errorf("plots: Project: features have d = %d < %d dimensions", d, dims)
	}
	if k < 2 {
		return nil, fmt.Errorf("plots: Project: K = %d, want >= 2", k)
	}
	means := mat.NewDense(k, d, nil)
	counts := make([]int, k)
	for i, s := range sets {
		for _, c := range s {
			if c < 0 || c >= k {
				return nil, fmt.Errorf("plots: Project: sample %d has label set %v outside [0, %d)", i, s, k)
			}
		}
		if len(s) != 1 {
			continue
		}
		c := s[0]
		counts[c]++
		for j := 0; j < d; j++ {
			v := features.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("plots: Project: feature (%d, %d) is %g", i, j, v)
			}
			means.Set(c, j, means.At(c, j)+v)
		}
	}
	for c, cnt := range counts {
		if cnt == 0 {
			return nil, fmt.Errorf("plots: Project: class %d has no multiplicity-1 samples: its mean defines the projection", c)
		}
		row := means.RawRowView(c)
		for j := range row {
			row[j] /= float64(cnt)
		}
	}

	// Principal directions of the means (uncentred): right singular vectors.
	var svd mat.SVD
	if !svd.Factorize(means, mat.SVDThin) {
		return nil, fmt.Errorf("plots: Project: SVD of the class means failed")
	}
	var v mat.Dense
	svd.VTo(&v)
	cols := min(dims, v.RawMatrix().Cols)
	pca := mat.NewDense(d, dims, nil)
	pca.Copy(v.Slice(0, d, 0, cols))
	// Rotate within that subspace: Gram-Schmidt on the projected means in class order.
	var projected mat.Dense
	projected.Mul(means, pca) // K x dims
	rotation := gramSchmidtRows(&projected, dims)
	basis := mat.NewDense(d, dims, nil)
	basis.Mul(pca, rotation)

	coords := mat.NewDense(n, dims, nil)
	coords.Mul(features, basis)
	return &Projection{Coords: coords, Sets: append([]labelset.Set(nil), sets...), K: k, Basis: basis}, nil
}

// gramSchmidtRows returns a dims x dims orthogonal matrix whose columns are the
// Gram-Schmidt orthonormalisation of the rows of p in order (rows that add no new
// direction are skipped; remaining columns complete the basis with unit vectors).
func gramSchmidtRows(p *mat.Dense, dims int) *mat.Dense {
	rows, _ := p.Dims()
	var basis [][]float64
	candidates := make([][]float64, 0, rows+dims)
	for i := 0; i < rows; i++ {
		candidates = append(candidates, mat.Row(nil, i, p))
	}
	for j := 0; j < dims; j++ {
		e := make([]float64, dims)
		e[j] = 1
		candidates = append(candidates, e)
	}
	for _, c := range candidates {
		if len(basis) == dims {
			break
		}
		w := append([]float64(nil), c...)
		for _, b := range basis {
			dot := 0.0
			for t := range w {
				dot += w[t] * b[t]
			}
			for t := range w {
				w[t] -= dot * b[t]
			}
		}
		norm := 0.0
		for _, x := range w {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		cNorm := 0.0
		for _, x := range c {
			cNorm += x * x
		}
		if norm <= 1e-8*math.Sqrt(cNorm) || norm == 0 {
			continue
		}
		for t := range w {
			w[t] /= norm
		}
		basis = append(basis, w)
	}
	r := mat.NewDense(dims, dims, nil)
	for j, b := range basis {
		r.SetCol(j, b)
	}
	return r
}

// Reference says what a multi-label set's mean is drawn against.
type Reference int

const (
	// SumOfTags: sum_{k in S} mu_k. Theorem 1 puts mu_S on this ray (mu_S = c_m/c_1 times it).
	SumOfTags Reference = iota
	// AverageOfTags: (1/m) sum_{k in S} mu_k, the "tag-wise average"; mu_S = gamma_m times it.
	AverageOfTags
)

func (r Reference) String() string {
	if r == AverageOfTags {
		return "average of its tags' means"
	}
	return "sum of its tags' means"
}

// setSummary is one label set's mean and reference point in projection coordinates.
type setSummary struct {
	set       labelset.Set
	mean, ref []float64
	hasRef    bool
}

// summarise computes each label set's mean (in first-seen order sorted by multiplicity
// then lexicographically) and, for multi-label sets whose tags all have single-label
// samples, the reference point.
func (p *Projection) summarise(ref Reference) ([]setSummary, error) {
	if p == nil || p.Coords == nil {
		return nil, fmt.Errorf("plots: nil projection")
	}
	n, dims := p.Coords.Dims()
	if n != len(p.Sets) {
		return nil, fmt.Errorf("plots: projection has %d rows and %d label sets", n, len(p.Sets))
	}
	type acc struct {
		set labelset.Set
		sum []float64
		n   int
	}
	byKey := map[string]*acc{}
	var order []*acc
	for i, s := range p.Sets {
		a, ok := byKey[s.Key()]
		if !ok {
			a = &acc{set: s, sum: make([]float64, dims)}
			byKey[s.Key()] = a
			order = append(order, a)
		}
		a.n++
		for j := 0; j < dims; j++ {
			a.sum[j] += p.Coords.At(i, j)
		}
	}
	sortSets(order, func(a *acc) labelset.Set { return a.set })
	classMean := map[int][]float64{}
	out := make([]setSummary, len(order))
	for i, a := range order {
		mean := make([]float64, dims)
		for j := range mean {
			mean[j] = a.sum[j] / float64(a.n)
		}
		out[i] = setSummary{set: a.set, mean: mean}
		if len(a.set) == 1 {
			classMean[a.set[0]] = mean
		}
	}
	for i := range out {
		s := out[i].set
		if len(s) < 2 {
			continue
		}
		r := make([]float64, dims)
		ok := true
		for _, c := range s {
			m, found := classMean[c]
			if !found {
				ok = false
				break
			}
			for j := range r {
				r[j] += m[j]
			}
		}
		if !ok {
			continue
		}
		if ref == AverageOfTags {
			for j := range r {
				r[j] /= float64(len(s))
			}
		}
		out[i].ref, out[i].hasRef = r, true
	}
	return out, nil
}

func sortSets[T any](items []T, set func(T) labelset.Set) {
	// insertion sort: label sets are few
	for i := 1; i < len(items); i++ {
		for j := i; j > 0; j-- {
			a, b := set(items[j-1]), set(items[j])
			if len(a) < len(b) || (len(a) == len(b) && a.Compare(b) <= 0) {
				break
			}
			items[j-1], items[j] = items[j], items[j-1]
		}
	}
}

// Scatter2D draws a 2-D Projection: every sample as a small dot coloured by its label
// set, each label set's mean as a large marker (circle for one label, triangle for
// several) on a grey spoke from the origin, and for every multi-label set its reference
// point (hollow marker: the sum or the average of its tags' means) joined to its mean
// by a dashed line. Under Theorem 1's geometry each mean sits on the ray of its
// reference: at c_m/c_1 times the sum, or gamma_m times the average. Both axes share
// one scale; render it square.
func Scatter2D(title string, p *Projection, ref Reference) (*plot.Plot, error) {
	if p != nil && p.Coords != nil {
		if _, dims := p.Coords.Dims(); dims != 2 {
			return nil, fmt.Errorf("plots: Scatter2D %q: projection has %d dimensions, want 2", title, dims)
		}
	}
	return scatter(title, p, ref, func(x []float64) (float64, float64) { return x[0], x[1] }, nil)
}

// Scatter3D draws a 3-D Projection like Scatter2D, seen from the direction given by
// azimuth and elevation in degrees (e.g. 30, 20), with the three projection axes drawn
// as grey lines through the origin.
func Scatter3D(title string, p *Projection, ref Reference, azimuth, elevation float64) (*plot.Plot, error) {
	if p != nil && p.Coords != nil {
		if _, dims := p.Coords.Dims(); dims != 3 {
			return nil, fmt.Errorf("plots: Scatter3D %q: projection has %d dimensions, want 3", title, dims)
		}
	}
	az, el := azimuth*math.Pi/180, elevation*math.Pi/180
	view := func(x []float64) (float64, float64) {
		u := -x[0]*math.Sin(az) + x[1]*math.Cos(az)
		v := -(x[0]*math.Cos(az)+x[1]*math.Sin(az))*math.Sin(el) + x[2]*math.Cos(el)
		return u, v
	}
	return scatter(title, p, ref, view, [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}})
}

func scatter(title string, p *Projection, ref Reference, view func([]float64) (float64, float64), axes [][]float64) (*plot.Plot, error) {
	summaries, err := p.summarise(ref)
	if err != nil {
		return nil, fmt.Errorf("plots: %q: %w", title, err)
	}
	n, dims := p.Coords.Dims()
	colorOf := map[string]color.Color{}
	for i, s := range summaries {
		colorOf[s.set.Key()] = plotutil.Color(i)
	}
	pl := plot.New()
	pl.Title.Text = title
	limit := 0.0
	grow := func(x, y float64) { limit = math.Max(limit, math.Max(math.Abs(x), math.Abs(y))) }

	// Samples, one scatter per label set so each gets its colour.
	row := make([]float64, dims)
	samples := map[string]plotter.XYs{}
	for i := 0; i < n; i++ {
		mat.Row(row, i, p.Coords)
		x, y := view(row)
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			return nil, fmt.Errorf("plots: %q: sample %d has coordinates %v", title, i, row)
		}
		grow(x, y)
		key := p.Sets[i].Key()
		samples[key] = append(samples[key], plotter.XY{X: x, Y: y})
	}
	if axes != nil {
		l := limit
		if l == 0 {
			l = 1
		}
		for a, dir := range axes {
			from, to := make([]float64, 3), make([]float64, 3)
			for j := range dir {
				from[j], to[j] = -l*dir[j], l*dir[j]
			}
			x0, y0 := view(from)
			x1, y1 := view(to)
			line, _ := plotter.NewLine(plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y1}})
			line.Color = color.Gray{Y: 170}
			line.Width = vg.Points(0.7)
			pl.Add(line)
			lab, _ := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x1, Y: y1}}, Labels: []string{fmt.Sprintf("axis %d", a+1)}})
			lab.TextStyle[0].Color = color.Gray{Y: 110}
			lab.TextStyle[0].Font.Size = vg.Points(8)
			pl.Add(lab)
		}
	}
	for _, s := range summaries {
		pts := samples[s.set.Key()]
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, fmt.Errorf("plots: %q: %w", title, err)
		}
		sc.Color = fade(colorOf[s.set.Key()])
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(1.3)
		pl.Add(sc)
	}

	// Spokes from the origin to each mean, and mean-to-reference dashed lines.
	for _, s := range summaries {
		mx, my := view(s.mean)
		grow(mx, my)
		spoke, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: mx, Y: my}})
		spoke.Color = color.Gray{Y: 150}
		spoke.Width = vg.Points(0.8)
		pl.Add(spoke)
		if s.hasRef {
			rx, ry := view(s.ref)
			grow(rx, ry)
			link, _ := plotter.NewLine(plotter.XYs{{X: mx, Y: my}, {X: rx, Y: ry}})
			link.Color = colorOf[s.set.Key()]
			link.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
			link.Width = vg.Points(1)
			pl.Add(link)
		}
	}
	origin, _ := plotter.NewScatter(plotter.XYs{{X: 0, Y: 0}})
	origin.Shape = draw.PlusGlyph{}
	origin.Radius = vg.Points(4)
	origin.Color = color.Black
	pl.Add(origin)

	// Means and references on top, with the legend.
	legendSets := len(summaries) <= 12
	for _, s := range summaries {
		c := colorOf[s.set.Key()]
		mx, my := view(s.mean)
		mean, _ := plotter.NewScatter(plotter.XYs{{X: mx, Y: my}})
		mean.Color = c
		mean.Radius = vg.Points(4.5)
		if len(s.set) == 1 {
			mean.Shape = draw.CircleGlyph{}
		} else {
			mean.Shape = draw.PyramidGlyph{}
		}
		pl.Add(mean)
		if legendSets {
			pl.Legend.Add(s.set.String(), mean)
		}
		if s.hasRef {
			rx, ry := view(s.ref)
			r, _ := plotter.NewScatter(plotter.XYs{{X: rx, Y: ry}})
			r.Color = c
			r.Radius = vg.Points(4.5)
			r.Shape = draw.RingGlyph{}
			pl.Add(r)
		}
	}
	// Legend entries explaining the marker kinds.
	for _, s := range summaries {
		if s.hasRef {
			hollow, _ := plotter.NewScatter(plotter.XYs{{}})
			hollow.Shape, hollow.Radius, hollow.Color = draw.RingGlyph{}, vg.Points(4.5), color.Black
			pl.Legend.Add(ref.String(), hollow)
			break
		}
	}
	or, _ := plotter.NewScatter(plotter.XYs{{}})
	or.Shape, or.Radius, or.Color = draw.PlusGlyph{}, vg.Points(4), color.Black
	pl.Legend.Add("origin", or)
	if limit == 0 {
		limit = 1
	}
	limit *= 1.1
	// The legend goes in the corner farthest from every label-set mean.
	best := -1.0
	for _, corner := range [][2]float64{{-1, 1}, {1, 1}, {-1, -1}, {1, -1}} {
		nearest := math.Inf(1)
		for _, s := range summaries {
			x, y := view(s.mean)
			nearest = math.Min(nearest, math.Hypot(x-corner[0]*limit, y-corner[1]*limit))
		}
		if nearest > best {
			best = nearest
			pl.Legend.Left, pl.Legend.Top = corner[0] < 0, corner[1] > 0
		}
	}
	pl.Legend.TextStyle.Font.Size = vg.Points(8)
	pl.Legend.Padding = vg.Points(2)
	pl.Legend.ThumbnailWidth = vg.Points(12)
	pl.X.Min, pl.X.Max = -limit, limit
	pl.Y.Min, pl.Y.Max = -limit, limit
	if axes != nil {
		pl.HideAxes()
	} else {
		pl.X.Label.Text = "axis 1 (along mu_0)"
		pl.Y.Label.Text = "axis 2"
		pl.Add(plotter.NewGrid())
	}
	return pl, nil
}

// fade mixes c with white so that samples stay behind their means.
func fade(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8((float64(v>>8) + 2*255) / 3) }
	return color.RGBA{R: mix(r), G: mix(g), B: mix(b), A: 255}
}
