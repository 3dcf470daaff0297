"""Side-by-side baseline for BenchmarkONNPredict / BenchmarkOvAPredict / BenchmarkOvAFit
(nclab/decode/bench_test.go): the same synthetic M-lab-sized features (K = 10, d = 512,
40,000 train = 3,100 per class + 200 per pair, 10,250 test = 800 + 50), decoded with
NumPy (ONN: nearest label-set mean; OvA: logits and threshold) and OvA heads trained by
PyTorch full-batch L-BFGS (float64, from zero) to the same mean loss 0.01.
2 threads, as the Go side. Prints one line per step: name, seconds (best of 3 or 1)."""
import os, time
os.environ.setdefault("OMP_NUM_THREADS", "2")
import numpy as np
import torch

torch.set_num_threads(2)
K, D = 10, 512
rng_dirs = np.random.default_rng(1)
W = rng_dirs.standard_normal((K, D)) / np.sqrt(D)
pairs = [(i, j) for i in range(K) for j in range(i + 1, K)]


def sample(per_single, per_pair, seed):
    rng = np.random.default_rng(seed)
    sets = [(c,) for c in range(K) for _ in range(per_single)] + [p for p in pairs for _ in range(per_pair)]
    x = np.stack([W[list(s)].mean(0) for s in sets]) + 0.5 * rng.standard_normal((len(sets), D)) / np.sqrt(D)
    y = np.zeros((len(sets), K))
    for i, s in enumerate(sets):
        y[i, list(s)] = 1
    return x, y, sets


def best(f, reps=3):
    t = []
    for _ in range(reps):
        s = time.perf_counter(); f(); t.append(time.perf_counter() - s)
    return min(t)


xtr, ytr, str_ = sample(3100, 200, 1)
xte, yte, ste = sample(800, 50, 2)
keys = sorted(set(str_), key=lambda s: (len(s), s))
index = {s: i for i, s in enumerate(keys)}
lab = np.array([index[s] for s in str_])


def onn_fit():
    sums = np.zeros((len(keys), D)); np.add.at(sums, lab, xtr)
    return sums / np.bincount(lab)[:, None]


means = onn_fit()
mm = (means ** 2).sum(1)


def onn_predict():
    g = xte @ means.T
    d2 = (xte ** 2).sum(1)[:, None] - 2 * g + mm[None, :]
    return d2.argmin(1)


print(f"numpy ONN fit      {best(onn_fit):.4f} s")
print(f"numpy ONN predict  {best(onn_predict):.4f} s  (subset acc {np.mean([keys[i] == s for i, s in zip(onn_predict(), ste)]):.4f})")

xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
w = torch.zeros(K, D, dtype=torch.float64, requires_grad=True)
b = torch.zeros(K, dtype=torch.float64, requires_grad=True)
opt = torch.optim.LBFGS([w, b], lr=1, max_iter=500, history_size=15, line_search_fn="strong_wolfe",
                        tolerance_grad=0, tolerance_change=0)
evals = [0]
loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum")


def closure():
    opt.zero_grad()
    loss = loss_fn(xt @ w.T + b, yt) / len(xt)
    loss.backward()
    evals[0] += 1
    if loss.item() <= 0.01:  # stop at the target loss, as decode.FitOvA does
        raise StopIteration
    return loss


s = time.perf_counter()
try:
    opt.step(closure)
except StopIteration:
    pass
fit = time.perf_counter() - s
with torch.no_grad():
    final = (loss_fn(xt @ w.T + b, yt) / len(xt)).item()
print(f"torch OvA fit      {fit:.4f} s  ({evals[0]} evaluations, loss {final:.5f})")
wn, bn = w.detach().numpy(), b.detach().numpy()


def ova_predict():
    return (xte @ wn.T + bn) >= 0


print(f"numpy OvA predict  {best(ova_predict):.4f} s  (subset acc {np.mean((ova_predict() == (yte > 0)).all(1)):.4f})")
