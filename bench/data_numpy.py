#!/usr/bin/env python3
"""Side-by-side for nclab's M-lab MNIST builder: the same recipe (METHOD.md §6) in NumPy,
paper size (train 3,100 per class + 200 per pair; test 800 + 50), one thread of Python.
Not byte-identical to nclab (different random streams): it times the same work.
Usage: python3 bench/data_numpy.py MNIST_DIR
"""
import gzip
import resource
import sys
import time

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i: 8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def build(images, labels, n1, n2, rng):
    k = 10
    by_class = [rng.permutation(np.flatnonzero(labels == c)) for c in range(k)]
    cursor = [0] * k

    def draw(c):
        if cursor[c] == len(by_class[c]):
            by_class[c] = rng.permutation(by_class[c])
            cursor[c] = 0
        cursor[c] += 1
        return images[by_class[c][cursor[c] - 1]]

    def placed(img, bottom_right):
        canvas = np.zeros((56, 56), np.uint8)
        o = 28 if bottom_right else 0
        canvas[o:o + 28, o:o + 28] = img
        return np.roll(canvas, (rng.integers(0, 7), rng.integers(0, 7)), axis=(0, 1))

    out, sets = [], []
    for c in range(k):
        for _ in range(n1):
            out.append(placed(draw(c), True))
            sets.append((c,))
    for a in range(k):
        for b in range(a + 1, k):
            for _ in range(n2):
                first_br = rng.integers(0, 2) == 1
                out.append(np.maximum(placed(draw(a), first_br), placed(draw(b), not first_br)))
                sets.append((a, b))
    return np.stack(out), sets


d = sys.argv[1]
t0 = time.perf_counter()
tr_x, tr_y = read_idx(d + "/train-images-idx3-ubyte.gz"), read_idx(d + "/train-labels-idx1-ubyte.gz")
te_x, te_y = read_idx(d + "/t10k-images-idx3-ubyte.gz"), read_idx(d + "/t10k-labels-idx1-ubyte.gz")
t1 = time.perf_counter()
rng = np.random.default_rng(1)
train, _ = build(tr_x, tr_y, 3100, 200, rng)
test, _ = build(te_x, te_y, 800, 50, rng)
t2 = time.perf_counter()
print(f"numpy: read IDX {t1 - t0:.2f} s, build {t2 - t1:.2f} s (train {train.shape}, test {test.shape}), "
      f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
