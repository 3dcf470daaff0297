#!/usr/bin/env python3
"""Write a tiny digitStruct.mat in SVHN's MATLAB v7.3 layout (HDF5, 512-byte user
block, /digitStruct/name and /digitStruct/bbox holding object references into /#refs#;
a bbox field is one inline 1x1 double for a one-digit number, else one reference per
digit). Usage: python3 make_digitstruct.py digitStruct.mat
"""
import sys

import h5py
import numpy as np

# (file name, bbox labels): 10 stands for the digit 0, as in SVHN.
IMAGES = [("1.png", [1, 9]), ("2.png", [2, 3]), ("3.png", [5]), ("4.png", [1, 10, 7]), ("5.png", [4, 4, 8])]

with h5py.File(sys.argv[1], "w", userblock_size=512) as f:
    refs = f.create_group("#refs#")
    count = [0]

    def store(data):
        count[0] += 1
        return refs.create_dataset("r%d" % count[0], data=data).ref

    names, boxes = [], []
    for name, labels in IMAGES:
        names.append(store(np.array([[ord(c)] for c in name], dtype=np.uint16)))
        box = refs.create_group("b%d" % len(boxes))
        for field in ["height", "label", "left", "top", "width"]:
            vals = labels if field == "label" else [float(10 + i) for i in range(len(labels))]
            if len(vals) == 1:
                box.create_dataset(field, data=np.array([[float(vals[0])]]))
            else:
                box.create_dataset(field, data=np.array([[store(np.array([[float(v)]]))] for v in vals], dtype=h5py.ref_dtype))
        boxes.append(box.ref)
    ds = f.create_group("digitStruct")
    ds.create_dataset("name", data=np.array([[r] for r in names], dtype=h5py.ref_dtype))
    ds.create_dataset("bbox", data=np.array([[r] for r in boxes], dtype=h5py.ref_dtype))

with open(sys.argv[1], "r+b") as f:
    f.write(b"MATLAB 7.3 MAT-file, created by nclab make_digitstruct.py".ljust(116, b" "))
