#!/usr/bin/env bash
# Builds the torch-free CUDA binaries (kernel timing, the torch-free CUDA tests) with nvcc alone, here or on the GPU
# machine: no libtorch, no CMake, ~1.5 min on 2 cores. Flags as native/CMakeLists.txt gives the kernels.
#   bash bench/gpu/torchfree_build.sh OUTDIR
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT=${1:-$ROOT/build/torchfree}
mkdir -p "$OUT/obj"
FLAGS=(-O3 -std=c++17 -arch=sm_90 -fmad=false -prec-div=true -prec-sqrt=true -ftz=false -I "$ROOT/native" -I "$ROOT/native/include")
# LB_NVCC_EXTRA: more flags for an A/B build into its own OUTDIR (e.g. -DLB_GEMV_INT2_STAGE_KBLOCKS=2)
read -r -a EXTRA <<< "${LB_NVCC_EXTRA:-}"
FLAGS+=("${EXTRA[@]}")
# a kernel object is rebuilt when its .cu, or any header it may include (native/kernels, native/include), is newer
newest_header=$(find "$ROOT/native/kernels" "$ROOT/native/include" \( -name '*.h' -o -name '*.cuh' \) -printf '%T@ %p\n' \
  | sort -n | tail -1 | cut -d' ' -f2-)
for cu in "$ROOT"/native/kernels/cuda/*.cu; do
  o="$OUT/obj/$(basename "$cu" .cu).o"
  [[ -f $o && $o -nt $cu && $o -nt $newest_header ]] || echo "$cu"
done | xargs -r -P "$(nproc)" -I{} sh -c 'nvcc "$@" -c "{}" -o "'"$OUT"'/obj/$(basename "{}" .cu).o"' _ "${FLAGS[@]}"
nvcc "${FLAGS[@]}" "$ROOT/native/bench/kernel_timing.cpp" "$OUT"/obj/*.o -o "$OUT/kernel_timing"
for t in test_packed_gemv_cuda test_decode_step_cuda test_packed_mma_pipe_cuda test_packed_mma_cuda; do
  nvcc "${FLAGS[@]}" -I "$ROOT/native/tests" "$ROOT/native/tests/$t.cpp" "$OUT"/obj/*.o -o "$OUT/$t"
done
echo "torch-free binaries in $OUT"
