#!/usr/bin/env bash
# Twenty-sixth session, call 5 (asked for an H200, ran on an H100, which that kind may give): mma_pipe's coalesced weight
# copies (the default since the twenty-fourth session, chosen on the H100) against the fragment order: `kernel_timing --mma-coalesced` (coal0 = fragment order, coal1 = row by row,
# three interleaved rounds per shape) and test_packed_mma_pipe_cuda, from main's torch-free build carried in
# build/abpkg3/ab.tar.xz.
set -u
D=/tmp/ab3; mkdir -p $D; tar xJf build/abpkg3/ab.tar.xz -C $D
R=${OUT:-/tmp/out}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader | tee $R/machine.txt
date -u +%FT%TZ | tee -a $R/machine.txt
echo "=== kernel_timing --mma-coalesced"
timeout 300 $D/def/kernel_timing --mma-coalesced > $R/mmacoal.txt 2>&1; grep -E "^device|^lowbit" $R/mmacoal.txt
echo "=== test_packed_mma_pipe_cuda"
timeout 200 $D/def/test_packed_mma_pipe_cuda > $R/mma-test.log 2>&1; echo rc=$?; grep -E "cases|FAILED|passed|failed" $R/mma-test.log | head -5
date -u +%FT%TZ
