package plots_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"

	"gonum.org/v1/gonum/mat"

	"github.com/nclab/nclab/nclab/etf"
	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/plots"
)

// Collapse metrics over training on a log axis, rendered as a PNG for
// gonbui.DisplayPng.
func ExampleCurves() {
	epochs := []float64{0, 10, 20, 30}
	p, err := plots.Curves("NC1 during training", "epoch", "NC1 (log scale)", true,
		plots.Series{Name: "NC1", X: epochs, Y: []float64{2, 0.3, 0.02, 0.004}})
	if err != nil {
		log.Fatal(err)
	}
	b, err := plots.PNG(p, 6, 4)
	if err != nil {
		log.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pixels:", img.Bounds().Dx(), "x", img.Bounds().Dy())
	// Output:
	// pixels: 576 x 384
}

// Features of a collapsed K = 3 problem in 4 dimensions: class k at the k-th row of a
// simplex ETF, the pair {0,1} at 0.8 (w_0 + w_1). Project puts mu_0 on axis 1 and keeps
// lengths and angles inside the span of the class means, so the pair lands at
// 0.8 (w_0 + w_1) = -0.8 w_2, opposite class 2.
func ExampleProject() {
	w, err := etf.Embedded(3, 4, 1, false)
	if err != nil {
		log.Fatal(err)
	}
	features := mat.NewDense(4, 4, nil)
	for k := 0; k < 3; k++ {
		features.SetRow(k, mat.Row(nil, k, w))
	}
	pair := make([]float64, 4)
	for j := range pair {
		pair[j] = 0.8 * (w.At(0, j) + w.At(1, j))
	}
	features.SetRow(3, pair)
	sets := []labelset.Set{{0}, {1}, {2}, {0, 1}}
	p, err := plots.Project(features, sets, 3, 2)
	if err != nil {
		log.Fatal(err)
	}
	for i, s := range sets {
		fmt.Printf("%-6v (%+.3f, %+.3f)\n", s, p.Coords.At(i, 0), p.Coords.At(i, 1))
	}
	// Output:
	// {0}    (+1.000, +0.000)
	// {1}    (-0.500, +0.866)
	// {2}    (-0.500, -0.866)
	// {0,1}  (+0.400, +0.693)
}
