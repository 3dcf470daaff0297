package data

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"

	"github.com/nclab/nclab/nclab/labelset"
)

// Set is a built multi-label image set held in memory: Len() images of
// Height x Width x Channels bytes, stored NHWC in Pixels, and their label sets.
type Set struct {
	// Name says what the set is, e.g. "mnist-mlab/paper/train".
	Name string
	// K is the number of classes.
	K int
	// Height, Width and Channels are the shape of one image.
	Height, Width, Channels int
	// Pixels holds Len()*Height*Width*Channels bytes, image after image, NHWC.
	Pixels []uint8
	// Labels[i] is the label set of image i.
	Labels []labelset.Set
	// Mean and Std, one value per channel, normalise the [0,1]-scaled pixels:
	// (p/255 - Mean[c]) / Std[c]. Empty: pixels are only scaled to [0,1].
	Mean, Std []float32
}

// Len is the number of images.
func (s *Set) Len() int { return len(s.Labels) }

// ImageSize is the number of values of one image, Height*Width*Channels.
func (s *Set) ImageSize() int { return s.Height * s.Width * s.Channels }

// Validate checks that the fields agree with each other.
func (s *Set) Validate() error {
	if s.K < 1 || s.Height < 1 || s.Width < 1 || s.Channels < 1 {
		return fmt.Errorf("data: %s: K=%d and image shape %dx%dx%d must be positive", s.Name, s.K, s.Height, s.Width, s.Channels)
	}
	if len(s.Pixels) != s.Len()*s.ImageSize() {
		return fmt.Errorf("data: %s: %d labels need %d pixel bytes, have %d", s.Name, s.Len(), s.Len()*s.ImageSize(), len(s.Pixels))
	}
	if len(s.Mean) != len(s.Std) || (len(s.Mean) != 0 && len(s.Mean) != s.Channels) {
		return fmt.Errorf("data: %s: mean/std have %d/%d values, want 0 or %d (one per channel)", s.Name, len(s.Mean), len(s.Std), s.Channels)
	}
	for c, sd := range s.Std {
		if !(sd > 0) {
			return fmt.Errorf("data: %s: std of channel %d is %v, must be > 0", s.Name, c, sd)
		}
	}
	for i, l := range s.Labels {
		if _, err := labelset.New(s.K, l...); err != nil {
			return fmt.Errorf("data: %s: image %d: %w", s.Name, i, err)
		}
	}
	return nil
}

// Image returns the bytes of image i (a view into Pixels, HWC).
func (s *Set) Image(i int) []uint8 {
	n := s.ImageSize()
	return s.Pixels[i*n : (i+1)*n]
}

// Batch fills dst (len(indices)*Height*Width*Channels float32, NHWC) with the images
// at indices, scaled to [0,1] and normalised by Mean/Std when set.
// It panics when dst has the wrong length or an index is out of range (programmer errors).
func (s *Set) Batch(indices []int, dst []float32) {
	n := s.ImageSize()
	if len(dst) != len(indices)*n {
		panic(fmt.Sprintf("data: Batch: dst holds %d values, %d images of %d need %d", len(dst), len(indices), n, len(indices)*n))
	}
	var lut [256]float32
	if len(s.Mean) == 0 {
		for v := range lut {
			lut[v] = float32(v) / 255
		}
		for b, i := range indices {
			out := dst[b*n : (b+1)*n]
			for j, p := range s.Image(i) {
				out[j] = lut[p]
			}
		}
		return
	}
	c := s.Channels
	luts := make([][256]float32, c)
	for ch := range c {
		for v := range 256 {
			luts[ch][v] = (float32(v)/255 - s.Mean[ch]) / s.Std[ch]
		}
	}
	for b, i := range indices {
		out := dst[b*n : (b+1)*n]
		for j, p := range s.Image(i) {
			out[j] = luts[j%c][p]
		}
	}
}

// MultiHot fills dst (len(indices)*K float32) with the multi-hot label vectors y_S of
// the images at indices (METHOD.md §1). It panics when dst has the wrong length.
func (s *Set) MultiHot(indices []int, dst []float32) {
	if len(dst) != len(indices)*s.K {
		panic(fmt.Sprintf("data: MultiHot: dst holds %d values, %d samples of K=%d need %d", len(dst), len(indices), s.K, len(indices)*s.K))
	}
	clear(dst)
	for b, i := range indices {
		for _, k := range s.Labels[i] {
			dst[b*s.K+k] = 1
		}
	}
}

// SetsOf returns the label sets of the images at indices.
func (s *Set) SetsOf(indices []int) []labelset.Set {
	out := make([]labelset.Set, len(indices))
	for b, i := range indices {
		out[b] = s.Labels[i]
	}
	return out
}

// MultiHotBytes returns the Len() x K multi-hot label matrix as bytes (0 or 1).
func (s *Set) MultiHotBytes() []uint8 {
	out := make([]uint8, s.Len()*s.K)
	for i, l := range s.Labels {
		for _, k := range l {
			out[i*s.K+k] = 1
		}
	}
	return out
}

// SHA256 is the hex SHA-256 of the built arrays: the pixel bytes followed by the
// Len() x K multi-hot label bytes. Equal digests mean byte-identical data.
func (s *Set) SHA256() string {
	h := sha256.New()
	h.Write(s.Pixels)
	h.Write(s.MultiHotBytes())
	return hex.EncodeToString(h.Sum(nil))
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
