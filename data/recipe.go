package data

import (
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nclab/nclab/data/mlab"
	"github.com/nclab/nclab/data/svhn"
	"github.com/nclab/nclab/nclab/labelset"
)

// Dataset names accepted by Recipe.Dataset.
const (
	MNIST       = "mnist-mlab"    // M-lab MNIST (METHOD.md §6), K = 10, 56x56x1
	Fashion     = "fashion-mlab"  // M-lab Fashion-MNIST, the MNIST recipe on Fashion-MNIST, K = 10, 56x56x1
	CIFAR10     = "cifar10-mlab"  // M-lab CIFAR-10 (METHOD.md §6), K = 10, 64x64x3
	SVHN        = "svhn"          // M-lab SVHN (METHOD.md §6), K = 9, 32x32x3, ImageNet normalisation
	COCO        = "coco"          // COCO 2017 subset, K = 50, 64x64x3
	COCOVehicle = "coco-vehicles" // COCO 2017 car/train/truck, K = 3, multiplicities 1..3, 64x64x3
)

// Datasets lists the dataset names Build knows, in the order the CLI shows them.
var Datasets = []string{MNIST, Fashion, CIFAR10, SVHN, COCO, COCOVehicle}

// Preset names.
const (
	Quick = "quick" // small, so a CPU notebook trains in minutes (the default)
	Paper = "paper" // the paper's sizes
)

// Counts gives per-set sample counts by multiplicity, for each split.
//
// Pad-stack datasets (MNIST, Fashion-MNIST, CIFAR-10): Train[2] = 200 builds 200
// samples for every one of the C(K,2) pairs.
//
// Natural datasets (SVHN, COCO): Train[m] caps the number of photos kept per label set
// of multiplicity m (0 = keep all); multiplicities absent from the map are dropped.
type Counts struct {
	Train, Test map[int]int
}

// PresetCounts returns the per-set counts of a preset for a dataset:
//
// Pad-stack datasets:
//
//	paper: train 3,100 per class + 200 per pair (K=10: 31,000 + 9,000 = 40,000);
//	       test 800 per class + 50 per pair (8,000 + 2,250 = 10,250)   (METHOD.md §6)
//	quick: train 200 per class + 20 per pair (2,000 + 900 = 2,900);
//	       test 50 per class + 5 per pair (500 + 225 = 725)
//
// quick is a tenth of paper's training pairs and about a fifteenth of its singles:
// a small CNN sees 2,900 images per epoch, which the pure-Go backend trains in
// minutes on two cores, and every label set still has 20 training samples.
//
// SVHN: paper keeps multiplicities 1..3, singles capped at 543 per class (train),
// test uncapped; quick caps train at 50 per single class and 5 per larger set, test at
// 10 per set. COCO (50 classes): paper caps singles at 50 per class (2,500, METHOD.md
// §6) and keeps every larger set; quick keeps 10 singles per class, 3 per pair, 1 per
// triple. COCO vehicles: paper keeps all; quick caps each set at 100 (train) / 20 (test).
func PresetCounts(dataset, preset string) (Counts, error) {
	if preset != Quick && preset != Paper && preset != "" {
		return Counts{}, fmt.Errorf("data: unknown preset %q (want %q or %q)", preset, Quick, Paper)
	}
	paper := preset == Paper
	all := func(k int, first int) map[int]int {
		m := map[int]int{}
		for i := 2; i <= k; i++ {
			m[i] = 0
		}
		m[1] = first
		return m
	}
	switch dataset {
	case SVHN:
		if paper {
			return Counts{Train: map[int]int{1: 543, 2: 0, 3: 0}, Test: map[int]int{1: 0, 2: 0, 3: 0}}, nil
		}
		return Counts{Train: map[int]int{1: 50, 2: 5, 3: 5}, Test: map[int]int{1: 10, 2: 10, 3: 10}}, nil
	case COCO:
		if paper {
			return Counts{Train: all(COCOClasses, 50), Test: all(COCOClasses, 0)}, nil
		}
		return Counts{Train: map[int]int{1: 10, 2: 3, 3: 1}, Test: map[int]int{1: 2, 2: 1, 3: 1}}, nil
	case COCOVehicle:
		if paper {
			return Counts{Train: map[int]int{1: 0, 2: 0, 3: 0}, Test: map[int]int{1: 0, 2: 0, 3: 0}}, nil
		}
		return Counts{Train: map[int]int{1: 100, 2: 100, 3: 100}, Test: map[int]int{1: 20, 2: 20, 3: 20}}, nil
	}
	if paper {
		return Counts{Train: map[int]int{1: 3100, 2: 200}, Test: map[int]int{1: 800, 2: 50}}, nil
	}
	return Counts{Train: map[int]int{1: 200, 2: 20}, Test: map[int]int{1: 50, 2: 5}}, nil
}

