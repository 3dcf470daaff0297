package plots_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"

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
