package mlab

import (
	"fmt"
	"math/rand/v2"

	"github.com/nclab/nclab/nclab/labelset"
)

// Images is a single-label source: N images of Height x Width x Channels bytes each,
// stored NHWC in Pixels, with class Labels[i] in [0, K).
type Images struct {
	Height, Width, Channels int
	Pixels                  []uint8
	Labels                  []int
}

// Len is the number of images.
func (im *Images) Len() int { return len(im.Labels) }

// Layout chooses where the images of a label set go in the canvas; see the package doc.
type Layout int

const (
	// Roll is the M-lab MNIST layout: quadrants, cyclic roll down/right by 0..Jitter.
	Roll Layout = iota
	// Inward is the M-lab CIFAR-10 layout: corners, inward offset 0..Jitter.
	Inward
)

// String names the layout.
func (l Layout) String() string {
	switch l {
	case Roll:
		return "roll"
	case Inward:
		return "inward"
	}
	return fmt.Sprintf("Layout(%d)", int(l))
}

// SetCount asks for Count samples of label set Set.
type SetCount struct {
	Set   labelset.Set
	Count int
}

// Recipe says what to build.
type Recipe struct {
	K      int        // number of classes
	Layout Layout     // where images go
	Jitter int        // maximum roll (Roll) or inward offset (Inward), in pixels
	Plan   []SetCount // label sets and their counts, built in this order
	Seed   uint64     // seed of the PCG generator
}

// Result is a built multi-label set: N images of (2H) x (2W) x C, NHWC, and their label sets.
type Result struct {
	Height, Width, Channels int
	Pixels                  []uint8
	Labels                  []labelset.Set
	// Parts records how each image was made: the parts of image i are
	// Parts[Offsets[i]:Offsets[i+1]], one per class of Labels[i], in class order.
	Parts   []Part
	Offsets []int
}

// Part is one source image inside a built image.
type Part struct {
	Source   int // index of the source image
	Position int // TopLeft, TopRight, BottomLeft or BottomRight
	DY, DX   int // roll (Roll) or inward offset (Inward), in pixels
}

// PartsOf returns the parts of built image i.
func (r *Result) PartsOf(i int) []Part { return r.Parts[r.Offsets[i]:r.Offsets[i+1]] }

// Positions of a source image in the canvas: quadrants (Roll) or corners (Inward).
const (
	TopLeft = iota
	TopRight
	BottomLeft
	BottomRight
)

// Build makes the multi-label set described by r from the single-label source src.
func Build(src *Images, r Recipe) (*Result, error) {
	if err := validate(src, r); err != nil {
		return nil, err
	}
	total := 0
	for _, sc := range r.Plan {
		total += sc.Count
	}
	h, w, c := src.Height, src.Width, src.Channels
	res := &Result{Height: 2 * h, Width: 2 * w, Channels: c,
		Pixels: make([]uint8, total*4*h*w*c), Labels: make([]labelset.Set, 0, total), Offsets: []int{0}}
	rng := rand.New(rand.NewPCG(r.Seed, 0x6d6c6162)) // "mlab"
	streams := newStreams(src, r.K, rng)
	imageSize := 4 * h * w * c
	var positions [4]int
	i := 0
	for _, sc := range r.Plan {
		m := len(sc.Set)
		for range sc.Count {
			canvas := res.Pixels[i*imageSize : (i+1)*imageSize]
			choosePositions(rng, r.Layout, m, positions[:m])
			for j, class := range sc.Set {
				img := streams.next(class)
				dy, dx := rng.IntN(r.Jitter+1), rng.IntN(r.Jitter+1)
				place(canvas, src, img, r.Layout, positions[j], dy, dx)
				res.Parts = append(res.Parts, Part{Source: img, Position: positions[j], DY: dy, DX: dx})
			}
			res.Labels = append(res.Labels, sc.Set)
			res.Offsets = append(res.Offsets, len(res.Parts))
			i++
		}
	}
	return res, nil
}