// Recipe says which data set to build; Build and Load take it.
type Recipe struct {
	// Dataset is one of Datasets.
	Dataset string
	// Preset is Quick (default when empty) or Paper.
	Preset string
	// Imbalance names a change of the per-set counts; see Imbalances. Empty: balanced.
	Imbalance string
	// Seed drives every random choice; the same recipe gives byte-identical data.
	Seed int64
	// Counts, when non-nil, replaces the preset's counts (e.g. to add multiplicity 3).
	Counts *Counts
	// SourceDir is the folder of the source data. Empty: the dataset's default
	// (MNIST: $NCLAB_MNIST_DIR or the GoMNIST module; Fashion-MNIST: $NCLAB_FASHION_MNIST_DIR
	// or /usr/share/datasets/fashion-mnist; CIFAR-10: $NCLAB_CIFAR10_DIR).
	SourceDir string
	// CacheDir is where Load keeps built sets. Empty: DefaultCacheDir().
	CacheDir string
}

// Imbalances describes the accepted Recipe.Imbalance values. Counts are derived from
// the preset's per-set count n (for each split), rounded, at least 1:
var Imbalances = map[string]string{
	"":              "balanced: every label set of multiplicity m has the preset's count",
	"groups":        "pairs split into three groups by lexicographic index mod 3, with 2.5n / 0.25n / 0.025n samples (paper train: 500 / 50 / 5, Figure 2); singles balanced",
	"c10-L":         "every pair reduced to 0.75n (paper train: 150), singles balanced (Table 1 c10-L; the paper's numbers were lost, ours)",
	"c10-M":         "every pair reduced to 0.5n (paper train: 100), singles balanced (Table 1 c10-M; our choice)",
	"c10-S":         "every pair reduced to 0.25n (paper train: 50), singles balanced (Table 1 c10-S; our choice)",
	"missing-pair":  "the pair {0,1} absent from train and test, everything else balanced (Figure 2 c,d)",
	"missing=A+B":   "the label set A+B (e.g. missing=3+5) absent, everything else balanced",
	"m1-imbalanced": "singles imbalanced, beyond the paper: class k gets n * 0.1^(k/(K-1)) (n for class 0 down to n/10 for class K-1); pairs balanced",
}

// normalized fills defaults and checks the recipe's names.
func (r Recipe) normalized() (Recipe, error) {
	if r.Preset == "" {
		r.Preset = Quick
	}
	if !slices.Contains(Datasets, r.Dataset) {
		return r, fmt.Errorf("data: unknown dataset %q (want one of %s)", r.Dataset, strings.Join(Datasets, ", "))
	}
	if r.Counts == nil {
		c, err := PresetCounts(r.Dataset, r.Preset)
		if err != nil {
			return r, err
		}
		r.Counts = &c
	}
	maxM := 4 // the pad-stack canvas has four positions
	if _, natural := naturals[r.Dataset]; natural {
		maxM = 64
	}
	for split, c := range map[string]map[int]int{"train": r.Counts.Train, "test": r.Counts.Test} {
		for m, n := range c {
			if m < 1 || m > maxM || n < 0 {
				return r, fmt.Errorf("data: %s counts: multiplicity %d with %d samples per set (want 1 <= m <= %d, count >= 0)", split, m, n, maxM)
			}
		}
	}
	if _, natural := naturals[r.Dataset]; natural && r.Imbalance != "" {
		return r, fmt.Errorf("data: %s: imbalance presets apply to the pad-stack datasets; a natural set's imbalance is its own", r.Dataset)
	}
	if r.Imbalance == "none" {
		r.Imbalance = ""
	}
	if _, ok := Imbalances[r.Imbalance]; !ok && !strings.HasPrefix(r.Imbalance, "missing=") {
		return r, fmt.Errorf("data: unknown imbalance %q (want one of %s)", r.Imbalance, strings.Join(slices.Sorted(maps.Keys(Imbalances)), ", "))
	}
	return r, nil
}

