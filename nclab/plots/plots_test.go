package plots

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/etf"
	"github.com/nclab/nclab/nclab/labelset"
)

var regen = flag.Bool("regen", false, "rewrite testdata/*_golden.png from the current drawings")

// golden compares a rendered PNG with testdata/NAME_golden.png: the images must have
// the same size and at most 0.5 % of their pixels may differ by more than 32 (of 255)
// in some channel — room for anti-aliasing differences, none for a moved line, a
// missing label or another colour map. On a mismatch the new image is written next
// to the golden one as NAME_got.png for a look.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+"_golden.png")
	if *regen {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./nclab/plots -regen to create it, then look at it)", err)
	}
	if diff, err := pixelDifference(want, got); err != nil || diff > 0.005 {
		gotPath := filepath.Join("testdata", name+"_got.png")
		_ = os.WriteFile(gotPath, got, 0o644)
		t.Errorf("%s differs from %s: %.3f %% of pixels differ (err %v); see %s", name, path, 100*diff, err, gotPath)
	}
}

func pixelDifference(a, b []byte) (float64, error) {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return 1, err
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return 1, err
	}
	if ia.Bounds() != ib.Bounds() {
		return 1, fmt.Errorf("sizes %v and %v", ia.Bounds(), ib.Bounds())
	}
	r := ia.Bounds()
	differ := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := ia.At(x, y).RGBA()
			r2, g2, b2, a2 := ib.At(x, y).RGBA()
			for _, d := range []int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8), int(a1>>8) - int(a2>>8)} {
				if d > 32 || d < -32 {
					differ++
					break
				}
			}
		}
	}
	return float64(differ) / float64(r.Dx()*r.Dy()), nil
}

func TestPixelDifferenceSeesAChange(t *testing.T) {
	// The comparison itself must be able to fail: a plot against another plot.
	a := mustPNG(t, mustCurves(t, "a"))
	b := mustPNG(t, mustCurves(t, "a quite different and much longer title"))
	if d, err := pixelDifference(a, a); err != nil || d != 0 {
		t.Fatalf("identical images differ: %v %v", d, err)
	}
	if d, err := pixelDifference(a, b); err != nil || d <= 0.005 {
		t.Fatalf("a changed title went unnoticed: %.4f of pixels differ (err %v)", d, err)
	}
}

