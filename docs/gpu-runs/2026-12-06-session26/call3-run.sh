#!/usr/bin/env bash
# Twenty-sixth session, call 3 (H100): main's torch-free kernel_timing (def, carried in build/abpkg2/ab.tar.xz) with
# the torch baselines in the same call: int2 g64 m = 1 at 28672 x 8192 in five runs, the torch baselines, then
# `kernel_timing --gemv` (issue 7's m <= 4 table and the VQ GEMV) and int4 g128 m = 16.
set -u
D=/tmp/ab2; mkdir -p $D; tar xJf build/abpkg2/ab.tar.xz -C $D ./def
R=${OUT:-/tmp/out}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,serial --format=csv,noheader | tee $R/machine.txt
date -u +%FT%TZ | tee -a $R/machine.txt
echo "=== int2 g64 m1 28672x8192 (def)"
for r in 1 2 3 4 5; do timeout 30 $D/def/kernel_timing --one 2 64 1 28672 8192 | grep '^lowbit'; done | tee $R/int2-big.txt
echo "=== torch baselines"; timeout 150 python3 bench/gpu/torch_kernel_baselines.py 2>&1 | tee $R/torch.txt | grep -E "^torch|^device|Error"
echo "=== int2 g64 m1 28672x8192 (def), after"
for r in 1 2 3; do timeout 30 $D/def/kernel_timing --one 2 64 1 28672 8192 | grep '^lowbit'; done | tee -a $R/int2-big.txt
echo "=== kernel_timing --gemv"
timeout 200 $D/def/kernel_timing --gemv > $R/gemv.txt 2>&1; grep -E "^device|^lowbit" $R/gemv.txt | grep -v " prev \| tiled \| warpq " | head -40
for r in 1 2 3; do timeout 30 $D/def/kernel_timing --one 4 128 16 28672 8192 | grep "^lowbit"; done | tee $R/m16.txt
date -u +%FT%TZ