// plan lists the label sets of a split and their counts: for each multiplicity in
// increasing order, all C(K,m) sets in lexicographic order with counts[m] each, then
// the imbalance applied.
func plan(k int, counts map[int]int, imbalance string) ([]mlab.SetCount, error) {
	var out []mlab.SetCount
	for _, m := range slices.Sorted(maps.Keys(counts)) {
		for _, s := range labelset.All(k, m) {
			out = append(out, mlab.SetCount{Set: s, Count: counts[m]})
		}
	}
	scale := func(n int, f float64) int { return max(1, int(math.Round(float64(n)*f))) }
	pairIndex := 0
	for i := range out {
		sc := &out[i]
		m := len(sc.Set)
		switch imbalance {
		case "groups":
			if m == 2 {
				sc.Count = scale(sc.Count, []float64{2.5, 0.25, 0.025}[pairIndex%3])
				pairIndex++
			}
		case "c10-L", "c10-M", "c10-S":
			if m == 2 {
				sc.Count = scale(sc.Count, map[string]float64{"c10-L": 0.75, "c10-M": 0.5, "c10-S": 0.25}[imbalance])
			}
		case "m1-imbalanced":
			if m == 1 {
				sc.Count = scale(sc.Count, math.Pow(0.1, float64(sc.Set[0])/float64(k-1)))
			}
		}
	}
	missing := ""
	switch {
	case imbalance == "missing-pair":
		missing = "0+1"
	case strings.HasPrefix(imbalance, "missing="):
		missing = strings.TrimPrefix(imbalance, "missing=")
	}
	if missing != "" {
		s, err := labelset.ParseKey(k, missing)
		if err != nil {
			return nil, fmt.Errorf("data: imbalance %q: %w", imbalance, err)
		}
		i := slices.IndexFunc(out, func(sc mlab.SetCount) bool { return sc.Set.Equal(s) })
		if i < 0 {
			return nil, fmt.Errorf("data: imbalance %q: label set %v is not in the plan (multiplicities %v)", imbalance, s, slices.Sorted(maps.Keys(counts)))
		}
		out = slices.Delete(out, i, i+1)
	}
	return out, nil
}

// padStack is how a pad-stack dataset is made from its source.
type padStack struct {
	k      int
	layout mlab.Layout
	jitter int
	load   func(dir string) (train, test *mlab.Images, err error)
	dir    func() (string, error)
}

var padStacks = map[string]padStack{
	MNIST:   {k: 10, layout: mlab.Roll, jitter: 6, load: readMNISTStyle, dir: MNISTDir},
	Fashion: {k: 10, layout: mlab.Roll, jitter: 6, load: readMNISTStyle, dir: func() (string, error) { return FashionDir(), nil }},
	CIFAR10: {k: 10, layout: mlab.Inward, jitter: 7, load: readCIFAR10, dir: CIFAR10Dir},
}

