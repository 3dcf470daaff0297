#!/usr/bin/python3
"""Fixtures for package npyfile: .npy files as NumPy itself writes them, in every
format version (1.0, 2.0, 3.0), byte order and dtype the reader supports, plus a
Fortran-order matrix. Every matrix holds the same values, listed in expected.txt.

Run from this folder: /usr/bin/python3 make_fixtures.py
"""
import numpy as np

A = np.array([[1.5, -2.0, 0.0], [3.0, 0.25, -65504.0 / 4096]])  # exact in float16
INTS = np.array([[1, 0, 3], [0, 2, 1]])


def save(name, arr, version=None):
    with open(name, "wb") as f:
        np.lib.format.write_array(f, arr, version=version, allow_pickle=False)


for version in [(1, 0), (2, 0), (3, 0)]:
    tag = f"v{version[0]}"
    for dt in ["<f8", ">f8", "<f4", ">f4", "<f2", ">f2"]:
        save(f"{tag}_{dt[1:]}_{'le' if dt[0] == '<' else 'be'}.npy", A.astype(dt), version)
    for dt in ["|u1", "|i1", "<u2", ">i2", "<i4", ">u4", "<i8", ">i8", "<u8", "|b1"]:
        arr = (INTS > 0) if dt == "|b1" else INTS.astype(dt)
        save(f"{tag}_{dt[1:]}_{'be' if dt[0] == '>' else 'le'}.npy", arr, version)
save("fortran.npy", np.asfortranarray(A))
save("vector.npy", np.array([4.0, -1.0, 2.5]))
with open("expected.txt", "w") as f:
    f.write("floats " + " ".join(repr(float(v)) for v in A.ravel()) + "\n")
    f.write("ints " + " ".join(str(int(v)) for v in INTS.ravel()) + "\n")
    f.write("bools " + " ".join(str(int(v)) for v in (INTS > 0).ravel()) + "\n")
