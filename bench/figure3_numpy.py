"""Independent NumPy check of the subspace split (METHOD.md §5) on a run directory of
`nclab train --out DIR`: rank of W, null-space energy, and the two-label angle ratio of
h, P h and (I - P) h (uncentred means, clipped cosines). Usage:
/usr/bin/python3 bench/figure3_numpy.py DIR   (compare with nclab collapse on the same arrays)"""
import numpy as np, itertools, sys
d = sys.argv[1]
H = np.load(d + "/train_features.npy").astype(np.float64)
Y = np.load(d + "/train_labels.npy").astype(bool)
W = np.load(d + "/classifier_w.npy").astype(np.float64)
K = W.shape[0]
U, s, Vt = np.linalg.svd(W, full_matrices=False)
r = int((s > s[0] * max(W.shape) * np.finfo(float).eps).sum())
P = Vt[:r].T @ Vt[:r]
def ratio(F):
    m = Y.sum(1)
    mu = np.array([F[(m == 1) & Y[:, k]].mean(0) for k in range(K)])
    sets = sorted({tuple(np.flatnonzero(y)) for y in Y[m == 2]})
    ang = lambda a, b: np.degrees(np.arccos(np.clip(a @ b / np.linalg.norm(a) / np.linalg.norm(b), -1, 1)))
    means = {S: F[(m == 2) & Y[:, list(S)].all(1)].mean(0) for S in sets}
    num = np.mean([ang(mu[list(S)].sum(0), means[S]) for S in sets])
    den = np.mean([ang(mu[list(T)].sum(0), means[S]) for S in sets for T in itertools.combinations(range(K), 2)])
    return num / den
print("rank", r, "null_energy", ((H - H @ P) ** 2).sum() / (H ** 2).sum(), "angle full", ratio(H), "row", ratio(H @ P), "null", ratio(H - H @ P))
