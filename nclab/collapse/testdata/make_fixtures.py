#!/usr/bin/python3
"""Fixtures for package collapse: small datasets and their collapse metrics computed
independently with NumPy, straight from the formulas of METHOD.md section 5 (d x d
Sigma_W and Sigma_B, np.linalg.pinv, explicit loops over label sets).

Run from this folder: /usr/bin/python3 make_fixtures.py
Writes <name>_features.npy (N x d float64), <name>_labels.npy (N x K uint8 multi-hot),
<name>_W.npy, <name>_b.npy (when the dataset has a classifier) and expected.json.
"""
import itertools
import json

import numpy as np

PINV_RTOL = 1e-10  # collapse.DefaultPinvRTol


def etf_distance(g):
    """|| G/||G||_F - T ||_F with T = (I - 11^T/K)/sqrt(K-1)."""
    k = g.shape[0]
    t = (np.eye(k) - np.ones((k, k)) / k) / np.sqrt(k - 1)
    return float(np.linalg.norm(g / np.linalg.norm(g) - t))


def variability(h, owner, sets, mu_g=None):
    """tr(Sigma_W pinv(Sigma_B)) / r with the label sets `sets` as classes."""
    means = np.array([h[owner == i].mean(axis=0) for i in range(len(sets))])
    mask = np.isin(owner, np.arange(len(sets)))
    if mu_g is None:
        mu_g = h[mask].mean(axis=0)
    d = h.shape[1]
    sw = np.zeros((d, d))
    for i in range(len(sets)):
        dev = h[owner == i] - means[i]
        sw += dev.T @ dev
    sw /= mask.sum()
    c = means - mu_g
    sb = c.T @ c / len(sets)
    return float(np.trace(sw @ np.linalg.pinv(sb, rcond=PINV_RTOL, hermitian=True)) / len(sets))


def angle(a, b, clip=True):
    cos = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))
    if clip:
        cos = np.clip(cos, -1, 1)
    return float(np.degrees(np.arccos(cos)))


