#!/usr/bin/env bash
# Twenty-sixth session, call 1 (H100). Prebuilt torch-free binaries (bench/gpu/torchfree_build.sh, carried in
# build/abpkg/ab.tar.xz): def (main), m6 (-DLB_GEMV_INT2_PREQ_MIN_BLOCKS=6), p1 (-DLB_GEMV_PIPELINE=1
# -DLB_GEMV_INT2_STAGE_KBLOCKS=1), p2m4 (-DLB_GEMV_PIPELINE=1 -DLB_GEMV_INT2_PREQ_MIN_BLOCKS=4).
# Rows "<variant> p<LOWBIT_GEMV_RESIDENT_PERCENT> lowbit <case> <median us> <min us>"; p > 100: the GEMV's grid is
# several waves of shorter runs. Most important first.
set -u
D=/tmp/ab; mkdir -p $D; tar xJf build/abpkg/ab.tar.xz -C $D
R=${OUT:-/tmp/out}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader | tee $R/machine.txt
date -u +%FT%TZ | tee -a $R/machine.txt
one() { echo "$1 p$2 $(LOWBIT_GEMV_RESIDENT_PERCENT=$2 timeout 30 $D/$1/kernel_timing --one $3 | grep '^lowbit')"; }
echo "=== int2 g64 m1 28672x8192"
for r in 1 2 3; do
  for p in 100 150 200 300 400; do one def $p "2 64 1 28672 8192"; done
  for v in m6 p1 p2m4; do one $v 100 "2 64 1 28672 8192"; done
  for v in m6 p1; do one $v 200 "2 64 1 28672 8192"; done
done | tee $R/int2-big.txt
echo "=== torch baselines"; timeout 150 python3 bench/gpu/torch_kernel_baselines.py 2>&1 | tee $R/torch.txt | grep -E "^torch|^device|Error"
t() { echo "=== $1 test_packed_gemv_cuda at LOWBIT_GEMV_RESIDENT_PERCENT=$2"
  LOWBIT_GEMV_RESIDENT_PERCENT=$2 timeout 200 $D/$1/test_packed_gemv_cuda > $R/$1-p$2-test.log 2>&1; echo rc=$?
  grep -E "cases|FAILED|passed|failed" $R/$1-p$2-test.log | head -5; }
t def 300; t p1 100; t m6 100; t p2m4 100
echo "=== other m = 1 shapes"
for r in 1 2; do
  for s in "4 128 1 28672 8192" "3 128 1 28672 8192" "4 128 1 4096 4096"; do for p in 100 200 300; do one def $p "$s"; done; done
  for s in "2 64 1 4096 4096" "2 64 1 4096 11008"; do
    for p in 100 200 300; do one def $p "$s"; done
    for v in m6 p1 p2m4; do one $v 100 "$s"; done
  done
done | tee $R/other.txt
date -u +%FT%TZ
