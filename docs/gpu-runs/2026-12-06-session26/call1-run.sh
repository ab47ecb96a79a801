#!/usr/bin/env bash
# Twenty-sixth session, call 1 (H100). Prebuilt torch-free binaries (bench/gpu/torchfree_build.sh, carried in
# build/abpkg/ab.tar.xz): def (main), m6 (-DLB_GEMV_INT2_PREQ_MIN_BLOCKS=6), k4s3 (-DLB_MMA_PIPE_KSTEPS4=4
# -DLB_MMA_PIPE_STAGES=3). Rows "<variant> p<LOWBIT_GEMV_RESIDENT_PERCENT> lowbit <case> <median us> <min us>";
# p > 100: the GEMV's grid is several waves of shorter runs. Most important first.
set -u
D=/tmp/ab; mkdir -p $D; tar xJf build/abpkg/ab.tar.xz -C $D
R=${OUT:-/tmp/out}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader | tee $R/machine.txt
date -u +%FT%TZ | tee -a $R/machine.txt
one() { echo "$1 p$2 $(LOWBIT_GEMV_RESIDENT_PERCENT=$2 timeout 30 $D/$1/kernel_timing --one $3 | grep '^lowbit')"; }
echo "=== int2 g64 m1 28672x8192: def p100/150/200/300/400, m6 p100/200"
for r in 1 2 3; do
  for p in 100 150 200 300 400; do one def $p "2 64 1 28672 8192"; done
  for p in 100 200; do one m6 $p "2 64 1 28672 8192"; done
done | tee $R/int2-big.txt
echo "=== torch baselines"; timeout 150 python3 bench/gpu/torch_kernel_baselines.py 2>&1 | tee $R/torch.txt | grep -E "^torch|^device|Error"
echo "=== def test_packed_gemv_cuda at LOWBIT_GEMV_RESIDENT_PERCENT=300"
LOWBIT_GEMV_RESIDENT_PERCENT=300 timeout 200 $D/def/test_packed_gemv_cuda > $R/def-p300-test.log 2>&1; echo rc=$?
grep -E "cases|FAILED|passed|failed" $R/def-p300-test.log | head -5
echo "=== m6 test_packed_gemv_cuda"
timeout 200 $D/m6/test_packed_gemv_cuda > $R/m6-test.log 2>&1; echo rc=$?; grep -E "cases|FAILED|passed|failed" $R/m6-test.log | head -5
echo "=== other m = 1 shapes: def p100/200/300, m6 p100"
for r in 1 2; do
  for s in "4 128 1 28672 8192" "3 128 1 28672 8192" "4 128 1 4096 4096" "2 64 1 4096 4096" "2 64 1 4096 11008"; do
    for p in 100 200 300; do one def $p "$s"; done
    one m6 100 "$s"
  done
done | tee $R/other.txt
echo "=== k4s3 test_packed_mma_pipe_cuda"
timeout 300 $D/k4s3/test_packed_mma_pipe_cuda > $R/k4s3-test.log 2>&1; echo rc=$?; grep -E "cases|FAILED|passed|failed" $R/k4s3-test.log | head -5
echo "=== mmaflags: def k4s3"
for r in 1 2; do for q in "4 128 16" "4 64 16" "4 128 64" "2 64 16"; do for v in def k4s3; do one $v 100 "$q 28672 8192"; done; done; done | tee $R/mmaflags.txt
date -u +%FT%TZ
