// Package svhn reads the labels of SVHN format 1 (Netzer et al. 2011, "Reading Digits
// in Natural Images with Unsupervised Feature Learning",
// http://ufldl.stanford.edu/housenumbers/): whole house-number photos N.png in the
// folders train/ and test/ of train.tar.gz and test.tar.gz, with their digits.
//
// The official labels live in digitStruct.mat, a MATLAB v7.3 file: an HDF5 file behind
// a 512-byte MATLAB header (user block), whose per-image names and boxes are HDF5
// object references. The pure-Go HDF5 reader served by the Go module proxy that we
// tried, github.com/scigolib/hdf5 v0.14.1 (MIT), answers "not an HDF5 file" on such a
// file (tested on testdata/digitStruct.mat; it looks for the signature at offset 0
// only), and its API has no way to follow object references; cgo bindings to libhdf5
// would make the toolkit need a C library. So the toolkit reads a plain CSV instead,
// digits.csv in each split folder:
//
//	name,digits
//	1.png,19
//	2.png,23
//
// (digits left to right, 0 written as 0 — digitStruct's label 10). The script
// digitstruct_to_csv.py beside this file converts digitStruct.mat to it with h5py
// (Debian: apt-get install python3-h5py):
//
//	python3 digitstruct_to_csv.py train/digitStruct.mat > train/digits.csv
//
// testdata/ holds a tiny digitStruct.mat in the real layout (written with h5py by
// testdata/make_digitstruct.py) and the CSV the script made from it.
package svhn