def metrics(k, h, labels, w=None, b=None, reference=False):
    sets = sorted({tuple(np.flatnonzero(row)) for row in labels}, key=lambda s: (len(s), s))
    index = {s: i for i, s in enumerate(sets)}
    owner = np.array([index[tuple(np.flatnonzero(row))] for row in labels])
    mult = np.array([len(sets[o]) for o in owner])
    n = len(h)
    out = {}

    singles = [index[(c,)] for c in range(k)]
    mu = np.array([h[owner == i].mean(axis=0) for i in singles])
    h1 = h[mult == 1]
    mu_g = h1.sum(axis=0) / (n if reference else len(h1))
    # NC1: the multiplicity-1 sets renumbered 0..K-1 as classes.
    owner1 = np.array([singles.index(o) if o in singles else -1 for o in owner])
    out["nc1"] = variability(h, owner1, [(c,) for c in range(k)], mu_g)
    out["nc_m"] = {"1": out["nc1"]}
    out["angle"], out["angle_matched_deg"], out["angle_all_deg"] = {}, {}, {}
    out["angle_by_count"], out["gamma"] = {}, {}
    for m in sorted(set(mult)):
        present = [s for s in sets if len(s) == m]
        if m >= 2 and len(present) >= 2:
            ids = [index[s] for s in present]
            owner_m = np.array([ids.index(o) if o in ids else -1 for o in owner])
            out["nc_m"][str(m)] = variability(h, owner_m, present)
        if m < 2:
            continue
        means = {s: h[owner == index[s]].mean(axis=0) for s in present}
        subsets = list(itertools.combinations(range(k), m))

        def ratio(group):
            matched = np.mean([angle(mu[list(s)].sum(axis=0), means[s], not reference) for s in group])
            every = np.mean([angle(mu[list(t)].sum(axis=0), means[s], not reference) for s in group for t in subsets])
            return matched, every

        matched, every = ratio(present)
        out["angle"][str(m)] = matched / every
        out["angle_matched_deg"][str(m)] = matched
        out["angle_all_deg"][str(m)] = every
        counts = {}
        for s in present:
            counts.setdefault(int((owner == index[s]).sum()), []).append(s)
        out["angle_by_count"][str(m)] = {str(c): (lambda r: r[0] / r[1])(ratio(g)) for c, g in counts.items()}
        out["gamma"][str(m)] = float(np.mean([np.linalg.norm(means[s]) / np.linalg.norm(mu[list(s)].mean(axis=0)) for s in present]))

    centred = mu - mu_g
    out["nc2_h"] = etf_distance((mu if reference else centred) @ (mu if reference else centred).T)
    if w is not None:
        out["nc2_w"] = etf_distance(w @ w.T)
        out["nc3"] = etf_distance(w @ centred.T)
        out["nc3_papyan"] = float(np.linalg.norm(w / np.linalg.norm(w) - centred / np.linalg.norm(centred)))
        nearest = np.argmin(((h1[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2), axis=1)
        predicted = np.argmax(h1 @ w.T + b, axis=1)
        out["ncc_agreement"] = float(np.mean(nearest == predicted))
    return out


def subspace_split(k, h, labels, w, reference=False, null_angle=True):
    """The subspace split of METHOD.md section 5 from the projected features themselves:
    P = pinv(W) W (the orthogonal projector onto the row space of W), then the metrics
    above on P h and on (I - P) h."""
    p = np.linalg.pinv(w) @ w
    row = h @ p
    null = h - row
    on_row = metrics(k, row, labels, reference=reference)
    out = {"angle_row": on_row["angle"], "nc1_row": on_row["nc1"],
           "null_energy": float((null ** 2).sum() / (h ** 2).sum()),
           "w_rank": int(np.linalg.matrix_rank(w))}
    if null_angle:
        out["angle_null"] = metrics(k, null, labels, reference=reference)["angle"]
    return out


def multi_hot(k, sets_with_counts):
    rows = []
    for s, c in sets_with_counts:
        y = np.zeros(k, dtype=np.uint8)
        y[list(s)] = 1
        rows += [y] * c
    return np.array(rows)


def dataset_mixed(rng):
    """K=5, d=12: imbalanced singles, pairs in two count groups, three triples, noise."""
    k, d = 5, 12
    sets = [((c,), n) for c, n in enumerate([30, 25, 40, 35, 20])]
    sets += [(p, 10 if i % 2 == 0 else 4) for i, p in enumerate(itertools.combinations(range(k), 2)) if i < 7]
    sets += [((0, 1, 2), 5), ((1, 3, 4), 5), ((0, 2, 4), 6)]
    labels = multi_hot(k, sets)
    base = 3 * rng.standard_normal((k, d))
    h = np.array([base[np.flatnonzero(y)].sum(axis=0) * (1 + 0.2 * y.sum()) for y in labels])
    h += 0.7 * rng.standard_normal(h.shape) + 2.0
    perm = rng.permutation(len(h))
    w = base + 0.5 * rng.standard_normal((k, d))
    b = 0.3 * rng.standard_normal(k)
    return k, h[perm], labels[perm], w, b


def dataset_near_collapse(rng):
    """K=4, d=6: features c_m sum_{k in S} w_k of a simplex ETF W, offset by 5, with
    noise 1e-7 (NC1 ~ 1e-14: the case where naive moments lose every digit)."""
    k, d = 4, 6
    e = np.sqrt(k / (k - 1)) * (np.eye(k) - np.ones((k, k)) / k)
    q, _ = np.linalg.qr(rng.standard_normal((d, k)))
    w = e @ q.T
    c = {1: 0.41, 2: 0.35, 3: 0.17}
    sets = [((i,), 12) for i in range(k)] + [(p, 6) for p in itertools.combinations(range(k), 2)]
    sets += [((0, 1, 2), 3), ((1, 2, 3), 3)]
    labels = multi_hot(k, sets)
    h = np.array([c[int(y.sum())] * w[np.flatnonzero(y)].sum(axis=0) for y in labels])
    h += 1e-7 * rng.standard_normal(h.shape) + 5.0
    return k, h, labels, w + 1e-3 * rng.standard_normal(w.shape), np.zeros(k)


def dataset_low_dimension(rng):
    """K=6, d=3 < K-1: Sigma_B has rank 3, pinv must drop the rest; no classifier."""
    k, d = 6, 3
    sets = [((c,), 8) for c in range(k)] + [((0, 1), 5), ((2, 5), 5), ((3, 4), 7)]
    labels = multi_hot(k, sets)
    base = rng.standard_normal((k, d))
    h = np.array([base[np.flatnonzero(y)].sum(axis=0) for y in labels]) + 0.3 * rng.standard_normal((len(labels), d))
    return k, h, labels, None, None


def dataset_subspace(rng):
    """K=5, d=16 > K, W of rank 4 (w_4 = w_0 - 0.5 w_2): a tag-wise average inside the
    row space of W, plus a null-space part that is a fresh random vector per label set
    (no structure there), plus noise, offset 1."""
    k, d = 5, 16
    w = rng.standard_normal((k, d))
    w[4] = w[0] - 0.5 * w[2]
    p = np.linalg.pinv(w) @ w
    sets = [((c,), n) for c, n in enumerate([20, 24, 18, 22, 26])]
    sets += [(q, 8) for q in itertools.combinations(range(k), 2)]
    sets += [((0, 1, 2), 6), ((1, 2, 4), 6), ((0, 3, 4), 5), ((2, 3, 4), 7)]
    labels = multi_hot(k, sets)
    base = 2 * rng.standard_normal((k, d)) @ p
    null_part = {s: 1.5 * (rng.standard_normal(d) @ (np.eye(d) - p)) for s, _ in sets}
    h = np.array([base[np.flatnonzero(y)].sum(axis=0) * (1 + 0.3 * y.sum()) + null_part[tuple(np.flatnonzero(y))]
                  for y in labels])
    h += 0.4 * rng.standard_normal(h.shape) + 1.0
    perm = rng.permutation(len(h))
    return k, h[perm], labels[perm], w, 0.2 * rng.standard_normal(k)


def main():
    rng = np.random.default_rng(20240701)
    expected = {}
    for name, make in [("mixed", dataset_mixed), ("near_collapse", dataset_near_collapse), ("low_dimension", dataset_low_dimension),
                       ("subspace", dataset_subspace)]:
        k, h, labels, w, b = make(rng)
        np.save(f"{name}_features.npy", h)
        np.save(f"{name}_labels.npy", labels)
        if w is not None:
            np.save(f"{name}_W.npy", w)
            np.save(f"{name}_b.npy", b)
        expected[name] = {"k": k, "paper": metrics(k, h, labels, w, b), "reference": metrics(k, h, labels, w, b, reference=True)}
        if w is not None:
            # near_collapse: the null-space means are all ~5 (I - P) 1, so their angles
            # are ~1e-6 degrees, below what arccos resolves: angle_null is not compared.
            for variant, reference in [("paper", False), ("reference", True)]:
                expected[name][variant].update(subspace_split(k, h, labels, w, reference, null_angle=name != "near_collapse"))
    with open("expected.json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
