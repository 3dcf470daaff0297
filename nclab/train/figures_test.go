package train

import (
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/data/svhn"
)

// writeSVHN writes a tiny SVHN format-1 folder (train/ and test/, each with
// N.png photos of assorted sizes and the digits.csv that
// data/svhn/digitstruct_to_csv.py makes from digitStruct.mat). Each digit
// paints its own vertical band, so the photos carry their labels.
func writeSVHN(t *testing.T, dir string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	numbers := map[string][][]int{}
	for _, split := range []string{"train", "test"} {
		var nums [][]int
		for d := 1; d <= 9; d++ {
			for range map[string]int{"train": 3, "test": 1}[split] {
				nums = append(nums, []int{d})
			}
		}
		nums = append(nums, []int{1, 2}, []int{2, 1}, []int{3, 4, 4}, []int{5, 6, 7}, []int{7, 6, 5}, []int{1, 0}, []int{1, 2, 3, 4})
		numbers[split] = nums
	}
	for split, nums := range numbers {
		if err := os.MkdirAll(filepath.Join(dir, split), 0o755); err != nil {
			t.Fatal(err)
		}
		var recs []svhn.Record
		for i, digits := range nums {
			name := fmt.Sprintf("%d.png", i+1)
			recs = append(recs, svhn.Record{Name: name, Digits: digits})
			w, h := 30+rng.IntN(20), 20+rng.IntN(20)
			img := image.NewRGBA(image.Rect(0, 0, w, h))
			for p := 0; p < len(img.Pix); p += 4 {
				x := (p / 4) % w
				v := uint8(rng.IntN(60))
				for _, d := range digits {
					if x*10/w == d {
						v = 200
					}
				}
				copy(img.Pix[p:], []uint8{v, v, v, 255})
			}
			f, err := os.Create(filepath.Join(dir, split, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, img); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
		f, err := os.Create(filepath.Join(dir, split, svhn.CSVFile))
		if err != nil {
			t.Fatal(err)
		}
		if err := svhn.WriteCSV(f, recs); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

// TestFigure4OnSyntheticSVHN runs the SVHN section of notebook 11 (train.Figure4,
// then TrainInDir) on a tiny SVHN folder in the real format, at 2 epochs: the
// run finishes with the angle ratio of multiplicities 2 and 3 and the subspace
// split. Without NCLAB_SVHN_DIR the section gets the error that says where
// to get SVHN.
func TestFigure4OnSyntheticSVHN(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small CNN (about 10 s on 2 idle cores)")
	}
	dir := t.TempDir()
	writeSVHN(t, dir)
	t.Setenv(data.EnvSVHN, dir)
	t.Setenv(data.EnvCache, t.TempDir())
	cfg, recipe, err := Figure4("quick")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Model.Arch != "smallcnn" || cfg.Model.Head != "learned" || cfg.Loss != "pal" || recipe.Dataset != data.SVHN || recipe.SourceDir != dir {
		t.Fatalf("Figure4: %+v, %+v", cfg, recipe)
	}
	cfg.Epochs, cfg.TrackEvery = 2, 1
	s, records, err := TrainInDir(testBackend(t), cfg, recipe, filepath.Join(t.TempDir(), "run"), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	// train: 27 singles, {0,1} x2, {2,3}, {4,5,6} x2; 1+0 (a zero) and 1+2+3+4 (four digits) dropped.
	if s.Metrics.N != 32 || s.Metrics.NByMultiplicity["2"] != 3 || s.Metrics.NByMultiplicity["3"] != 2 || s.Metrics.K != 9 {
		t.Errorf("SVHN run: n %d by multiplicity %v, K %d", s.Metrics.N, s.Metrics.NByMultiplicity, s.Metrics.K)
	}
	m := records[len(records)-1].Metrics
	if len(records) != 2 || m.Angle["2"] == nil || m.Angle["3"] == nil || m.Subspace == nil || m.NullEnergy == nil || m.AngleRow["3"] == nil {
		t.Errorf("SVHN run: %d records, last metrics %+v", len(records), m)
	}
	t.Setenv(data.EnvSVHN, "")
	if _, _, err := Figure4("quick"); err == nil || !strings.Contains(err.Error(), "digitstruct_to_csv.py") || strings.Contains(err.Error(), "\n") {
		t.Errorf("no SVHN folder: error %v, want one line naming the converter", err)
	}
}
