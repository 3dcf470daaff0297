package plots

import (
	"bytes"
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution of the PNG images: 96 dots per inch, so a 6 x 4 inch plot is
// 576 x 384 pixels.
const DPI = 96

// PNG renders p as a PNG image of widthInches x heightInches.
func PNG(p *plot.Plot, widthInches, heightInches float64) ([]byte, error) {
	return GridPNG([][]*plot.Plot{{p}}, widthInches, heightInches)
}

// SVG renders p as an SVG document of widthInches x heightInches.
func SVG(p *plot.Plot, widthInches, heightInches float64) ([]byte, error) {
	if err := checkSize(widthInches, heightInches); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, fmt.Errorf("plots: SVG of a nil plot")
	}
	c := vgsvg.New(vg.Length(widthInches)*vg.Inch, vg.Length(heightInches)*vg.Inch)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plots: writing SVG: %w", err)
	}
	return buf.Bytes(), nil
}

// GridPNG renders rows of plots side by side as one PNG image of widthInches x
// heightInches in all. A nil plot leaves its tile empty; rows may differ in length.
func GridPNG(rows [][]*plot.Plot, widthInches, heightInches float64) ([]byte, error) {
	if err := checkSize(widthInches, heightInches); err != nil {
		return nil, err
	}
	cols := 0
	for _, row := range rows {
		cols = max(cols, len(row))
	}
	if len(rows) == 0 || cols == 0 {
		return nil, fmt.Errorf("plots: a grid needs at least one plot")
	}
	grid := make([][]*plot.Plot, len(rows))
	for i, row := range rows {
		grid[i] = make([]*plot.Plot, cols)
		copy(grid[i], row)
	}
	img := vgimg.NewWith(
		vgimg.UseWH(vg.Length(widthInches)*vg.Inch, vg.Length(heightInches)*vg.Inch),
		vgimg.UseDPI(DPI),
	)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: len(rows), Cols: cols, PadX: vg.Millimeter, PadY: vg.Millimeter}
	canvases := plot.Align(grid, tiles, dc)
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plots: writing PNG: %w", err)
	}
	return buf.Bytes(), nil
}

func checkSize(w, h float64) error {
	if !(w > 0 && h > 0 && w <= 100 && h <= 100) {
		return fmt.Errorf("plots: size %g x %g inches: want each side in (0, 100]", w, h)
	}
	return nil
}
