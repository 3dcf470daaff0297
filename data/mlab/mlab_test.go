package mlab

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nclab/nclab/nclab/labelset"
)

// Two 2x2 single-channel images: class 0 = [[1 2] [3 4]], class 1 = [[5 6] [7 8]].
func tinySource() *Images {
	return &Images{Height: 2, Width: 2, Channels: 1, Pixels: []uint8{1, 2, 3, 4, 5, 6, 7, 8}, Labels: []int{0, 1}}
}

// Hand-computed: image [[1 2] [3 4]] in the bottom-right quadrant of a 4x4 canvas,
// rolled down 1 and right 1 (cyclically, like numpy.roll): row 2 -> 3, row 3 -> 0,
// column 2 -> 3, column 3 -> 0.
func TestPlaceRollHandComputed(t *testing.T) {
	canvas := make([]uint8, 16)
	place(canvas, tinySource(), 0, Roll, BottomRight, 1, 1)
	want := []uint8{
		4, 0, 0, 3,
		0, 0, 0, 0,
		0, 0, 0, 0,
		2, 0, 0, 1,
	}
	if !bytes.Equal(canvas, want) {
		t.Errorf("canvas %v, want %v", canvas, want)
	}
}

// Hand-computed: the bottom-right corner moved 1 px up and 1 px left (inward) lands in
// the centre of the 4x4 canvas; the top-left corner moved inward by (1, 0) starts at row 1.
func TestPlaceInwardHandComputed(t *testing.T) {
	canvas := make([]uint8, 16)
	place(canvas, tinySource(), 0, Inward, BottomRight, 1, 1)
	want := []uint8{
		0, 0, 0, 0,
		0, 1, 2, 0,
		0, 3, 4, 0,
		0, 0, 0, 0,
	}
	if !bytes.Equal(canvas, want) {
		t.Errorf("bottom-right: canvas %v, want %v", canvas, want)
	}
	canvas = make([]uint8, 16)
	place(canvas, tinySource(), 1, Inward, TopLeft, 1, 0)
	want = []uint8{
		0, 0, 0, 0,
		5, 6, 0, 0,
		7, 8, 0, 0,
		0, 0, 0, 0,
	}
	if !bytes.Equal(canvas, want) {
		t.Errorf("top-left: canvas %v, want %v", canvas, want)
	}
}

// Merging is pixel-wise max: [[1 2] [3 4]] and [[5 6] [7 8]] at the same spot give the
// second; the first over the second changes nothing.
func TestPlaceMergesByMax(t *testing.T) {
	canvas := make([]uint8, 16)
	src := tinySource()
	place(canvas, src, 1, Roll, TopLeft, 0, 0)
	place(canvas, src, 0, Roll, TopLeft, 0, 0)
	if want := []uint8{5, 6, 0, 0, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}; !bytes.Equal(canvas, want) {
		t.Errorf("canvas %v, want %v", canvas, want)
	}
}

// reference builds image i of res again from its recorded parts, the numpy way:
// pad the source image into a zero canvas at its quadrant (or inward-moved corner),
// roll the whole canvas (Roll), and take the element-wise max over parts.
func reference(src *Images, layout Layout, parts []Part) []uint8 {
	h, w, c := src.Height, src.Width, src.Channels
	H, W := 2*h, 2*w
	out := make([]uint8, H*W*c)
	for _, p := range parts {
		padded := make([]uint8, H*W*c)
		top := map[bool]int{false: 0, true: h}[p.Position == BottomLeft || p.Position == BottomRight]
		left := map[bool]int{false: 0, true: w}[p.Position == TopRight || p.Position == BottomRight]
		if layout == Inward {
			top += map[bool]int{false: p.DY, true: -p.DY}[top > 0]
			left += map[bool]int{false: p.DX, true: -p.DX}[left > 0]
		}
		img := src.Pixels[p.Source*h*w*c:]
		for y := range h {
			copy(padded[((top+y)*W+left)*c:((top+y)*W+left+w)*c], img[y*w*c:(y+1)*w*c])
		}
		rolled := padded
		if layout == Roll {
			rolled = make([]uint8, len(padded))
			for y := range H {
				for x := range W {
					to := (((y+p.DY)%H)*W + (x+p.DX)%W) * c
					copy(rolled[to:to+c], padded[(y*W+x)*c:(y*W+x+1)*c])
				}
			}
		}
		for i := range out {
			out[i] = max(out[i], rolled[i])
		}
	}
	return out
}

// randomSource makes n images of 6x6xc with random bytes, classes cycling 0..k-1.
func randomSource(n, k, c int) *Images {
	rng := rand.New(rand.NewPCG(7, 7))
	src := &Images{Height: 6, Width: 6, Channels: c, Pixels: make([]uint8, n*36*c), Labels: make([]int, n)}
	for i := range src.Pixels {
		src.Pixels[i] = uint8(rng.IntN(256))
	}
	for i := range src.Labels {
		src.Labels[i] = i % k
	}
	return src
}

func fullPlan(k int, counts map[int]int) []SetCount {
	var plan []SetCount
	for m := 1; m <= 3; m++ {
		for _, s := range labelset.All(k, m) {
			plan = append(plan, SetCount{Set: s, Count: counts[m]})
		}
	}
	return plan
}

