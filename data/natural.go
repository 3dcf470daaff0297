package data

import (
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // COCO images
	_ "image/png"  // SVHN images
	"math/rand/v2"
	"os"
	"runtime"
	"sync"

	xdraw "golang.org/x/image/draw"

	"github.com/nclab/nclab/nclab/labelset"
)

// ImageNet per-channel mean and standard deviation of [0,1] RGB pixels, the
// normalisation METHOD.md §6 gives for M-lab SVHN.
var (
	ImageNetMean = []float32{0.485, 0.456, 0.406}
	ImageNetStd  = []float32{0.229, 0.224, 0.225}
)

// photo is one natural image file and its label set.
type photo struct {
	path string
	set  labelset.Set
}

// capPhotos keeps, for each label set, at most caps[m] photos (m = its multiplicity;
// 0 = all of them) and drops the multiplicities absent from caps. Which photos of a
// set are kept is drawn with the seed; the kept photos stay in file order.
func capPhotos(photos []photo, caps map[int]int, seed uint64) []photo {
	rng := rand.New(rand.NewPCG(seed, 0x63617073)) // "caps"
	order := rng.Perm(len(photos))
	keep := make([]bool, len(photos))
	taken := map[string]int{}
	for _, i := range order {
		p := photos[i]
		limit, ok := caps[len(p.set)]
		if !ok {
			continue
		}
		key := p.set.Key()
		if limit == 0 || taken[key] < limit {
			taken[key]++
			keep[i] = true
		}
	}
	var out []photo
	for i, p := range photos {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

// loadPhotos decodes the photos (PNG or JPEG) and resizes each whole image to
// size x size RGB with bilinear interpolation (golang.org/x/image/draw.BiLinear),
// on all CPUs. The first failing file gives the error.
func loadPhotos(name string, k, size int, photos []photo) (*Set, error) {
	s := &Set{Name: name, K: k, Height: size, Width: size, Channels: 3,
		Pixels: make([]uint8, len(photos)*size*size*3), Labels: make([]labelset.Set, len(photos))}
	errs := make([]error, len(photos))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dst := image.NewRGBA(image.Rect(0, 0, size, size))
			for i := range next {
				errs[i] = resizeInto(photos[i].path, dst)
				if errs[i] != nil {
					continue
				}
				out := s.Image(i)
				for p := range size * size {
					copy(out[3*p:3*p+3], dst.Pix[4*p:4*p+3])
				}
			}
		}()
	}
	for i, p := range photos {
		s.Labels[i] = p.set
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

func resizeInto(path string, dst *image.RGBA) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return fmt.Errorf("data: %s: not a readable PNG or JPEG image: %v", path, err)
	}
	draw.Draw(dst, dst.Bounds(), image.Black, image.Point{}, draw.Src)
	xdraw.BiLinear.Scale(dst, dst.Bounds(), img, img.Bounds(), xdraw.Src, nil)
	return nil
}
