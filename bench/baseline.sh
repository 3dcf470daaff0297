# Sourced by the bench scripts: how they run the Python baselines (NumPy, PyTorch).
#
# Some machines set OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE) in the environment to keep
# older OpenBLAS builds off kernels that misbehave on newer CPUs. That holds NumPy's and
# PyTorch's dense products to the kernel it names: on a 2-core AMD EPYC Zen 5 with
# AVX-512, OPENBLAS_CORETYPE=Haswell gave PyTorch's 1024^3 float32 product 83-84 GFLOP/s,
# OpenBLAS's own choice (Cooperlake) 101-108, and the MLP training step 40-44 ms against
# 12 ms. A baseline is compared at its best, so `baseline` runs /usr/bin/python3 without
# the two variables once bench/blas_check.py has found OpenBLAS's products right that
# way; where they are wrong it keeps the machine's setting and says so. Either way the
# script's output names the BLAS kernel its baselines ran.
baseline_env=()
if [ -n "${OPENBLAS_CORETYPE:-}${OPENBLAS_L2_SIZE:-}" ]; then
  if env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/blas_check.py >/dev/null; then
    baseline_env=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
  else
    echo "bench: OpenBLAS's own kernel choice computes wrong products here; the baselines keep OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-}" >&2
  fi
fi
env "${baseline_env[@]}" /usr/bin/python3 bench/blas_check.py

# baseline ARGS... runs /usr/bin/python3 ARGS... with the baselines' BLAS setting.
baseline() { env "${baseline_env[@]}" /usr/bin/python3 "$@"; }
