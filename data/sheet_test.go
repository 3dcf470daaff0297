package data

import (
	"image/color"
	"testing"

	"github.com/nclab/nclab/nclab/labelset"
)

// Each tile shows its image's pixels (grey -> R=G=B) at the cell's 4-px inset, and the
// label text below it puts dark pixels on the white background.
func TestContactSheetTiles(t *testing.T) {
	s := &Set{Name: "tiny", K: 3, Height: 2, Width: 2, Channels: 1, Pixels: []uint8{10, 20, 30, 40, 50, 60, 70, 80},
		Labels: []labelset.Set{{0}, {1, 2}}}
	img, err := ContactSheet(s, []int{1, 0}, SheetOptions{Columns: 2, Scale: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Cells are 2+8 = 10 px wide and 2+15+8 = 25 px high: 20 x 25 for two columns.
	if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 25 {
		t.Fatalf("bounds %v, want 20x25", b)
	}
	if got := img.RGBAAt(4, 4); got != (color.RGBA{50, 50, 50, 255}) { // image 1, pixel (0,0)
		t.Errorf("tile 0 pixel (0,0) = %v, want grey 50", got)
	}
	if got := img.RGBAAt(10+4+1, 4+1); got != (color.RGBA{40, 40, 40, 255}) { // image 0, pixel (1,1)
		t.Errorf("tile 1 pixel (1,1) = %v, want grey 40", got)
	}
	dark := 0
	for y := 6; y < 25; y++ {
		for x := range 10 {
			if img.RGBAAt(x, y).R < 128 {
				dark++
			}
		}
	}
	if dark == 0 {
		t.Error("no label text under tile 0")
	}
	if _, err := ContactSheet(s, []int{2}, SheetOptions{}); err == nil {
		t.Error("index out of range accepted")
	}
}

// A label set too long for its tile is cut, not an error (COCO images have many labels).
func TestContactSheetLongLabels(t *testing.T) {
	s := &Set{Name: "wide", K: 50, Height: 56, Width: 56, Channels: 3, Pixels: make([]uint8, 56*56*3),
		Labels: []labelset.Set{{10, 20, 30, 40, 49}}}
	for _, scale := range []int{1, 3} {
		if _, err := ContactSheet(s, []int{0}, SheetOptions{Scale: scale}); err != nil {
			t.Errorf("scale %d: %v", scale, err)
		}
	}
}
