#!/usr/bin/python3
"""Side-by-side data and NumPy reference for bench/collapse_scale.sh (issue 14): the
collapse metrics of single-label features with K = 1,000 classes and d = 2,048,
float32, at N = 40,000 and N = 500,000 (4 GB on disk).

  generate --n N --d D --k K --out DIR   writes DIR/features.npy (float32, streamed in
      chunks of 10,000 rows through np.lib.format.open_memmap, so memory stays small),
      labels.npy (int64 class indices), W.npy and b.npy.
  numpy --dir DIR   the textbook NumPy computation, at 2 BLAS threads: np.load the
      features whole, class means by boolean masks, Sigma_W as a d x d matrix
      accumulated over row chunks (float32 products into float64), np.linalg.pinv of
      the d x d Sigma_B, the NCC agreement by chunks of (N x K) scores, CDNV, hyperspherical
      uniformity and uniform duality as METHOD.md section 5 states them. Prints one JSON
      object with the metrics and the seconds spent after loading ("compute_s") and in
      all ("total_s").
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "2")
import numpy as np  # noqa: E402

RTOL = 1e-10
CHUNK = 10_000


def generate(n, d, k, out, seed=14):
    rng = np.random.default_rng(seed)
    means = 2.0 * rng.standard_normal((k, d)).astype(np.float32)
    labels = rng.permutation(np.arange(n) % k).astype(np.int64)  # every class n/k times
    feats = np.lib.format.open_memmap(os.path.join(out, "features.npy"), mode="w+", dtype=np.float32, shape=(n, d))
    for start in range(0, n, CHUNK):
        end = min(start + CHUNK, n)
        feats[start:end] = means[labels[start:end]] + rng.standard_normal((end - start, d), dtype=np.float32)
    feats.flush()
    del feats
    np.save(os.path.join(out, "labels.npy"), labels)
    np.save(os.path.join(out, "W.npy"), means.astype(np.float64) + 0.5 * rng.standard_normal((k, d)))
    np.save(os.path.join(out, "b.npy"), 0.1 * rng.standard_normal(k))


def etf_distance(g):
    k = g.shape[0]
    t = (np.eye(k) - 1.0 / k) / np.sqrt(k - 1)
    return float(np.linalg.norm(g / np.linalg.norm(g) - t))


def textbook(directory):
    start = time.perf_counter()
    h = np.load(os.path.join(directory, "features.npy"))
    y = np.load(os.path.join(directory, "labels.npy"))
    w = np.load(os.path.join(directory, "W.npy"))
    b = np.load(os.path.join(directory, "b.npy"))
    loaded = time.perf_counter()
    n, d = h.shape
    k = int(y.max()) + 1
    mu = np.stack([h[y == c].mean(axis=0, dtype=np.float64) for c in range(k)])
    mu_g = h.mean(axis=0, dtype=np.float64)
    mu32 = mu.astype(np.float32)
    sw = np.zeros((d, d))
    sigma2 = np.zeros(k)
    for s in range(0, n, CHUNK):
        dev = h[s:s + CHUNK] - mu32[y[s:s + CHUNK]]
        sw += (dev.T @ dev).astype(np.float64)
        np.add.at(sigma2, y[s:s + CHUNK], (dev.astype(np.float64) ** 2).sum(axis=1))
    sw /= n
    m = mu - mu_g
    sb = m.T @ m / k
    out = {"nc1": float(np.trace(sw @ np.linalg.pinv(sb, rcond=RTOL, hermitian=True)) / k)}
    out["nc2_h"] = etf_distance(m @ m.T)
    out["nc2_w"] = etf_distance(w @ w.T)
    out["nc3"] = etf_distance(w @ m.T)
    out["nc3_papyan"] = float(np.linalg.norm(w / np.linalg.norm(w) - m / np.linalg.norm(m)))
    agree = 0
    mu_sq = (mu32.astype(np.float64) ** 2).sum(axis=1)
    w32 = w.astype(np.float32)
    for s in range(0, n, CHUNK):
        hc = h[s:s + CHUNK]
        nearest = np.argmin(mu_sq - 2 * (hc @ mu32.T), axis=1)
        predicted = np.argmax(hc @ w32.T + b, axis=1)
        agree += int((nearest == predicted).sum())
    out["ncc_agreement"] = agree / n
    sigma2 /= np.bincount(y, minlength=k)
    iu = np.triu_indices(k, 1)
    dist2 = ((mu[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2) if k <= 200 else \
        (mu ** 2).sum(1)[:, None] + (mu ** 2).sum(1)[None, :] - 2 * mu @ mu.T
    out["cdnv"] = float(np.mean((sigma2[iu[0]] + sigma2[iu[1]]) / (2 * dist2[iu])))
    u = m / np.linalg.norm(m, axis=1, keepdims=True)
    logs = -0.5 * np.log(np.maximum(2 - 2 * (u @ u.T)[iu], 0))
    out["nc2_uniformity"] = {"mean": float(logs.mean()), "std": float(logs.std())}
    cos = (w * m).sum(axis=1) / (np.linalg.norm(w, axis=1) * np.linalg.norm(m, axis=1))
    out["nc3_uniformity_cv"] = float(cos.std() / cos.mean())
    end = time.perf_counter()
    out["compute_s"], out["total_s"] = end - loaded, end - start
    return out


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--n", type=int, required=True)
    g.add_argument("--d", type=int, default=2048)
    g.add_argument("--k", type=int, default=1000)
    g.add_argument("--out", required=True)
    p = sub.add_parser("numpy")
    p.add_argument("--dir", required=True)
    args = ap.parse_args()
    if args.cmd == "generate":
        generate(args.n, args.d, args.k, args.out)
    else:
        json.dump(textbook(args.dir), sys.stdout)
        print()


if __name__ == "__main__":
    main()
