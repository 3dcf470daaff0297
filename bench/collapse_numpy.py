#!/usr/bin/python3
"""NumPy side-by-side for BenchmarkCollapse: every collapse metric of METHOD.md section 5
on N = 40,000 features of d = 512, K = 10 classes (3,100 samples each) plus the 45 pairs
(200 samples each), with a classifier W and bias b, at 2 BLAS threads.

Two NumPy versions are timed:
  textbook   - Sigma_W as a d x d matrix, np.linalg.pinv of the d x d Sigma_B (what the
               formulas say, and what NC codes usually do);
  projection - the algorithm of nclab's collapse.Compute: thin SVD of the r x d centred
               means, within-class scatter only along the kept directions.
Both give the same numbers. With --out DIR the data are also written there as .npy
(features, labels, W, b) and the textbook metrics as numpy.json, so that
bench/collapse.sh can run `nclab collapse` on the very same input and compare.
"""
import argparse
import itertools
import json
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("MKL_NUM_THREADS", "2")
import numpy as np  # noqa: E402

K, D, N1, N2 = 10, 512, 3100, 200
RTOL = 1e-10


def make_data(seed=2024):
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((K, D))
    sets = [(c,) for c in range(K) for _ in range(N1)] + [p for p in itertools.combinations(range(K), 2) for _ in range(N2)]
    order = rng.permutation(len(sets))
    y = np.zeros((len(sets), K), dtype=np.uint8)
    for i, j in enumerate(order):
        y[i, list(sets[j])] = 1
    h = y.astype(np.float64) @ base + 0.5 * rng.standard_normal((len(sets), D))
    return h, y, 0.1 * base, np.zeros(K)


def etf_distance(g):
    k = g.shape[0]
    t = (np.eye(k) - 1.0 / k) / np.sqrt(k - 1)
    return float(np.linalg.norm(g / np.linalg.norm(g) - t))


def angle_deg(cos):
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def metrics(h, y, w, b, method):
    n, d = h.shape
    codes = y.astype(np.int64) @ (1 << np.arange(K))
    uniq, owner, counts = np.unique(codes, return_inverse=True, return_counts=True)
    members = (uniq[:, None] >> np.arange(K)) & 1  # set x class indicator
    mult = members.sum(axis=1)
    order = np.argsort(owner, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    means = np.add.reduceat(h[order], starts, axis=0) / counts[:, None]
    centred = h - means[owner]
    out = {"nc_m": {}, "angle": {}, "gamma": {}}

    def variability(m):
        sel_sets = np.flatnonzero(mult == m)
        if m == 1:  # classes in class order
            sel_sets = sel_sets[np.argsort(members[sel_sets].argmax(axis=1))]
        rows = mult[owner] == m
        mu_g = h[rows].mean(axis=0)
        c = means[sel_sets] - mu_g
        r = len(sel_sets)
        if method == "textbook":
            hc = centred[rows]
            sw = hc.T @ hc / rows.sum()
            sb = c.T @ c / r
            return float(np.trace(sw @ np.linalg.pinv(sb, rcond=RTOL, hermitian=True)) / r), means[sel_sets], mu_g
        _, s, vt = np.linalg.svd(c, full_matrices=False)
        lam = s**2 / r
        keep = lam > RTOL * lam[0]
        proj = centred[rows] @ vt[keep].T
        return float(((proj**2).sum(axis=0) / rows.sum() / lam[keep]).sum() / r), means[sel_sets], mu_g

    out["nc1"], mu, mu_g = variability(1)
    out["nc_m"]["1"] = out["nc1"]
    out["nc_m"]["2"], _, _ = variability(2)
    m_c = mu - mu_g
    out["nc2_h"] = etf_distance(m_c @ m_c.T)
    out["nc2_w"] = etf_distance(w @ w.T)
    out["nc3"] = etf_distance(w @ m_c.T)
    out["nc3_papyan"] = float(np.linalg.norm(w / np.linalg.norm(w) - m_c / np.linalg.norm(m_c)))
    # Angle ratio and gamma for m = 2 on uncentred means.
    pair_ids = np.flatnonzero(mult == 2)
    mu_s = means[pair_ids]
    subsets = np.array(list(itertools.combinations(range(K), 2)))
    sums = mu[subsets[:, 0]] + mu[subsets[:, 1]]
    cos = (sums @ mu_s.T) / np.outer(np.linalg.norm(sums, axis=1), np.linalg.norm(mu_s, axis=1))
    all_angles = angle_deg(cos)
    matched_rows = [np.flatnonzero((members[i][subsets[:, 0]] & members[i][subsets[:, 1]]) == 1)[0] for i in pair_ids]
    matched = all_angles[matched_rows, np.arange(len(pair_ids))].mean()
    out["angle"]["2"] = float(matched / all_angles.mean())
    avg = sums[matched_rows] / 2
    out["gamma"]["2"] = float(np.mean(np.linalg.norm(mu_s, axis=1) / np.linalg.norm(avg, axis=1)))
    # NCC agreement on multiplicity-1 samples.
    h1 = h[mult[owner] == 1]
    dist = (mu**2).sum(axis=1)[None, :] - 2 * h1 @ mu.T
    out["ncc_agreement"] = float(np.mean(dist.argmin(axis=1) == (h1 @ w.T + b).argmax(axis=1)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="write features/labels/W/b .npy and numpy.json here")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    h, y, w, b = make_data()
    if args.out:
        np.save(os.path.join(args.out, "features.npy"), h)
        np.save(os.path.join(args.out, "labels.npy"), y)
        np.save(os.path.join(args.out, "W.npy"), w)
        np.save(os.path.join(args.out, "b.npy"), b)
    print(f"NumPy {np.__version__}, N = {len(h)}, d = {D}, K = {K} + 45 pairs, OPENBLAS_NUM_THREADS = {os.environ['OPENBLAS_NUM_THREADS']}")
    results = {}
    for method in ["textbook", "projection"]:
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            results[method] = metrics(h, y, w, b, method)
            times.append(time.perf_counter() - t0)
        print(f"numpy-{method}: median {np.median(times) * 1e3:.0f} ms, min {min(times) * 1e3:.0f} ms over {args.repeats} runs")
    a, p = results["textbook"], results["projection"]
    print(f"textbook vs projection: NC1 {a['nc1']:.12g} vs {p['nc1']:.12g}, NC_2 {a['nc_m']['2']:.12g} vs {p['nc_m']['2']:.12g}")
    if args.out:
        with open(os.path.join(args.out, "numpy.json"), "w") as f:
            json.dump(a, f)


if __name__ == "__main__":
    main()
