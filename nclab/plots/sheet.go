package plots

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/nclab/nclab/data"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// ImageFromFloats converts one image stored as float32 values in [0, 1], height x width x
// channels in row-major (HWC) order, with 1 (grey) or 3 (RGB) channels, to an image.
// Values outside [0, 1] are clipped; NaN is an error.
func ImageFromFloats(pixels []float32, height, width, channels int) (image.Image, error) {
	if height <= 0 || width <= 0 || (channels != 1 && channels != 3) {
		return nil, fmt.Errorf("plots: image %d x %d x %d: want positive sizes and 1 or 3 channels", height, width, channels)
	}
	if len(pixels) != height*width*channels {
		return nil, fmt.Errorf("plots: image %d x %d x %d needs %d values, got %d", height, width, channels, height*width*channels, len(pixels))
	}
	to8 := func(v float32) (uint8, error) {
		if math.IsNaN(float64(v)) {
			return 0, fmt.Errorf("plots: image has a NaN pixel")
		}
		return uint8(math.Round(255 * math.Min(1, math.Max(0, float64(v))))), nil
	}
	if channels == 1 {
		img := image.NewGray(image.Rect(0, 0, width, height))
		for i, v := range pixels {
			g, err := to8(v)
			if err != nil {
				return nil, err
			}
			img.Pix[i] = g
		}
		return img, nil
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for i := 0; i < height*width; i++ {
		var c [3]uint8
		for ch := 0; ch < 3; ch++ {
			v, err := to8(pixels[3*i+ch])
			if err != nil {
				return nil, err
			}
			c[ch] = v
		}
		img.Set(i%width, i/width, color.RGBA{R: c[0], G: c[1], B: c[2], A: 255})
	}
	return img, nil
}

// ContactSheet lays images out in rows of cols tiles, each captioned (e.g. with its
// label set, "{3,7}"); render it with GridPNG. captions must match images one to one.
func ContactSheet(images []image.Image, captions []string, cols int) ([][]*plot.Plot, error) {
	if len(images) == 0 {
		return nil, fmt.Errorf("plots: ContactSheet: no images")
	}
	if len(captions) != len(images) {
		return nil, fmt.Errorf("plots: ContactSheet: %d images but %d captions", len(images), len(captions))
	}
	if cols <= 0 {
		return nil, fmt.Errorf("plots: ContactSheet: cols = %d, want > 0", cols)
	}
	var rows [][]*plot.Plot
	for i, img := range images {
		if img == nil {
			return nil, fmt.Errorf("plots: ContactSheet: image %d is nil", i)
		}
		if i%cols == 0 {
			rows = append(rows, nil)
		}
		b := img.Bounds()
		tile := plot.New()
		tile.Title.Text = captions[i]
		tile.Add(plotter.NewImage(img, 0, 0, float64(b.Dx()), float64(b.Dy())))
		tile.HideAxes()
		tile.X.Min, tile.X.Max = 0, float64(b.Dx())
		tile.Y.Min, tile.Y.Max = 0, float64(b.Dy())
		rows[len(rows)-1] = append(rows[len(rows)-1], tile)
	}
	return rows, nil
}

// SetSheet is the ContactSheet of the images at indices of s (data.SampleIndices picks
// the usual ones), each captioned with its label set, cols to a row: a quick look at
// what a data recipe built. Pixels are drawn as stored (before any normalisation).
func SetSheet(s *data.Set, indices []int, cols int) ([][]*plot.Plot, error) {
	if s.Channels != 1 && s.Channels != 3 {
		return nil, fmt.Errorf("plots: SetSheet of %d-channel images: want 1 or 3", s.Channels)
	}
	images := make([]image.Image, len(indices))
	captions := make([]string, len(indices))
	for j, i := range indices {
		if i < 0 || i >= s.Len() {
			return nil, fmt.Errorf("plots: SetSheet: index %d outside the %d images of %s", i, s.Len(), s.Name)
		}
		pix, r := s.Image(i), image.Rect(0, 0, s.Width, s.Height)
		if s.Channels == 1 {
			images[j] = &image.Gray{Pix: pix, Stride: s.Width, Rect: r}
		} else {
			img := image.NewRGBA(r)
			for p := range s.Width * s.Height {
				copy(img.Pix[4*p:4*p+3], pix[3*p:3*p+3])
				img.Pix[4*p+3] = 255
			}
			images[j] = img
		}
		captions[j] = s.Labels[i].String()
	}
	return ContactSheet(images, captions, cols)
}
