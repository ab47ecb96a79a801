#!/usr/bin/env bash
# Twenty-sixth session, call 2 (H100). Prebuilt torch-free binaries carried in build/abpkg2/ab.tar.xz: def (main),
# m6 (-DLB_GEMV_INT2_PREQ_MIN_BLOCKS=6), p1x (-DLB_GEMV_PIPELINE=1 -DLB_GEMV_INT2_STAGE_KBLOCKS=1) and p2x
# (-DLB_GEMV_PIPELINE=1 -DLB_GEMV_INT2_PREQ_MIN_BLOCKS=4), the pipelined GEMV now with each stage's quantized-x slots
# loaded a stage ahead too; k4s3 (mma_pipe with -DLB_MMA_PIPE_KSTEPS4=4 -DLB_MMA_PIPE_STAGES=3).
# Rows "<variant> lowbit <case> <median us> <min us>". Most important first.
set -u
D=/tmp/ab2; mkdir -p $D; tar xJf build/abpkg2/ab.tar.xz -C $D
R=${OUT:-/tmp/out}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader | tee $R/machine.txt
date -u +%FT%TZ | tee -a $R/machine.txt
one() { echo "$1 $(timeout 30 $D/$1/kernel_timing --one $2 | grep '^lowbit')"; }
echo "=== int2 g64 m1 28672x8192: def m6 p1x p2x"
for r in 1 2 3; do for v in def m6 p1x p2x; do one $v "2 64 1 28672 8192"; done; done | tee $R/int2-big.txt
t() { echo "=== $1 $2"; timeout 300 $D/$1/$2 > $R/$1-test.log 2>&1; echo rc=$?; grep -E "cases|FAILED|passed|failed" $R/$1-test.log | head -5; }
t p1x test_packed_gemv_cuda; t p2x test_packed_gemv_cuda
echo "=== int2 g64 m1 7B shapes"
for r in 1 2; do for s in "2 64 1 4096 4096" "2 64 1 4096 11008"; do for v in def m6 p1x p2x; do one $v "$s"; done; done; done | tee $R/int2-7b.txt
t k4s3 test_packed_mma_pipe_cuda
echo "=== mmaflags: def k4s3"
for r in 1 2; do for q in "4 128 16" "4 64 16" "4 128 64" "2 64 16" "3 128 16"; do for v in def k4s3; do one $v "$q 28672 8192"; done; done; done | tee $R/mmaflags.txt
date -u +%FT%TZ
