package data

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/nclab/nclab/data/cifar"
	"github.com/nclab/nclab/data/mlab"
	"github.com/nclab/nclab/nclab/labelset"
)

// The paper-size M-lab MNIST is built once per test binary (well under a second).
var paperMNIST struct {
	once        sync.Once
	train, test *Set
	err         error
}

func buildPaperMNIST(t *testing.T) (train, test *Set) {
	t.Helper()
	paperMNIST.once.Do(func() {
		paperMNIST.train, paperMNIST.test, paperMNIST.err = Build(Recipe{Dataset: MNIST, Preset: Paper, Seed: 1})
	})
	if paperMNIST.err != nil {
		t.Fatal(paperMNIST.err)
	}
	return paperMNIST.train, paperMNIST.test
}

// METHOD.md §6: train 3,100 per class (31,000) + 200 per pair (45 pairs, 9,000);
// test 800 per class (8,000) + 50 per pair (2,250).
func TestPaperMNISTCounts(t *testing.T) {
	train, test := buildPaperMNIST(t)
	for _, c := range []struct {
		set    *Set
		n1, n2 int // per-set counts
	}{{train, 3100, 200}, {test, 800, 50}} {
		if c.set.Height != 56 || c.set.Width != 56 || c.set.Channels != 1 || c.set.K != 10 {
			t.Fatalf("%s: shape %dx%dx%d K=%d, want 56x56x1 K=10", c.set.Name, c.set.Height, c.set.Width, c.set.Channels, c.set.K)
		}
		st, err := labelset.Count(10, c.set.Labels)
		if err != nil {
			t.Fatal(err)
		}
		if st.ByMultiplicity[1] != 10*c.n1 || st.ByMultiplicity[2] != 45*c.n2 || st.Total != 10*c.n1+45*c.n2 {
			t.Errorf("%s: by multiplicity %v, want 1:%d 2:%d", c.set.Name, st.ByMultiplicity, 10*c.n1, 45*c.n2)
		}
		per, err := st.PerSetCount(true)
		if err != nil || per[1] != c.n1 || per[2] != c.n2 {
			t.Errorf("%s: per-set counts %v (%v), want 1:%d 2:%d, all sets present", c.set.Name, per, err, c.n1, c.n2)
		}
	}
	if train.Len() != 40000 || test.Len() != 10250 {
		t.Errorf("sizes %d / %d, want 40,000 / 10,250", train.Len(), test.Len())
	}
}

