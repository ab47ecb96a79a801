#!/usr/bin/env bash
# On the GPU machine without Java or libtorch: builds the torch-free binaries (torchfree_build.sh: kernel timing and the
# torch-free CUDA tests, nvcc alone) and runs the kernel stages that take them (gemvfold, gemvparts, h100l2, mmacoal,
# h100table: its torch baselines need only the PyTorch there; mmaflags, gemvnb2, gemvtiled: a second, flagged build) with
# LB_TORCHFREE_DIR pointing at them. Nothing from .device/ is needed.
#   bash bench/gpu/torchfree_run.sh gemvfold h100l2
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RESULTS="${OUT:-$ROOT/build/gpu-results}"
mkdir -p "$RESULTS"
cd "$ROOT"
status=0
step() { printf '\n=== %s === %s\n' "$*" "$(date -u +%H:%M:%S)"; }
export LB_TORCHFREE_DIR="$ROOT/build/torchfree"

step "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader
step "torch-free build"
bash bench/gpu/torchfree_build.sh "$LB_TORCHFREE_DIR" > "$RESULTS/torchfree-build.log" 2>&1 \
    || { tail -40 "$RESULTS/torchfree-build.log"; exit 1; }
for f in "$ROOT"/bench/gpu/stages/*.sh; do source "$f"; done
for s in "$@"; do
  declare -F "stage_$s" > /dev/null || { echo "unknown stage $s"; status=1; continue; }
  "stage_$s"
done
exit $status