func validate(src *Images, r Recipe) error {
	if src.Height <= 0 || src.Width <= 0 || src.Channels <= 0 {
		return fmt.Errorf("mlab: source image shape %dx%dx%d is not positive", src.Height, src.Width, src.Channels)
	}
	if len(src.Pixels) != src.Len()*src.Height*src.Width*src.Channels {
		return fmt.Errorf("mlab: source holds %d bytes, %d images of %dx%dx%d need %d", len(src.Pixels),
			src.Len(), src.Height, src.Width, src.Channels, src.Len()*src.Height*src.Width*src.Channels)
	}
	if r.Layout != Roll && r.Layout != Inward {
		return fmt.Errorf("mlab: unknown layout %v", r.Layout)
	}
	if r.Jitter < 0 || r.Jitter >= src.Height || r.Jitter >= src.Width {
		return fmt.Errorf("mlab: jitter %d outside 0..%d", r.Jitter, min(src.Height, src.Width)-1)
	}
	present := make([]bool, r.K)
	for i, l := range src.Labels {
		if l < 0 || l >= r.K {
			return fmt.Errorf("mlab: source image %d has label %d outside [0, %d)", i, l, r.K)
		}
		present[l] = true
	}
	for _, sc := range r.Plan {
		if s, err := labelset.New(r.K, sc.Set...); err != nil {
			return fmt.Errorf("mlab: plan: %w", err)
		} else if !s.Equal(sc.Set) {
			return fmt.Errorf("mlab: plan: label set %v is not sorted (want %v)", []int(sc.Set), s)
		}
		if len(sc.Set) > 4 {
			return fmt.Errorf("mlab: label set %v has %d labels; the canvas has 4 positions", sc.Set, len(sc.Set))
		}
		if sc.Count < 0 {
			return fmt.Errorf("mlab: label set %v has negative count %d", sc.Set, sc.Count)
		}
		for _, class := range sc.Set {
			if sc.Count > 0 && !present[class] {
				return fmt.Errorf("mlab: label set %v needs class %d, which has no source image", sc.Set, class)
			}
		}
	}
	return nil
}

// choosePositions fills pos with the canvas positions of the m images of a label set,
// in the order of the set's classes (see the package doc).
func choosePositions(rng *rand.Rand, layout Layout, m int, pos []int) {
	switch {
	case m == 1 && layout == Roll:
		pos[0] = BottomRight
	case m == 1:
		pos[0] = rng.IntN(4)
	case m == 2 && layout == Roll:
		pos[0], pos[1] = TopLeft, BottomRight
		if rng.IntN(2) == 1 {
			pos[0], pos[1] = BottomRight, TopLeft
		}
	case m == 2:
		pos[0] = rng.IntN(4)
		pos[1] = 3 - pos[0] // the opposite corner
	default:
		perm := rng.Perm(4)
		copy(pos, perm[:m])
	}
}

// place merges source image img into canvas (2H x 2W x C) at position p by pixel-wise max.
func place(canvas []uint8, src *Images, img int, layout Layout, p, dy, dx int) {
	h, w, c := src.Height, src.Width, src.Channels
	H, W := 2*h, 2*w
	y0, x0 := 0, 0
	if p == BottomLeft || p == BottomRight {
		y0 = h
	}
	if p == TopRight || p == BottomRight {
		x0 = w
	}
	if layout == Inward { // move toward the centre, no wrap
		if y0 == 0 {
			y0 += dy
		} else {
			y0 -= dy
		}
		if x0 == 0 {
			x0 += dx
		} else {
			x0 -= dx
		}
		dy, dx = 0, 0
	}
	pix := src.Pixels[img*h*w*c : (img+1)*h*w*c]
	for y := range h {
		cy := (y0 + y + dy) % H
		for x := range w {
			cx := (x0 + x + dx) % W
			dst := canvas[(cy*W+cx)*c : (cy*W+cx+1)*c]
			s := pix[(y*w+x)*c : (y*w+x+1)*c]
			for k := range c {
				dst[k] = max(dst[k], s[k])
			}
		}
	}
}

// streams hands out source images per class: a shuffled order, reshuffled when used up.
type streams struct {
	rng    *rand.Rand
	byCls  [][]int
	cursor []int
}

func newStreams(src *Images, k int, rng *rand.Rand) *streams {
	s := &streams{rng: rng, byCls: make([][]int, k), cursor: make([]int, k)}
	for i, l := range src.Labels {
		s.byCls[l] = append(s.byCls[l], i)
	}
	for _, idx := range s.byCls {
		shuffle(rng, idx)
	}
	return s
}

func (s *streams) next(class int) int {
	idx := s.byCls[class]
	if s.cursor[class] == len(idx) {
		shuffle(s.rng, idx)
		s.cursor[class] = 0
	}
	s.cursor[class]++
	return idx[s.cursor[class]-1]
}

func shuffle(rng *rand.Rand, idx []int) {
	rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
}