// The paper build follows METHOD.md §6 to the pixel: rebuilding with package mlab and
// the same plan and seed gives the same bytes; every single is one training digit of
// its class in the bottom-right quadrant rolled down/right by 0..6 px; every pair is
// one digit top-left and one bottom-right; the 49,000 training digits are distinct
// source images (at least 5,421 per class in MNIST's train split, 4,900 needed).
func TestPaperMNISTRecipe(t *testing.T) {
	train, _ := buildPaperMNIST(t)
	dir, err := MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	src, err := ReadIDXSplit(dir, "train")
	if err != nil {
		t.Fatal(err)
	}
	if src.Len() != 60000 || src.Height != 28 {
		t.Fatalf("MNIST train: %d images of %dx%d, want 60,000 of 28x28", src.Len(), src.Height, src.Width)
	}
	p, err := plan(10, map[int]int{1: 3100, 2: 200}, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := mlab.Build(src, mlab.Recipe{K: 10, Layout: mlab.Roll, Jitter: 6, Plan: p, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Pixels, train.Pixels) {
		t.Fatal("Build's train pixels differ from mlab.Build with the paper plan")
	}
	used := map[int]bool{}
	for i, set := range res.Labels {
		parts := res.PartsOf(i)
		for j, part := range parts {
			if src.Labels[part.Source] != set[j] || part.DY > 6 || part.DX > 6 {
				t.Fatalf("image %d (%v): part %+v: class %d, want %d and shifts <= 6", i, set, part, src.Labels[part.Source], set[j])
			}
			if used[part.Source] {
				t.Fatalf("training digit %d used twice", part.Source)
			}
			used[part.Source] = true
		}
		switch len(set) {
		case 1:
			if parts[0].Position != mlab.BottomRight {
				t.Fatalf("single %d at position %d, want bottom-right", i, parts[0].Position)
			}
			// numpy: np.roll(np.pad(digit, ((28,0),(28,0))), (dy,dx), axis=(0,1))
			want := make([]uint8, 56*56)
			for y := range 28 {
				for x := range 28 {
					want[((28+y+parts[0].DY)%56)*56+(28+x+parts[0].DX)%56] = src.Pixels[part0(parts)*784+y*28+x]
				}
			}
			if !bytes.Equal(train.Image(i), want) {
				t.Fatalf("single %d is not its rolled, padded digit", i)
			}
		case 2:
			if parts[0].Position+parts[1].Position != mlab.TopLeft+mlab.BottomRight || parts[0].Position%3 != 0 {
				t.Fatalf("pair %d at positions %d, %d, want top-left and bottom-right", i, parts[0].Position, parts[1].Position)
			}
		}
	}
}

func part0(parts []mlab.Part) int { return parts[0].Source }

func TestQuickCountsAndSeeds(t *testing.T) {
	train, test, err := Build(Recipe{Dataset: MNIST, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	st, err := Describe(train, test)
	if err != nil {
		t.Fatal(err)
	}
	// quick: 200 per class + 20 per pair; test 50 per class + 5 per pair.
	if st.Train.Total != 2900 || st.Train.ByMultiplicity["1"] != 2000 || st.Train.ByMultiplicity["2"] != 900 ||
		st.Test.Total != 725 || st.Test.ByMultiplicity["1"] != 500 || st.Test.ByMultiplicity["2"] != 225 {
		t.Errorf("quick counts: train %v, test %v; want 2000+900 and 500+225", st.Train.ByMultiplicity, st.Test.ByMultiplicity)
	}
	if st.Train.BySet["3+7"] != 20 || st.Test.BySet["4"] != 50 {
		t.Errorf("per-set counts %d and %d, want 20 and 50", st.Train.BySet["3+7"], st.Test.BySet["4"])
	}
	again, _, err := Build(Recipe{Dataset: MNIST, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := Build(Recipe{Dataset: MNIST, Seed: 6})
	if err != nil {
		t.Fatal(err)
	}
	if again.SHA256() != st.Train.SHA256 {
		t.Error("same seed gave different data")
	}
	if other.SHA256() == st.Train.SHA256 {
		t.Error("different seeds gave the same data")
	}
}

func TestFashionMNIST(t *testing.T) {
	if _, err := os.Stat(filepath.Join(FashionDir(), "train-images-idx3-ubyte.gz")); err != nil {
		t.Skipf("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist): %v", err)
	}
	train, test, err := Build(Recipe{Dataset: Fashion, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	mnist, _, err := Build(Recipe{Dataset: MNIST, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 2900 || test.Len() != 725 || train.Height != 56 || train.SHA256() == mnist.SHA256() {
		t.Errorf("Fashion quick: %d/%d images of %dx%d; want 2900/725 of 56x56, unlike MNIST's", train.Len(), test.Len(), train.Height, train.Width)
	}
}

func TestImbalancePlans(t *testing.T) {
	paper := map[int]int{1: 3100, 2: 200}
	count := func(imb string) map[string]int {
		t.Helper()
		p, err := plan(10, paper, imb)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, sc := range p {
			out[sc.Set.Key()] = sc.Count
		}
		return out
	}
	// groups: pairs by lexicographic index mod 3 -> 500 / 50 / 5 (2.5, 0.25, 0.025 x 200);
	// {0,1} is pair 0, {0,2} pair 1, {0,3} pair 2, {0,4} pair 3.
	g := count("groups")
	if g["0+1"] != 500 || g["0+2"] != 50 || g["0+3"] != 5 || g["0+4"] != 500 || g["5"] != 3100 {
		t.Errorf("groups: %v", g)
	}
	hist := map[int]int{}
	for key, n := range g {
		if strings.Contains(key, "+") {
			hist[n]++
		}
	}
	if hist[500] != 15 || hist[50] != 15 || hist[5] != 15 {
		t.Errorf("groups: pair counts histogram %v, want 15 each of 500/50/5", hist)
	}
	for imb, want := range map[string]int{"c10-L": 150, "c10-M": 100, "c10-S": 50} {
		if c := count(imb); c["2+9"] != want || c["0"] != 3100 {
			t.Errorf("%s: pair %d single %d, want %d and 3100", imb, c["2+9"], c["0"], want)
		}
	}
	if c := count("missing-pair"); len(c) != 54 || c["0+1"] != 0 || c["0+2"] != 200 {
		t.Errorf("missing-pair: %d sets, {0,1}=%d; want 54 sets without {0,1}", len(c), c["0+1"])
	}
	if c := count("missing=3+5"); len(c) != 54 || c["3+5"] != 0 {
		t.Errorf("missing=3+5: %d sets", len(c))
	}
	// m1-imbalanced: 3100 * 0.1^(k/9): class 0 3100, class 9 310, class 3 round(3100*0.1^(1/3)) = 1439.
	if c := count("m1-imbalanced"); c["0"] != 3100 || c["9"] != 310 || c["3"] != 1439 || c["0+1"] != 200 {
		t.Errorf("m1-imbalanced: %v", c)
	}
	for _, bad := range []string{"missing=3+3", "missing=1+2+3"} {
		if _, err := plan(10, paper, bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if _, _, err := Build(Recipe{Dataset: MNIST, Imbalance: "lopsided"}); err == nil || !strings.Contains(err.Error(), "c10-L") {
		t.Errorf("unknown imbalance: error %v, want one listing the names", err)
	}
}

// A built set survives the file format, and a truncated file is refused by name.
func TestSetFileRoundTripAndCorruption(t *testing.T) {
	s := &Set{Name: "tiny", K: 3, Height: 1, Width: 2, Channels: 1, Pixels: []uint8{1, 2, 3, 4},
		Labels: []labelset.Set{{0, 2}, {1}}, Mean: []float32{0.5}, Std: []float32{0.25}}
	var b bytes.Buffer
	if err := s.Encode(&b); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "tiny.nclab")
	os.WriteFile(p, b.Bytes(), 0o644)
	got, err := ReadSetFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if got.SHA256() != s.SHA256() || got.Name != "tiny" || got.Std[0] != 0.25 || !got.Labels[0].Equal(labelset.Set{0, 2}) {
		t.Errorf("round trip: %+v", got)
	}
	os.WriteFile(p, b.Bytes()[:b.Len()-3], 0o644)
	if _, err := ReadSetFile(p); err == nil || !strings.Contains(err.Error(), "truncated or corrupt") || !strings.Contains(err.Error(), p) {
		t.Errorf("truncated: error %v", err)
	}
	os.WriteFile(p, []byte("hello"), 0o644)
	if _, err := ReadSetFile(p); err == nil || !strings.Contains(err.Error(), "not a .nclab") {
		t.Errorf("garbage: error %v", err)
	}
}

// Load writes the cache on the first call and reads it on the second; a cached
// split whose checksum is not the manifest's, an entry of another recipe and a
// corrupt file are rebuilt.
func TestLoadUsesCache(t *testing.T) {
	cache := t.TempDir()
	r := Recipe{Dataset: MNIST, Seed: 9, CacheDir: cache}
	train, _, err := Load(r)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := CacheKey(r)
	dir := filepath.Join(cache, key)
	tiny := &Set{Name: "planted", K: 10, Height: 1, Width: 1, Channels: 1, Pixels: []uint8{7}, Labels: []labelset.Set{{3}}}
	var b bytes.Buffer
	tiny.Encode(&b)
	os.WriteFile(filepath.Join(dir, TrainFile), b.Bytes(), 0o644)
	// A split copied in from another build: its checksum is not the manifest's.
	if _, _, _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), "the manifest says") {
		t.Errorf("ReadDir of a foreign train file: error %v, want a checksum mismatch", err)
	}
	got, _, err := Load(r)
	if err != nil || got.SHA256() != train.SHA256() {
		t.Fatalf("foreign cached split not rebuilt: %v, %v", got.Name, err)
	}
	// The planted set with a manifest that vouches for it is a coherent entry:
	// the second Load reads it.
	mb, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
	mb = bytes.Replace(mb, []byte(train.SHA256()), []byte(tiny.SHA256()), 1)
	os.WriteFile(filepath.Join(dir, ManifestFile), mb, 0o644)
	os.WriteFile(filepath.Join(dir, TrainFile), b.Bytes(), 0o644)
	got, _, err = Load(r)
	if err != nil || got.Name != "planted" {
		t.Fatalf("second Load did not read the cache: %v, %v", got.Name, err)
	}
	// The same entry under another recipe's key is foreign: rebuilt.
	otherRecipe := Recipe{Dataset: MNIST, Seed: 11, CacheDir: cache}
	otherKey, _ := CacheKey(otherRecipe)
	if err := os.Rename(dir, filepath.Join(cache, otherKey)); err != nil {
		t.Fatal(err)
	}
	if got, _, err = Load(otherRecipe); err != nil || got.Name == "planted" {
		t.Fatalf("an entry of seed 9 under seed 11's key was used: %v, %v", got.Name, err)
	}
	if _, _, err = Load(r); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, TrainFile), b.Bytes()[:5], 0o644)
	got, _, err = Load(r)
	if err != nil || got.SHA256() != train.SHA256() {
		t.Fatalf("corrupt cache not rebuilt: %v", err)
	}
	_, _, m, err := ReadDir(dir)
	if err != nil || m.Dataset != MNIST || m.TrainSHA256 != train.SHA256() || m.TrainCounts[2] != 20 {
		t.Errorf("manifest %+v, %v", m, err)
	}
	other, _ := CacheKey(Recipe{Dataset: MNIST, Seed: 10})
	if other == key || !strings.HasPrefix(key, "mnist-mlab-quick-seed9-") {
		t.Errorf("cache keys %q and %q", key, other)
	}
}

func TestMissingSources(t *testing.T) {
	empty := t.TempDir()
	if _, _, err := Build(Recipe{Dataset: MNIST, SourceDir: empty}); err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte") {
		t.Errorf("MNIST from an empty folder: error %v, want one naming the missing file", err)
	}
	t.Setenv(EnvCIFAR10, "")
	if _, _, err := Build(Recipe{Dataset: CIFAR10}); err == nil || !strings.Contains(err.Error(), CIFAR10URL) || !strings.Contains(err.Error(), EnvCIFAR10) {
		t.Errorf("CIFAR-10 without a folder: error %v, want the URL and %s", err, EnvCIFAR10)
	}
	if _, _, err := Build(Recipe{Dataset: CIFAR10, SourceDir: empty}); err == nil || !strings.Contains(err.Error(), "data_batch_1.bin") {
		t.Errorf("CIFAR-10 from an empty folder: error %v", err)
	}
	if _, _, err := Build(Recipe{Dataset: "imagenet"}); err == nil || !strings.Contains(err.Error(), MNIST) {
		t.Errorf("unknown dataset: error %v", err)
	}
}

// CIFAR-10 end to end on tiny files in the real binary format: 64x64x3, counts as asked.
func TestCIFAR10Pipeline(t *testing.T) {
	dir := t.TempDir()
	pix := make([]uint8, 20*cifar.Size*cifar.Size*cifar.Channels)
	for i := range pix {
		pix[i] = uint8(i * 7)
	}
	labels := make([]int, 20)
	for i := range labels {
		labels[i] = i % 10
	}
	for _, name := range append(slices.Clone(cifar.TrainFiles), cifar.TestFile) {
		os.WriteFile(filepath.Join(dir, name), cifar.Encode(pix, labels), 0o644)
	}
	counts := &Counts{Train: map[int]int{1: 3, 2: 1}, Test: map[int]int{1: 1, 2: 1}}
	train, test, err := Build(Recipe{Dataset: CIFAR10, SourceDir: dir, Counts: counts, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 30+45 || test.Len() != 10+45 || train.Height != 64 || train.Width != 64 || train.Channels != 3 {
		t.Errorf("CIFAR: %d/%d images of %dx%dx%d, want 75/55 of 64x64x3", train.Len(), test.Len(), train.Height, train.Width, train.Channels)
	}
}

func TestBatchValues(t *testing.T) {
	s := &Set{Name: "tiny", K: 3, Height: 1, Width: 2, Channels: 1, Pixels: []uint8{0, 255, 51, 102},
		Labels: []labelset.Set{{0, 2}, {1}}}
	dst := make([]float32, 4)
	s.Batch([]int{1, 0}, dst)
	if !slices.Equal(dst, []float32{0.2, 0.4, 0, 1}) { // 51/255, 102/255, 0, 255/255
		t.Errorf("Batch %v, want [0.2 0.4 0 1]", dst)
	}
	s.Mean, s.Std = []float32{0.5}, []float32{0.25}
	s.Batch([]int{0}, dst[:2])
	if !slices.Equal(dst[:2], []float32{-2, 2}) { // (0-0.5)/0.25, (1-0.5)/0.25
		t.Errorf("normalised Batch %v, want [-2 2]", dst[:2])
	}
	y := make([]float32, 6)
	s.MultiHot([]int{0, 1}, y)
	if !slices.Equal(y, []float32{1, 0, 1, 0, 1, 0}) {
		t.Errorf("MultiHot %v", y)
	}
}

func TestBatchesEpochs(t *testing.T) {
	train, _, err := Build(Recipe{Dataset: MNIST, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBatches(train, BatchOptions{BatchSize: 128, Shuffle: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	e0, e1 := b.EpochOrder(0), b.EpochOrder(1)
	if slices.Equal(e0, e1) {
		t.Error("two epochs in the same order")
	}
	sorted := slices.Sorted(slices.Values(e1))
	for i, v := range sorted {
		if v != i {
			t.Fatalf("epoch 1 is not a permutation of 0..2899")
		}
	}
	same, _ := NewBatches(train, BatchOptions{BatchSize: 128, Shuffle: true, Seed: 3})
	if !slices.Equal(same.EpochOrder(1), e1) {
		t.Error("same seed, different epoch order")
	}
	// 2,900 = 22 x 128 + 84.
	if n := len(b.BatchIndices(0)); n != 23 {
		t.Errorf("%d batches, want 23", n)
	}
	dl, _ := NewBatches(train, BatchOptions{BatchSize: 128, DropLast: true})
	if n := len(dl.BatchIndices(0)); n != 22 {
		t.Errorf("DropLast: %d batches, want 22", n)
	}
	var first []float32
	count := 0
	for batch, err := range b.Iter() {
		if err != nil {
			t.Fatal(err)
		}
		if count == 0 {
			if got := batch.Inputs[0].Shape().Dimensions; !slices.Equal(got, []int{128, 56, 56, 1}) {
				t.Fatalf("images shape %v", got)
			}
			if got := batch.Labels[0].Shape().Dimensions; !slices.Equal(got, []int{128, 10}) {
				t.Fatalf("labels shape %v", got)
			}
			first = tensors.MustCopyFlatData[float32](batch.Inputs[0])
		}
		batch.Finalize()
		count++
	}
	want := make([]float32, 128*56*56)
	train.Batch(e0[:128], want)
	if count != 23 || !slices.Equal(first, want) || b.Epoch() != 1 {
		t.Errorf("Iter: %d batches (want 23), epoch %d (want 1), first batch matches Batch(EpochOrder(0)): %v", count, b.Epoch(), slices.Equal(first, want))
	}
	if _, err := NewBatches(train, BatchOptions{Indices: []int{5000}}); err == nil {
		t.Error("out-of-range index accepted")
	}
}

func TestFetchNeedsNoDownloadForMNIST(t *testing.T) {
	for _, c := range []struct{ dataset, want string }{{MNIST, "Go module"}, {Fashion, "dataset-fashion-mnist"}, {"imagenet", "unknown dataset"}} {
		if _, err := Fetch(context.Background(), c.dataset, t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.dataset, err, c.want)
		}
	}
}

// Multiplicity 3 on real MNIST: 120 triples, each three digits in three distinct quadrants.
func TestMNISTTriples(t *testing.T) {
	counts := &Counts{Train: map[int]int{1: 2, 2: 1, 3: 2}, Test: map[int]int{3: 1}}
	train, test, err := Build(Recipe{Dataset: MNIST, Counts: counts, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := Describe(train, test)
	if st.Train.ByMultiplicity["3"] != 240 || st.Test.Total != 120 || st.Train.Total != 20+45+240 {
		t.Errorf("train %v, test %v; want 240 triples and 120", st.Train.ByMultiplicity, st.Test.ByMultiplicity)
	}
	if _, _, err := Build(Recipe{Dataset: MNIST, Counts: &Counts{Train: map[int]int{5: 1}, Test: map[int]int{1: 1}}}); err == nil {
		t.Error("multiplicity 5 accepted for a four-position canvas")
	}
}

// TestHostileSetFiles: a .nclab header claiming more images, or larger ones,
// than the file holds is refused before allocating (the checksum is
// recomputed so that only the header lies); empty splits are refused.
func TestHostileSetFiles(t *testing.T) {
	for _, tc := range []struct {
		name, header, want string
	}{
		{"huge n", `{"name":"x","k":2,"n":1000000000000,"image_shape":[1,1,1]}`, "claims 1000000000000 images"},
		{"negative n", `{"name":"x","k":2,"n":-5,"image_shape":[1,1,1]}`, "claims -5 images"},
		{"huge shape", `{"name":"x","k":2,"n":1,"image_shape":[4294967296,4294967296,4294967296]}`, "does not fit"},
		{"zero shape", `{"name":"x","k":2,"n":1,"image_shape":[0,1,1]}`, "does not fit"},
		{"too many pixels", `{"name":"x","k":2,"n":1,"image_shape":[5,5,1]}`, "pixel bytes left"},
	} {
		var body bytes.Buffer
		body.Write(magic[:])
		binary.Write(&body, binary.LittleEndian, uint32(FormatVersion))
		binary.Write(&body, binary.LittleEndian, uint32(len(tc.header)))
		body.WriteString(tc.header)
		body.Write([]byte{1, 0, 0, 0, 7}) // one label {0}, one pixel
		sum := sha256.Sum256(body.Bytes())
		body.Write(sum[:])
		if _, err := decodeSet(body.Bytes()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	one := &Set{Name: "one/train", K: 2, Height: 1, Width: 1, Channels: 1, Pixels: []uint8{1}, Labels: []labelset.Set{{0}}}
	empty := &Set{Name: "empty/test", K: 2, Height: 1, Width: 1, Channels: 1}
	if err := WriteDir(t.TempDir(), Recipe{Dataset: MNIST}, one, empty); err == nil || !strings.Contains(err.Error(), "empty/test has no samples") {
		t.Errorf("WriteDir of an empty test split: error %v", err)
	}
}

// Batches over a subset visits it in the order EpochOrder draws (the trainer's shuffle).
func TestBatchesShuffleIsEpochOrder(t *testing.T) {
	s := &Set{Name: "tiny", K: 2, Height: 1, Width: 1, Channels: 1, Pixels: make([]uint8, 40), Labels: make([]labelset.Set, 40)}
	for i := range s.Labels {
		s.Labels[i] = labelset.Set{i % 2}
	}
	indices := []int{5, 7, 11, 13, 17, 19, 23, 29}
	b, err := NewBatches(s, BatchOptions{BatchSize: 4, Shuffle: true, Seed: 9, Indices: indices})
	if err != nil {
		t.Fatal(err)
	}
	for e := range 3 {
		perm := EpochOrder(9, e, len(indices))
		got := b.EpochOrder(e)
		for j, i := range perm {
			if got[j] != indices[i] {
				t.Fatalf("epoch %d: order %v, want indices permuted by %v", e, got, perm)
			}
		}
	}
	if slices.Equal(EpochOrder(9, 0, 8), EpochOrder(9, 1, 8)) || !slices.Equal(EpochOrder(9, 1, 8), EpochOrder(9, 1, 8)) {
		t.Error("EpochOrder: epochs 0 and 1 agree, or one epoch differs between calls")
	}
}
