#!/usr/bin/python3
"""PyTorch baseline for the UFM benchmark (bench/ufm.sh runs it beside the Go benchmarks).

The same problems and algorithm as nclab/ufm/bench_test.go:
  * time to reach (mean of --repeats runs, like Go's ns/op) (f - f*)/|f*| <= 1e-6 for K=10, d=64, n_1=100, n_2=20 (N=1,900),
    lambda_W = lambda_H = lambda_b = 5e-3, full-batch SGD lr 5, momentum 0.9, float64,
    W, H ~ N(0, 0.1^2), b = 0; and torch.optim.LBFGS (strong Wolfe line search);
  * per-step time of the same gradient-descent step at N = 10,000 (n_1=550, n_2=100),
    float32 and float64.
f* is the closed form printed by `nclab ufm solve` for this problem (argument --fstar).
Prints one JSON object per measurement. Uses 2 threads (the machine has 2 cores) unless
--threads says otherwise (bench/ufm.sh also runs 1 thread: on a loaded machine PyTorch's
2-thread kernels lose far more to contention than 1 thread does).
"""
import argparse
import itertools
import json
import time

import torch



def problem(k, counts, dtype):
    sets = [s for m, n in sorted(counts.items()) for s in itertools.combinations(range(k), m) for _ in range(n)]
    y = torch.zeros(len(sets), k, dtype=dtype)
    for i, s in enumerate(sets):
        y[i, list(s)] = 1
    return y


def objective(w, h, b, y, lw, lh, lb):
    z = h @ w.T + b
    # PAL: sum over the set of -log softmax = m logsumexp(z) - sum_{k in S} z_k, mean over N.
    data = (y.sum(1) * torch.logsumexp(z, 1) - (y * z).sum(1)).mean()
    return data + lw / 2 * (w ** 2).sum() + lh / 2 * (h ** 2).sum() + lb / 2 * (b ** 2).sum()


def init(k, n, d, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    w = (0.1 * torch.randn(k, d, generator=g, dtype=dtype)).requires_grad_()
    h = (0.1 * torch.randn(n, d, generator=g, dtype=dtype)).requires_grad_()
    b = torch.zeros(k, dtype=dtype, requires_grad=True)
    return w, h, b


def time_to_accuracy_gd(fstar, lam, seed):
    y = problem(10, {1: 100, 2: 20}, torch.float64)
    w, h, b = init(10, y.shape[0], 64, torch.float64, seed)
    opt = torch.optim.SGD([w, h, b], lr=5, momentum=0.9)
    start = time.perf_counter()
    for step in range(100000):
        opt.zero_grad()
        f = objective(w, h, b, y, *lam)
        if (f.item() - fstar) / abs(fstar) <= 1e-6:
            return time.perf_counter() - start, step
        f.backward()
        opt.step()
    raise RuntimeError("gd did not reach 1e-6")


def time_to_accuracy_lbfgs(fstar, lam, seed):
    y = problem(10, {1: 100, 2: 20}, torch.float64)
    w, h, b = init(10, y.shape[0], 64, torch.float64, seed)
    opt = torch.optim.LBFGS([w, h, b], lr=1, max_iter=1, history_size=10, line_search_fn="strong_wolfe",
                            tolerance_grad=0, tolerance_change=0)
    state = {"f": None}

    def closure():
        opt.zero_grad()
        f = objective(w, h, b, y, *lam)
        f.backward()
        state["f"] = f.item()
        return f

    start = time.perf_counter()
    for step in range(100000):
        opt.step(closure)
        if (state["f"] - fstar) / abs(fstar) <= 1e-6:
            return time.perf_counter() - start, step + 1
    raise RuntimeError("lbfgs did not reach 1e-6")


def per_step(dtype, lam, steps):
    y = problem(10, {1: 550, 2: 100}, dtype)
    w, h, b = init(10, y.shape[0], 64, dtype, 0)
    opt = torch.optim.SGD([w, h, b], lr=1, momentum=0.9)

    def step():
        opt.zero_grad()
        objective(w, h, b, y, *lam).backward()
        opt.step()

    for _ in range(10):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps, y.shape[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fstar", type=float, required=True)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tag = "" if args.threads == 2 else "@%dthread" % args.threads
    lam = (5e-3, 5e-3, 5e-3)
    for name, fn in [("gd", time_to_accuracy_gd), ("lbfgs", time_to_accuracy_lbfgs)]:
        times, steps = [], 0
        for _ in range(args.repeats):
            t, steps = fn(args.fstar, lam, 0)
            times.append(t)
        print(json.dumps({"bench": "time_to_1e-6/" + name + tag, "seconds": sum(times) / len(times), "steps": steps}))
    for dtype, name in [(torch.float32, "float32"), (torch.float64, "float64")]:
        t, n = per_step(dtype, lam, args.steps)
        print(json.dumps({"bench": "step/N=%d/%s%s" % (n, name, tag), "seconds": t}))
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
