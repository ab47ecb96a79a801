#!/usr/bin/env bash
# Twenty-sixth session, call 2 (H100): mma_pipe's deeper pipeline (k4s3: -DLB_MMA_PIPE_KSTEPS4=4 -DLB_MMA_PIPE_STAGES=3)
# against main (def), prebuilt torch-free binaries carried in build/abpkg2/ab.tar.xz: its device test, then three
# interleaved rounds at 28672 x 8192 (int4 g128 and g64 m = 16, int4 g128 m = 64, int2 g64 m = 16, int3 g128 m = 16).
set -u
D=/tmp/ab2; mkdir -p $D; tar xJf build/abpkg2/ab.tar.xz -C $D
R=${OUT:-/tmp/out}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader | tee $R/machine.txt
date -u +%FT%TZ | tee -a $R/machine.txt
one() { echo "$1 $(timeout 30 $D/$1/kernel_timing --one $2 | grep '^lowbit')"; }
echo "=== k4s3 test_packed_mma_pipe_cuda"
timeout 300 $D/k4s3/test_packed_mma_pipe_cuda > $R/k4s3-test.log 2>&1; echo rc=$?; grep -E "cases|FAILED|passed|failed" $R/k4s3-test.log | head -5
echo "=== mmaflags: def k4s3"
for r in 1 2 3; do for q in "4 128 16" "4 64 16" "4 128 64" "2 64 16" "3 128 16"; do for v in def k4s3; do one $v "$q 28672 8192"; done; done; done | tee $R/mmaflags.txt
date -u +%FT%TZ
