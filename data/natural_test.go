package data

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nclab/nclab/data/svhn"
	"github.com/nclab/nclab/nclab/labelset"
)

// solid writes a w x h image of one colour as PNG or JPEG.
func solid(t *testing.T, path string, w, h int, c color.RGBA) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:], []uint8{c.R, c.G, c.B, 255})
	}
	var b bytes.Buffer
	if strings.HasSuffix(path, ".jpg") {
		jpeg.Encode(&b, img, &jpeg.Options{Quality: 100})
	} else {
		png.Encode(&b, img)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// colourOf gives each label set its own colour, so a built image can be checked
// against its label: resizing a one-colour image bilinearly keeps its colour.
func colourOf(s labelset.Set) color.RGBA {
	h := 0
	for _, c := range s {
		h = h*13 + c + 1
	}
	return color.RGBA{uint8(h * 37), uint8(h * 91), uint8(h * 17), 255}
}

func checkColours(t *testing.T, s *Set, tol int) {
	t.Helper()
	for i, l := range s.Labels {
		want := colourOf(l)
		img := s.Image(i)
		for p := 0; p < len(img); p += 3 {
			for ch, w := range []uint8{want.R, want.G, want.B} {
				if d := int(img[p+ch]) - int(w); d > tol || d < -tol {
					t.Fatalf("%s image %d (%v): byte %d = %d, want %d±%d", s.Name, i, l, p+ch, img[p+ch], w, tol)
				}
			}
		}
	}
}

// SVHN end to end on PNGs and digits.csv: zeros dropped, distinct digits as label sets
// (digit d = class d-1), four distinct digits dropped (multiplicity <= 3), singles
// capped, whole images resized to 32x32 RGB, ImageNet normalisation attached.
func TestSVHNPipeline(t *testing.T) {
	dir := t.TempDir()
	numbers := map[string][][]int{
		"train": {{1}, {1}, {1}, {2}, {1, 0}, {3, 3}, {3, 4}, {4, 3}, {5, 6, 7}, {1, 2, 3, 4}, {2}},
		"test":  {{1}, {9, 9}, {2, 8}, {0}},
	}
	for split, nums := range numbers {
		os.MkdirAll(filepath.Join(dir, split), 0o755)
		var recs []svhn.Record
		for i, digits := range nums {
			name := fmt.Sprintf("%d.png", i+1)
			recs = append(recs, svhn.Record{Name: name, Digits: digits})
			s, _ := svhn.Record{Digits: digits}.LabelSet()
			solid(t, filepath.Join(dir, split, name), 20+7*i, 40-3*i, colourOf(s))
		}
		f, _ := os.Create(filepath.Join(dir, split, svhn.CSVFile))
		svhn.WriteCSV(f, recs)
		f.Close()
	}
	counts := &Counts{Train: map[int]int{1: 2, 2: 0, 3: 0}, Test: map[int]int{1: 0, 2: 0, 3: 0}}
	train, test, err := Build(Recipe{Dataset: SVHN, SourceDir: dir, Counts: counts, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := Describe(train, test)
	// train: {0} capped 3 -> 2, {1} x2, {2} from 3,3; {2,3} x2; {4,5,6}; dropped: 1,0 and 1,2,3,4.
	wantTrain := map[string]int{"0": 2, "1": 2, "2": 1, "2+3": 2, "4+5+6": 1}
	wantTest := map[string]int{"0": 1, "8": 1, "1+7": 1}
	if !equalMaps(st.Train.BySet, wantTrain) || !equalMaps(st.Test.BySet, wantTest) {
		t.Errorf("train sets %v, want %v; test sets %v, want %v", st.Train.BySet, wantTrain, st.Test.BySet, wantTest)
	}
	if train.K != 9 || train.Height != 32 || train.Width != 32 || train.Channels != 3 || !slices.Equal(train.Mean, ImageNetMean) {
		t.Errorf("train: K=%d %dx%dx%d mean %v", train.K, train.Height, train.Width, train.Channels, train.Mean)
	}
	checkColours(t, train, 1)
	checkColours(t, test, 1)

	os.WriteFile(filepath.Join(dir, "test", "2.png"), []byte("\x89PNG\r\n\x1a\nshort"), 0o644)
	if _, _, err := Build(Recipe{Dataset: SVHN, SourceDir: dir, Counts: counts}); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "test", "2.png")) {
		t.Errorf("corrupt PNG: error %v, want one naming test/2.png", err)
	}
	t.Setenv(EnvSVHN, "")
	if _, _, err := Build(Recipe{Dataset: SVHN}); err == nil || !strings.Contains(err.Error(), "digitstruct_to_csv.py") || !strings.Contains(err.Error(), SVHNURLs[0]) {
		t.Errorf("no SVHN folder: error %v", err)
	}
}

func equalMaps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// COCO end to end on instances JSON and JPEGs. 52 categories (ids 1..52); singles per
// category: 2 for ids 1..49, 1 for id 50, 3 for id 51, 0 for id 52, so the 50 classes
// are ids 1..49 and 51 (class 49). An image with id 52 is dropped; {1, 51} -> {0, 49}.
func TestCOCOPipeline(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"annotations", "train2017", "val2017"} {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
	}
	var cats []string
	for id := 1; id <= 52; id++ {
		name := map[int]string{3: "car", 7: "train", 8: "truck"}[id]
		if name == "" {
			name = fmt.Sprintf("thing%d", id)
		}
		cats = append(cats, fmt.Sprintf(`{"id": %d, "name": %q, "supercategory": "x"}`, id, name))
	}
	write := func(split, folder string, images [][]int) {
		var ims, anns []string
		for i, catIDs := range images {
			file := fmt.Sprintf("%012d.jpg", i+1)
			ims = append(ims, fmt.Sprintf(`{"id": %d, "file_name": %q, "width": 24, "height": 16}`, i+1, file))
			for _, c := range catIDs {
				anns = append(anns, fmt.Sprintf(`{"id": %d, "image_id": %d, "category_id": %d, "iscrowd": 0, "bbox": [0, 0, 1, 1]}`, len(anns)+1, i+1, c))
			}
			solid(t, filepath.Join(dir, folder, file), 24, 16, color.RGBA{uint8(40 * i), 128, 200, 255})
		}
		js := fmt.Sprintf(`{"images": [%s], "annotations": [%s], "categories": [%s]}`, strings.Join(ims, ","), strings.Join(anns, ","), strings.Join(cats, ","))
		os.WriteFile(filepath.Join(dir, "annotations", "instances_"+split+".json"), []byte(js), 0o644)
	}
	var trainImgs [][]int
	for id := 1; id <= 51; id++ {
		n := map[int]int{50: 1, 51: 3}[id]
		if n == 0 {
			n = 2
		}
		for range n {
			trainImgs = append(trainImgs, []int{id})
		}
	}
	trainImgs = append(trainImgs, []int{1, 51}, []int{1, 52}, []int{3, 8}, []int{3, 7, 8}, []int{3, 20})
	write("train2017", "train2017", trainImgs)
	write("val2017", "val2017", [][]int{{51}, {2, 3}, {50}, {7}})

	train, test, err := Build(Recipe{Dataset: COCO, Preset: Paper, SourceDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := Describe(train, test)
	if st.Train.BySet["0+49"] != 1 || st.Train.BySet["49"] != 3 || st.Train.ByMultiplicity["1"] != 49*2+3 || st.Train.Total != 49*2+3+4 {
		t.Errorf("COCO train: %v, by set 0+49=%d 49=%d", st.Train.ByMultiplicity, st.Train.BySet["0+49"], st.Train.BySet["49"])
	}
	// val: {51} -> {49}, {2,3} -> {1,2}, {50} dropped (not chosen), {7} -> {6}.
	if st.Test.Total != 3 || st.Test.BySet["49"] != 1 || st.Test.BySet["1+2"] != 1 || st.Test.BySet["6"] != 1 {
		t.Errorf("COCO test: %v", st.Test.BySet)
	}
	if train.K != 50 || train.Height != 64 || train.Channels != 3 {
		t.Errorf("COCO: K=%d %dx%dx%d", train.K, train.Height, train.Width, train.Channels)
	}
	vtrain, vtest, err := Build(Recipe{Dataset: COCOVehicle, Preset: Paper, SourceDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	vst, _ := Describe(vtrain, vtest)
	// car=0, train=1, truck=2: two singles each, plus {3,20} -> {0}, {3,8} -> {0,2}, {3,7,8} -> {0,1,2}.
	want := map[string]int{"0": 3, "1": 2, "2": 2, "0+2": 1, "0+1+2": 1}
	if !equalMaps(vst.Train.BySet, want) || vtrain.K != 3 {
		t.Errorf("vehicles train %v, want %v", vst.Train.BySet, want)
	}
	os.WriteFile(filepath.Join(dir, "annotations", "instances_val2017.json"), []byte(`{"images": [`), 0o644)
	if _, _, err := Build(Recipe{Dataset: COCO, SourceDir: dir}); err == nil || !strings.Contains(err.Error(), "instances_val2017.json: truncated") {
		t.Errorf("truncated JSON: error %v", err)
	}
}
