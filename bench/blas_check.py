"""Checks the OpenBLAS that NumPy and PyTorch call on this machine, as the bench
scripts are about to run them (bench/baseline.sh): float32 and float64 products
(gemm, gemv) of odd sizes against a long-double reference computed without BLAS.
Prints one line naming the library and the kernel it chose (threadpoolctl), and
exits 1 when a product is wrong."""
import os
import sys

import numpy as np

rng = np.random.default_rng(0)
worst = 0.0
for dtype, tol in ((np.float32, 1e-5), (np.float64, 1e-12)):
    for m, k, n in ((131, 200, 97), (64, 512, 33), (1, 300, 257), (257, 300, 1)):
        a = rng.uniform(-1, 1, (m, k)).astype(dtype)
        b = rng.uniform(-1, 1, (k, n)).astype(dtype)
        want = a.astype(np.longdouble) @ b.astype(np.longdouble)
        err = float(np.max(np.abs((a @ b).astype(np.longdouble) - want)) / np.max(np.abs(want)))
        worst = max(worst, err / tol)
        if err > tol:
            print(f"blas_check: {np.dtype(dtype).name} {m}x{k} @ {k}x{n} is off by {err:.2g} (relative; allowed {tol:g})")
            sys.exit(1)

kernel = "unknown"
try:
    from threadpoolctl import threadpool_info

    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if blas:
        kernel = f"{blas[0].get('internal_api')} {blas[0].get('version')}, kernel {blas[0].get('architecture')}"
except ImportError:
    pass
coretype = os.environ.get("OPENBLAS_CORETYPE")
print(f"BLAS of the Python baselines: {kernel} ({'OPENBLAS_CORETYPE=' + coretype if coretype else 'OPENBLAS_CORETYPE unset'}); "
      f"products checked against long double (worst {worst:.2g} of the tolerance)")
