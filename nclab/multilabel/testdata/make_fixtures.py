#!/usr/bin/python3
"""Fixtures for package multilabel: random multi-label truths, noisy predictions
(some empty, one class never used) and logits, scored with scikit-learn 1.2's own
functions (default zero_division) and NumPy for the softmax mass.

Run from this folder: /usr/bin/python3 make_fixtures.py
Writes <name>_truth.npy, <name>_pred.npy (N x K uint8), <name>_logits.npy (N x K float64)
and expected.json.
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, f1_score, hamming_loss, jaccard_score

warnings.filterwarnings("ignore")  # zero_division warnings: the value 0 is what we test


def scores(y, p, z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    softmax = e / e.sum(axis=1, keepdims=True)
    return {
        "n": int(len(y)),
        "f1_samples": f1_score(y, p, average="samples"),
        "f1_micro": f1_score(y, p, average="micro"),
        "f1_macro": f1_score(y, p, average="macro"),
        "subset_accuracy": accuracy_score(y, p),
        "hamming_loss": hamming_loss(y, p),
        "jaccard_samples": jaccard_score(y, p, average="samples"),
        "softmax_mass_iou": float(np.mean((softmax * y).sum(axis=1))),
    }


def make(rng, k, n, unused_class, flip):
    y = np.zeros((n, k), dtype=np.uint8)
    usable = [c for c in range(k) if c != unused_class]
    for i in range(n):
        m = rng.integers(1, 4)
        y[i, rng.choice(usable, size=m, replace=False)] = 1
    p = y.copy()
    noise = rng.random((n, k)) < flip
    p[noise] = 1 - p[noise]
    if unused_class is not None:
        p[:, unused_class] = 0
    p[rng.random(n) < 0.05] = 0  # some empty predictions
    z = 2 * rng.standard_normal((n, k)) + 3 * y
    return y, p, z


def main():
    rng = np.random.default_rng(8)
    expected = {"sklearn_version": sklearn.__version__}
    for name, k, n, unused, flip in [("noisy", 6, 200, 5, 0.15), ("good", 10, 300, None, 0.02)]:
        y, p, z = make(rng, k, n, unused, flip)
        np.save(f"{name}_truth.npy", y)
        np.save(f"{name}_pred.npy", p)
        np.save(f"{name}_logits.npy", z)
        out = scores(y, p, z)
        out["k"] = k
        mult = y.sum(axis=1)
        out["by_multiplicity"] = {str(m): scores(y[mult == m], p[mult == m], z[mult == m]) for m in sorted(set(mult))}
        expected[name] = out
    with open("expected.json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
