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
#
# glibc's malloc serves PyTorch's and NumPy's large tensors with mmap and, as its
# threshold adapts, hands them back to the system again, so a step can pay its page
# faults anew: on the Zen 5 the same UFM gradient-descent step (bench/ufm_torch.py, one
# thread) took anywhere from 3.8 to 37 ms in float32 and 40-65 ms in float64 from one
# call to the next. A fixed 32 MB mmap threshold (glibc's largest) and a 1 GB trim
# threshold keep freed memory in the process: 3.7-3.8 and 6.6-6.7 ms, every call. The
# baselines run that way, as a tuned deployment would (Go's allocator keeps its heap).
baseline_env=(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824)
if [ -n "${OPENBLAS_CORETYPE:-}${OPENBLAS_L2_SIZE:-}" ]; then
  if env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/blas_check.py >/dev/null; then
    baseline_env=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${baseline_env[@]}")
  else
    echo "bench: OpenBLAS's own kernel choice computes wrong products here; the baselines keep OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-}" >&2
  fi
fi
env "${baseline_env[@]}" /usr/bin/python3 bench/blas_check.py

# baseline ARGS... runs /usr/bin/python3 ARGS... with the baselines' BLAS and malloc settings.
baseline() { env "${baseline_env[@]}" /usr/bin/python3 "$@"; }

# each_path FUNC calls FUNC once per SIMD path of this CPU: with AVX-512, first with the
# kernels the machine picks, then on the AVX2 path most laptops have; without AVX-512,
# once. FUNC gets the path's name, the Go side's VAR=value settings, --, and the
# baselines' (on the AVX2 path OpenBLAS's Haswell kernels and PyTorch's AVX2 code).
each_path() {
  if grep -qw avx512f /proc/cpuinfo; then
    "$1" "AVX-512 (the machine's own kernels)"
    "$1" "AVX2 path" GOMLX_GO_SIMD_AVX512=false -- OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 DNNL_MAX_CPU_ISA=AVX2
  else
    "$1" "AVX2 (this machine has no AVX-512)"
  fi
}

# split_env SETTINGS... sets goenv to the settings before -- and pyenv to those after.
split_env() {
  goenv=() pyenv=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do goenv+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  pyenv=("$@")
}