func mustPNG(t *testing.T, p *plot.Plot) []byte {
	t.Helper()
	b, err := PNG(p, 6, 4)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustCurves(t *testing.T, title string) *plot.Plot {
	t.Helper()
	epochs := []float64{0, 20, 40, 60, 80, 100}
	p, err := Curves(title, "epoch", "metric (log scale)", true,
		Series{Name: "NC1", X: epochs, Y: []float64{3, 0.5, 0.08, 0.01, 2e-3, 5e-4}},
		Series{Name: "NC2 (W)", X: epochs, Y: []float64{0.9, 0.4, 0.1, 0.05, 0.03, 0.02}},
		Series{Name: "angle ratio", X: epochs, Y: []float64{1, 0.3, 0.05, 5e-3, 1e-3, 3e-4}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCurvesGolden(t *testing.T) {
	golden(t, "curves", mustPNG(t, mustCurves(t, "Collapse metrics during training")))
}

func TestCurvesErrors(t *testing.T) {
	cases := map[string][]Series{
		"y = 0":     {{Name: "s", X: []float64{1, 2}, Y: []float64{1, 0}}},
		"lengths":   {{Name: "s", X: []float64{1, 2}, Y: []float64{1}}},
		"NaN":       {{Name: "s", X: []float64{1, 2}, Y: []float64{1, math.NaN()}}},
		"empty":     {{Name: "s"}},
		"no series": nil,
	}
	for name, series := range cases {
		if _, err := Curves("t", "x", "y", true, series...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A zero is fine on a linear axis.
	if _, err := Curves("t", "x", "y", false, Series{Name: "s", X: []float64{1, 2}, Y: []float64{1, 0}}); err != nil {
		t.Errorf("linear axis with y = 0: %v", err)
	}
}

func TestGramHeatmapGolden(t *testing.T) {
	w, err := etf.Embedded(4, 6, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	p, err := GramHeatmap("Gram matrix of a simplex ETF (K = 4): 1 and -1/3", w, []string{"w0", "w1", "w2", "w3"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "gram", mustPNG(t, p))
}

func TestHeatmapErrors(t *testing.T) {
	if _, err := GramHeatmap("zero row", mat.NewDense(2, 2, []float64{1, 0, 0, 0}), nil); err == nil {
		t.Error("a zero row gave no error")
	}
	if _, err := Heatmap("labels", mat.NewDense(2, 2, nil), []string{"a"}, nil); err == nil {
		t.Error("1 label for 2 rows gave no error")
	}
	if _, err := Heatmap("NaN", mat.NewDense(1, 1, []float64{math.NaN()}), nil, nil); err == nil {
		t.Error("NaN gave no error")
	}
}

// collapsedFeatures returns features with Theorem 1's geometry plus seeded noise: the
// rows of a simplex ETF W (K x d) as class directions, a sample with label set S at
// c_m * sum_{k in S} w_k (c_1 = 1, c_2 = 0.8, c_3 = 0.7), n samples per set of every
// multiplicity in ms.
func collapsedFeatures(t *testing.T, k, d, n int, ms []int, noise float64) (*mat.Dense, []labelset.Set, *mat.Dense) {
	t.Helper()
	w, err := etf.Embedded(k, d, 7, false)
	if err != nil {
		t.Fatal(err)
	}
	c := map[int]float64{1: 1, 2: 0.8, 3: 0.7}
	rng := rand.New(rand.NewPCG(1, 2))
	var rows []float64
	var sets []labelset.Set
	for _, m := range ms {
		for _, s := range labelset.All(k, m) {
			for i := 0; i < n; i++ {
				for j := 0; j < d; j++ {
					v := 0.0
					for _, cl := range s {
						v += c[m] * w.At(cl, j)
					}
					rows = append(rows, v+noise*rng.NormFloat64())
				}
				sets = append(sets, s)
			}
		}
	}
	return mat.NewDense(len(sets), d, rows), sets, w
}

func TestProjectKeepsTheMeansGeometry(t *testing.T) {
	// Noise-free ETF features: the class means span the projection plane exactly
	// (K = 3, rank 2), so the projection keeps their norms (1) and their angles
	// (cosine -1/2); axis 1 points along mu_0 and mu_1 has a positive second coordinate.
	f, sets, _ := collapsedFeatures(t, 3, 5, 2, []int{1, 2}, 0)
	p, err := Project(f, sets, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := p.summarise(SumOfTags)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum) != 6 {
		t.Fatalf("%d label sets, want 3 singles + 3 pairs", len(sum))
	}
	mu := func(i int) []float64 { return sum[i].mean }
	const tol = 1e-12
	if math.Abs(mu(0)[0]-1) > tol || math.Abs(mu(0)[1]) > tol {
		t.Errorf("mu_0 projects to %v, want (1, 0)", mu(0))
	}
	if !(mu(1)[1] > 0) {
		t.Errorf("mu_1 projects to %v, want a positive second coordinate", mu(1))
	}
	for i := 0; i < 3; i++ {
		if n := math.Hypot(mu(i)[0], mu(i)[1]); math.Abs(n-1) > tol {
			t.Errorf("|mu_%d| = %v after projection, want 1", i, n)
		}
	}
	if cos := mu(0)[0]*mu(1)[0] + mu(0)[1]*mu(1)[1]; math.Abs(cos+0.5) > tol {
		t.Errorf("cos(mu_0, mu_1) = %v, want -1/2", cos)
	}
	// Pair {0,1}: its mean is 0.8 (w_0 + w_1), so 0.8 times its reference (the sum).
	pair := sum[3]
	if pair.set.Key() != "0+1" || !pair.hasRef {
		t.Fatalf("4th summary is %v (ref %v), want {0,1} with a reference", pair.set, pair.hasRef)
	}
	for j := range pair.mean {
		if math.Abs(pair.mean[j]-0.8*pair.ref[j]) > tol {
			t.Errorf("pair mean %v is not 0.8 x the sum of its tags' means %v", pair.mean, pair.ref)
		}
	}
}

func TestProjectErrors(t *testing.T) {
	f, sets, _ := collapsedFeatures(t, 3, 4, 1, []int{2}, 0) // no single-label samples
	if _, err := Project(f, sets, 3, 2); err == nil || !strings.Contains(err.Error(), "no multiplicity-1") {
		t.Errorf("no single-label samples: err = %v", err)
	}
	f, sets, _ = collapsedFeatures(t, 3, 4, 1, []int{1}, 0)
	if _, err := Project(f, sets[:2], 3, 2); err == nil {
		t.Error("row/label-set mismatch gave no error")
	}
	if _, err := Project(f, sets, 3, 4); err == nil {
		t.Error("dims = 4 gave no error")
	}
	if _, err := Project(f, sets, 2, 2); err == nil {
		t.Error("a label outside [0, K) gave no error")
	}
}

func TestScatter2DGolden(t *testing.T) {
	f, sets, _ := collapsedFeatures(t, 3, 5, 30, []int{1, 2}, 0.05)
	p, err := Project(f, sets, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := Scatter2D("K = 3: pair means on the sum of their tags' means", p, SumOfTags)
	if err != nil {
		t.Fatal(err)
	}
	b, err := PNG(pl, 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "scatter2d", b)
}

func TestScatter3DGolden(t *testing.T) {
	f, sets, _ := collapsedFeatures(t, 4, 6, 20, []int{1, 2, 3}, 0.04)
	p, err := Project(f, sets, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := Scatter3D("K = 4 in 3-D, set means against the average of their tags", p, AverageOfTags, 30, 20)
	if err != nil {
		t.Fatal(err)
	}
	b, err := PNG(pl, 6, 6)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "scatter3d", b)
	if _, err := Scatter2D("wrong dims", p, SumOfTags); err == nil {
		t.Error("Scatter2D of a 3-D projection gave no error")
	}
}

func TestGroupedBarsGolden(t *testing.T) {
	p, err := GroupedBars("F1 by dataset", "F1 (%)", []string{"c10-L", "c10-M", "c10-S", "SVHN"},
		Bars{Name: "ONN", Values: []float64{71, 68, 60, 88}},
		Bars{Name: "OvA", Values: []float64{65, 60, 49, 85}},
	)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "bars", mustPNG(t, p))
	if _, err := GroupedBars("t", "y", []string{"a"}, Bars{Name: "x", Values: []float64{1, 2}}); err == nil {
		t.Error("2 values for 1 group gave no error")
	}
}

func TestContactSheetGolden(t *testing.T) {
	var images []image.Image
	var captions []string
	for i := 0; i < 6; i++ {
		pix := make([]float32, 16*16)
		for y := 0; y < 16; y++ {
			for x := 0; x < 16; x++ {
				if (x/4+y/4+i)%2 == 0 {
					pix[16*y+x] = float32(i+1) / 6
				}
			}
		}
		img, err := ImageFromFloats(pix, 16, 16, 1)
		if err != nil {
			t.Fatal(err)
		}
		images = append(images, img)
		captions = append(captions, labelset.MustNew(10, i, (i+3)%10).String())
	}
	rows, err := ContactSheet(images, captions, 3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := GridPNG(rows, 4.5, 3.2)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sheet", b)
}

// SetSheet captions each tile with its label set and draws the stored pixels.
func TestSetSheet(t *testing.T) {
	s := &data.Set{Name: "tiny", K: 3, Height: 2, Width: 2, Channels: 1, Pixels: []uint8{10, 20, 30, 40, 50, 60, 70, 80},
		Labels: []labelset.Set{{0}, {1, 2}}}
	rows, err := SetSheet(s, []int{1, 0}, 2)
	if err != nil || len(rows) != 1 || len(rows[0]) != 2 {
		t.Fatalf("SetSheet: %v, %d rows", err, len(rows))
	}
	if got := rows[0][0].Title.Text + " " + rows[0][1].Title.Text; got != "{1,2} {0}" {
		t.Errorf("captions %q, want \"{1,2} {0}\"", got)
	}
	if _, err := SetSheet(s, []int{2}, 2); err == nil {
		t.Error("index out of range accepted")
	}
	s.Channels, s.Pixels = 2, make([]uint8, 16)
	if _, err := SetSheet(s, []int{0}, 2); err == nil {
		t.Error("2-channel images accepted")
	}
}

func TestImageFromFloats(t *testing.T) {
	img, err := ImageFromFloats([]float32{0, 0.5, 1, 2, -1, 0.25}, 1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	// Pixel 0: (0, 0.5, 1) -> (0, 128, 255); pixel 1 clipped: (1, 0, 0.25) -> (255, 0, 64).
	r, g, b, _ := img.At(0, 0).RGBA()
	if r>>8 != 0 || g>>8 != 128 || b>>8 != 255 {
		t.Errorf("pixel 0 = %d %d %d", r>>8, g>>8, b>>8)
	}
	r, g, b, _ = img.At(1, 0).RGBA()
	if r>>8 != 255 || g>>8 != 0 || b>>8 != 64 {
		t.Errorf("pixel 1 = %d %d %d", r>>8, g>>8, b>>8)
	}
	if _, err := ImageFromFloats([]float32{1, 2}, 1, 1, 1); err == nil {
		t.Error("wrong length gave no error")
	}
	if _, err := ImageFromFloats([]float32{float32(math.NaN())}, 1, 1, 1); err == nil {
		t.Error("NaN gave no error")
	}
}

func TestSVG(t *testing.T) {
	b, err := SVG(mustCurves(t, "svg"), 6, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("<svg")) || !bytes.Contains(b, []byte("NC1")) {
		t.Errorf("SVG lacks <svg or the legend text NC1: %.200s", b)
	}
	if _, err := SVG(nil, 6, 4); err == nil {
		t.Error("nil plot gave no error")
	}
	if _, err := PNG(mustCurves(t, "x"), 0, 4); err == nil {
		t.Error("zero width gave no error")
	}
}

func TestDecadeTicks(t *testing.T) {
	// 3e-4 .. 2: decades 1e-4 .. 1 inside; labels 0.001, 0.01, 0.1, 1 and minor ticks.
	var labels []string
	minor := 0
	for _, tick := range (DecadeTicks{}).Ticks(3e-4, 2) {
		if tick.Label != "" {
			labels = append(labels, tick.Label)
		} else {
			minor++
		}
	}
	if got := strings.Join(labels, " "); got != "0.001 0.01 0.1 1" {
		t.Errorf("labels %q, want \"0.001 0.01 0.1 1\"", got)
	}
	if minor != 7+8*3+1 { // 4e-4..9e-4, 2e-3..9e-3, ..., 2e-1..9e-1, 2
		t.Errorf("%d minor ticks, want %d", minor, 7+8*3+1)
	}
	// 16 decades: labels every third decade, in exponent form below 1e-3.
	labels = nil
	for _, tick := range (DecadeTicks{}).Ticks(1e-15, 2) {
		if tick.Label != "" {
			labels = append(labels, tick.Label)
		}
	}
	if got := strings.Join(labels, " "); got != "1e-15 1e-12 1e-09 1e-06 0.001 1" {
		t.Errorf("labels %q", got)
	}
}

func TestPositiveSeries(t *testing.T) {
	s := PositiveSeries("nc", []float64{1, 2, 3, 4, 5}, []float64{0.5, 0, -1, math.NaN(), 2})
	if fmt.Sprint(s.X, s.Y) != "[1 5] [0.5 2]" {
		t.Errorf("kept %v %v, want x [1 5] y [0.5 2]", s.X, s.Y)
	}
}

func TestDecadeTicksShortRange(t *testing.T) {
	// 0.35 .. 4.5 holds one power of ten: 0.5, 2 and 4.5's neighbours 2x and 5x get labels too.
	var labels []string
	for _, tick := range (DecadeTicks{}).Ticks(0.35, 4.5) {
		if tick.Label != "" {
			labels = append(labels, tick.Label)
		}
	}
	if got := strings.Join(labels, " "); got != "0.5 1 2" {
		t.Errorf("labels %q, want \"0.5 1 2\"", got)
	}
}

func TestSeriesOf(t *testing.T) {
	get := func(recs []float64, name string) (x, y []float64, err error) {
		if name == "bad" {
			return nil, nil, fmt.Errorf("no such quantity")
		}
		for i, v := range recs {
			if name == "neg" {
				v = -v
			}
			x, y = append(x, float64(i)), append(y, v)
		}
		return x, y, nil
	}
	got, err := SeriesOf(get, []float64{0, 2, 3}, "pos", "neg")
	if err != nil || len(got) != 1 || got[0].Name != "pos" || len(got[0].X) != 2 || got[0].Y[0] != 2 {
		t.Errorf("SeriesOf = %+v, %v; want one series \"pos\" with the two positive points", got, err)
	}
	if _, err := SeriesOf(get, []float64{1}, "pos", "bad"); err == nil {
		t.Error("SeriesOf: get's error lost")
	}
}
