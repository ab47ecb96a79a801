#!/usr/bin/env bash
# prebuilt A/B binaries: def nb2 t2 bt nb2bt k4s3 (kernel_timing), nb2 bt /test_packed_gemv_cuda; most important first
set -u
D=/tmp/ab; mkdir -p $D; tar xJf build/abpkg/ab.tar.xz -C $D
R=${OUT:-/tmp/out}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader | tee $R/machine.txt
date -u +%FT%TZ | tee -a $R/machine.txt
one() { echo "$1 $(timeout 30 $D/$1/kernel_timing --one $2 | grep '^lowbit')"; }
echo "=== int2 g64 m1 28672x8192: def nb2 t2 bt nb2bt"
for r in 1 2 3; do for v in def nb2 t2 bt nb2bt; do one $v "2 64 1 28672 8192"; done; done | tee $R/int2-big.txt
echo "=== torch baselines"; timeout 150 python3 bench/gpu/torch_kernel_baselines.py 2>&1 | tee $R/torch.txt | grep -E "^torch|^device|Error"
for v in bt nb2; do echo "=== $v test"; timeout 200 $D/$v/test_packed_gemv_cuda > $R/$v-test.log 2>&1; echo rc=$?; grep -E "cases|FAILED|passed|failed" $R/$v-test.log | head -5; done
echo "=== int2 g64 m1 7B shapes, int4 g128 m1"
for r in 1 2; do
  for s in "2 64 1 4096 4096" "2 64 1 4096 11008"; do for v in def nb2 bt nb2bt; do one $v "$s"; done; done
  for s in "4 128 1 28672 8192" "4 128 1 4096 4096"; do for v in def t2 bt; do one $v "$s"; done; done
done | tee $R/other.txt
echo "=== mmaflags: def k4s3"
for r in 1 2; do for q in "4 128 16" "4 128 64" "2 64 16"; do for v in def k4s3; do one $v "$q 28672 8192"; done; done; done | tee $R/mmaflags.txt
date -u +%FT%TZ
