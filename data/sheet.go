package data

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math/rand/v2"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// SheetOptions lays out a contact sheet.
type SheetOptions struct {
	Columns int // tiles per row; default 8
	Scale   int // pixel repetition of each image; default 1 (2 for images under 40 px)
}

// ContactSheet draws the images at indices in a grid, each with its label set written
// underneath ("{3,7}"), on a white background: a quick look at what a recipe built.
// Grey images (1 channel) and RGB images (3 channels) are drawn as stored, not normalised.
func ContactSheet(s *Set, indices []int, opt SheetOptions) (*image.RGBA, error) {
	if s.Channels != 1 && s.Channels != 3 {
		return nil, fmt.Errorf("data: contact sheet of %d-channel images: want 1 or 3", s.Channels)
	}
	if len(indices) == 0 {
		return nil, fmt.Errorf("data: contact sheet of %s: no images asked for", s.Name)
	}
	for _, i := range indices {
		if i < 0 || i >= s.Len() {
			return nil, fmt.Errorf("data: contact sheet: index %d outside the %d images of %s", i, s.Len(), s.Name)
		}
	}
	if opt.Columns <= 0 {
		opt.Columns = 8
	}
	if opt.Scale <= 0 {
		opt.Scale = 1
		if s.Height < 40 {
			opt.Scale = 2
		}
	}
	face := basicfont.Face7x13
	const textHeight, pad = 15, 4
	tileW, tileH := s.Width*opt.Scale, s.Height*opt.Scale
	cellW, cellH := tileW+2*pad, tileH+textHeight+2*pad
	cols := min(opt.Columns, len(indices))
	rows := (len(indices) + cols - 1) / cols
	img := image.NewRGBA(image.Rect(0, 0, cols*cellW, rows*cellH))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for t, i := range indices {
		x0, y0 := (t%cols)*cellW+pad, (t/cols)*cellH+pad
		pix := s.Image(i)
		for y := range tileH {
			for x := range tileW {
				p := ((y/opt.Scale)*s.Width + x/opt.Scale) * s.Channels
				c := color.RGBA{pix[p], pix[p], pix[p], 255}
				if s.Channels == 3 {
					c.G, c.B = pix[p+1], pix[p+2]
				}
				img.SetRGBA(x0+x, y0+y, c)
			}
		}
		label := s.Labels[i].String()
		if maxChars := cellW / 7; len(label) > maxChars && maxChars > 2 {
			label = label[:maxChars-2] + ".."
		} else if len(label) > maxChars {
			label = label[:maxChars]
		}
		d := font.Drawer{Dst: img, Src: image.Black, Face: face,
			Dot: fixed.P(x0, y0+tileH+textHeight-3)}
		d.DrawString(label)
	}
	return img, nil
}

// WriteContactSheet encodes ContactSheet as PNG.
func WriteContactSheet(w io.Writer, s *Set, indices []int, opt SheetOptions) error {
	img, err := ContactSheet(s, indices, opt)
	if err != nil {
		return err
	}
	return png.Encode(w, img)
}

// SampleIndices picks up to n images of each multiplicity present (in increasing
// multiplicity), at random with the given seed: the usual contents of a contact sheet.
func SampleIndices(s *Set, n int, seed int64) []int {
	byM := map[int][]int{}
	maxM := 0
	for i, l := range s.Labels {
		byM[len(l)] = append(byM[len(l)], i)
		maxM = max(maxM, len(l))
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5348454554)) // "SHEET"
	var out []int
	for m := 1; m <= maxM; m++ {
		idx := byM[m]
		for _, j := range rng.Perm(len(idx))[:min(n, len(idx))] {
			out = append(out, idx[j])
		}
	}
	return out
}
