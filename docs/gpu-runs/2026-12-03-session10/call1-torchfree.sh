#!/usr/bin/env bash
set -u
T=/tmp/tf; rm -rf $T; mkdir -p $T; tar -C $T -xJf build/tfc/bins.tar.xz
R=$PWD; cd $T
for t in test_packed_gemv_cuda test_packed_mma_pipe_cuda test_packed_mma_cuda test_decode_step_cuda vec/test_packed_mma_pipe_cuda; do timeout 200 ./$t > $OUT/$(echo $t | tr / _).log 2>&1; echo "$t rc $?"; tail -2 $OUT/$(echo $t | tr / _).log; done
for r in 1 2 3; do for b in vec0 vec; do for s in "4 128 16 28672 8192" "4 128 64 28672 8192" "2 64 33 28672 8192" "4 128 7 4096 4096"; do ./$b/kernel_timing --one $s | tail -1 | sed "s/^/$b /"; done; done; done | tee $OUT/vecout-ab.txt
cd $R