func readMNISTStyle(dir string) (train, test *mlab.Images, err error) {
	if train, err = ReadIDXSplit(dir, "train"); err != nil {
		return nil, nil, err
	}
	if test, err = ReadIDXSplit(dir, "t10k"); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// sources keeps decoded source splits for the life of the process, keyed by dataset
// and folder: notebooks and tests that build several recipes decode the files once.
// Builders never modify a source.
var sources sync.Map // "dataset|dir" -> *sourcePair

type sourcePair struct {
	once        sync.Once
	train, test *mlab.Images
	err         error
}

func loadSource(dataset, dir string, load func(string) (train, test *mlab.Images, err error)) (train, test *mlab.Images, err error) {
	v, _ := sources.LoadOrStore(dataset+"|"+dir, &sourcePair{})
	p := v.(*sourcePair)
	p.once.Do(func() { p.train, p.test, p.err = load(dir) })
	if p.err != nil {
		sources.Delete(dataset + "|" + dir) // let a later call retry, e.g. once the files are in place
	}
	return p.train, p.test, p.err
}

// testSeedOffset separates the test split's random stream from the train split's.
const testSeedOffset = 0x9e3779b97f4a7c15

// Build builds the train and test sets of a recipe from the source data, without the
// cache (Load is Build plus the cache). Train comes from the source's train split,
// test from its test split.
func Build(r Recipe) (train, test *Set, err error) {
	r, err = r.normalized()
	if err != nil {
		return nil, nil, err
	}
	if nat, ok := naturals[r.Dataset]; ok {
		return buildNatural(r, nat)
	}
	ps := padStacks[r.Dataset]
	dir := r.SourceDir
	if dir == "" {
		if dir, err = ps.dir(); err != nil {
			return nil, nil, err
		}
	}
	srcTrain, srcTest, err := loadSource(r.Dataset, dir, ps.load)
	if err != nil {
		return nil, nil, err
	}
	build := func(split string, src *mlab.Images, counts map[int]int, seed uint64) (*Set, error) {
		p, err := plan(ps.k, counts, r.Imbalance)
		if err != nil {
			return nil, err
		}
		res, err := mlab.Build(src, mlab.Recipe{K: ps.k, Layout: ps.layout, Jitter: ps.jitter, Plan: p, Seed: seed})
		if err != nil {
			return nil, fmt.Errorf("data: %s %s: %w", r.Dataset, split, err)
		}
		return &Set{Name: r.name(split), K: ps.k, Height: res.Height, Width: res.Width, Channels: res.Channels,
			Pixels: res.Pixels, Labels: res.Labels}, nil
	}
	if train, err = build("train", srcTrain, r.Counts.Train, uint64(r.Seed)); err != nil {
		return nil, nil, err
	}
	if test, err = build("test", srcTest, r.Counts.Test, uint64(r.Seed)+testSeedOffset); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// natural is how a set of natural photos is made.
type natural struct {
	size      int
	mean, std []float32
	dir       func() (string, error)
	photos    func(dir string) (train, test []photo, k int, err error)
}

var naturals = map[string]natural{
	SVHN: {size: 32, mean: ImageNetMean, std: ImageNetStd, dir: SVHNDir, photos: func(dir string) (train, test []photo, k int, err error) {
		if train, err = svhnPhotos(filepath.Join(dir, "train")); err != nil {
			return nil, nil, 0, err
		}
		if test, err = svhnPhotos(filepath.Join(dir, "test")); err != nil {
			return nil, nil, 0, err
		}
		return train, test, svhn.K, nil
	}},
	COCO:        {size: 64, dir: COCODir, photos: coco50Photos},
	COCOVehicle: {size: 64, dir: COCODir, photos: cocoVehiclePhotos},
}

// buildNatural selects the photos by the recipe's caps and decodes them.
func buildNatural(r Recipe, nat natural) (train, test *Set, err error) {
	dir := r.SourceDir
	if dir == "" {
		if dir, err = nat.dir(); err != nil {
			return nil, nil, err
		}
	}
	trPhotos, tePhotos, k, err := nat.photos(dir)
	if err != nil {
		return nil, nil, err
	}
	trPhotos = capPhotos(trPhotos, r.Counts.Train, uint64(r.Seed))
	tePhotos = capPhotos(tePhotos, r.Counts.Test, uint64(r.Seed)+testSeedOffset)
	if len(trPhotos) == 0 || len(tePhotos) == 0 {
		return nil, nil, fmt.Errorf("data: %s in %s: the recipe keeps %d train and %d test images", r.Dataset, dir, len(trPhotos), len(tePhotos))
	}
	if train, err = loadPhotos(r.name("train"), k, nat.size, trPhotos); err != nil {
		return nil, nil, err
	}
	if test, err = loadPhotos(r.name("test"), k, nat.size, tePhotos); err != nil {
		return nil, nil, err
	}
	train.Mean, train.Std, test.Mean, test.Std = nat.mean, nat.std, nat.mean, nat.std
	return train, test, nil
}

// name is "dataset/preset[/imbalance]/split".
func (r Recipe) name(split string) string {
	parts := []string{r.Dataset, r.Preset}
	if r.Imbalance != "" {
		parts = append(parts, r.Imbalance)
	}
	return strings.Join(append(parts, split), "/")
}

// countsString formats counts as "1:3100,2:200".
func countsString(c map[int]int) string {
	var parts []string
	for _, m := range slices.Sorted(maps.Keys(c)) {
		parts = append(parts, strconv.Itoa(m)+":"+strconv.Itoa(c[m]))
	}
	return strings.Join(parts, ",")
}

// ParseCounts parses per-multiplicity counts written as "1:3100,2:200".
func ParseCounts(s string) (map[int]int, error) {
	out := map[int]int{}
	for _, f := range strings.Split(s, ",") {
		ms, ns, ok := strings.Cut(strings.TrimSpace(f), ":")
		m, err1 := strconv.Atoi(ms)
		n, err2 := strconv.Atoi(ns)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("data: bad counts %q: want multiplicity:count pairs such as 1:3100,2:200", s)
		}
		out[m] = n
	}
	return out, nil
}