// Every built image equals its independent reconstruction, and the recorded parts obey
// the recipe: source classes match the label set, shifts in 0..Jitter, Roll singles
// bottom-right, Roll pairs top-left + bottom-right, Inward pairs on a diagonal,
// triples in three distinct positions; both assignments of a pair occur.
func TestBuildMatchesReferenceAndRecipe(t *testing.T) {
	const k = 4
	for _, layout := range []Layout{Roll, Inward} {
		src := randomSource(40, k, 3)
		r := Recipe{K: k, Layout: layout, Jitter: 2, Plan: fullPlan(k, map[int]int{1: 5, 2: 6, 3: 4}), Seed: 3}
		res, err := Build(src, r)
		if err != nil {
			t.Fatal(err)
		}
		if want := 4*5 + 6*6 + 4*4; len(res.Labels) != want {
			t.Fatalf("%v: %d images, want %d", layout, len(res.Labels), want)
		}
		size := res.Height * res.Width * res.Channels
		firstTopLeft := map[int]bool{}
		corners := map[int]bool{}
		for i, set := range res.Labels {
			parts := res.PartsOf(i)
			if got := reference(src, layout, parts); !bytes.Equal(res.Pixels[i*size:(i+1)*size], got) {
				t.Fatalf("%v: image %d (%v) differs from its reconstruction", layout, i, set)
			}
			var pos []int
			for j, p := range parts {
				if src.Labels[p.Source] != set[j] {
					t.Fatalf("%v: image %d part %d is class %d, want %d", layout, i, j, src.Labels[p.Source], set[j])
				}
				if p.DY < 0 || p.DY > 2 || p.DX < 0 || p.DX > 2 {
					t.Fatalf("%v: image %d shift (%d,%d) outside 0..2", layout, i, p.DY, p.DX)
				}
				pos = append(pos, p.Position)
			}
			switch {
			case len(set) == 1 && layout == Roll:
				if pos[0] != BottomRight {
					t.Fatalf("Roll single at position %d, want bottom-right", pos[0])
				}
			case len(set) == 1:
				corners[pos[0]] = true
			case len(set) == 2 && layout == Roll:
				if !slices.Equal(pos, []int{TopLeft, BottomRight}) && !slices.Equal(pos, []int{BottomRight, TopLeft}) {
					t.Fatalf("Roll pair at positions %v, want top-left and bottom-right", pos)
				}
				firstTopLeft[pos[0]] = true
			case len(set) == 2:
				if pos[0]+pos[1] != 3 {
					t.Fatalf("Inward pair at positions %v, not opposite corners", pos)
				}
				firstTopLeft[pos[0]] = true
			default:
				if len(slices.Compact(slices.Sorted(slices.Values(pos)))) != 3 {
					t.Fatalf("triple at positions %v, want three distinct", pos)
				}
			}
		}
		if len(firstTopLeft) < 2 {
			t.Errorf("%v: the first class of a pair always went to position %v: the assignment is not random", layout, firstTopLeft)
		}
		if layout == Inward && len(corners) != 4 {
			t.Errorf("Inward singles used corners %v, want all four", corners)
		}
	}
}

// Source images are drawn without replacement within a class until the class is used up.
func TestBuildUsesEachSourceBeforeReuse(t *testing.T) {
	src := randomSource(40, 4, 1) // 10 images per class
	plan := []SetCount{{Set: labelset.Set{0}, Count: 10}, {Set: labelset.Set{1}, Count: 12}}
	res, err := Build(src, Recipe{K: 4, Layout: Roll, Jitter: 1, Plan: plan, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	used := map[int]int{}
	for _, p := range res.Parts[:10] {
		used[p.Source]++
	}
	if len(used) != 10 {
		t.Errorf("10 class-0 images used %d distinct sources, want 10", len(used))
	}
}

func TestBuildIsSeeded(t *testing.T) {
	src := randomSource(40, 4, 1)
	r := Recipe{K: 4, Layout: Roll, Jitter: 2, Plan: fullPlan(4, map[int]int{1: 3, 2: 3}), Seed: 11}
	a, _ := Build(src, r)
	b, _ := Build(src, r)
	r.Seed = 12
	c, _ := Build(src, r)
	if !bytes.Equal(a.Pixels, b.Pixels) {
		t.Error("same seed, different pixels")
	}
	if bytes.Equal(a.Pixels, c.Pixels) {
		t.Error("different seeds, same pixels")
	}
}

func TestBuildErrors(t *testing.T) {
	src := randomSource(8, 4, 1)
	for _, c := range []struct {
		name string
		src  *Images
		r    Recipe
		want string
	}{
		{"label out of range", &Images{Height: 6, Width: 6, Channels: 1, Pixels: make([]uint8, 36), Labels: []int{7}},
			Recipe{K: 4, Plan: []SetCount{{labelset.Set{0}, 1}}}, "label 7 outside"},
		{"short pixels", &Images{Height: 6, Width: 6, Channels: 1, Pixels: make([]uint8, 35), Labels: []int{0}},
			Recipe{K: 4}, "need 36"},
		{"five labels", src, Recipe{K: 6, Plan: []SetCount{{labelset.Set{0, 1, 2, 3, 4}, 1}}}, "4 positions"},
		{"class without images", src, Recipe{K: 6, Plan: []SetCount{{labelset.Set{5}, 1}}}, "no source image"},
		{"jitter too large", src, Recipe{K: 4, Jitter: 6}, "jitter 6"},
		{"bad set", src, Recipe{K: 4, Plan: []SetCount{{labelset.Set{2, 1}, 1}}}, "plan"},
	} {
		_, err := Build(c.src, c.r)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}
