#!/usr/bin/env python3
"""Convert SVHN format 1 digitStruct.mat (MATLAB v7.3 = HDF5) to the CSV nclab reads.

Usage: python3 digitstruct_to_csv.py train/digitStruct.mat > train/digits.csv

Output: a header "name,digits", then one line per image, e.g. "1.png,19": the digits
of the house number left to right as stored in digitStruct's bbox.label, with label 10
written as 0. Needs h5py (Debian: apt-get install python3-h5py).
"""
import csv
import sys

import h5py


def values(f, dataset):
    """A bbox field: one number stored inline, or one object reference per digit."""
    if dataset.dtype == h5py.ref_dtype or dataset.dtype.kind == "O":
        return [float(f[ref][()].flat[0]) for ref in dataset[()].flat]
    return [float(v) for v in dataset[()].flat]


def main(path):
    with h5py.File(path, "r") as f:
        ds = f["digitStruct"]
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["name", "digits"])
        for name_ref, bbox_ref in zip(ds["name"][()].flat, ds["bbox"][()].flat):
            name = "".join(chr(int(c)) for c in f[name_ref][()].flat)
            labels = values(f, f[bbox_ref]["label"])
            out.writerow([name, "".join(str(int(v) % 10) for v in labels)])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
