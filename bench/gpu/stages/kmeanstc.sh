# Issue 5: one weighted Lloyd iteration at N = 7.34M, d = 8, k = 65536 within 0.15 s on the H200 with the
# block-tiled tensor-core assignment (kmeans_assign_tc_kernel.cuh). Sourced by bench/gpu/run.sh;
# `bash bench/gpu/run.sh kmeanstc`. About 70 s after the build: CUDA k-means tests (tensor-core vs CUDA-core
# labels bit for bit), the A/B timing in one process (CUDA-core kernel, then tensor-core, then its
# lower-register variant LOWBIT_KMEANS_TC=occ, then mismatch counts of each vs the CUDA-core kernel), and the
# plain torch iteration.
stage_kmeanstc() {
  local t0=$SECONDS
  step "kmeanstc: build kmeans_bench and test_kmeans"
  cmake --build build/native-cuda --target kmeans_bench lb_kmeans_timing test_kmeans -j"$(nproc)" \
      > "$RESULTS/kmeanstc-build.log" 2>&1 || { tail -40 "$RESULTS/kmeanstc-build.log"; status=1; return; }
  local tb=$SECONDS

  step "kmeanstc: CUDA k-means tests (tensor-core vs CUDA-core kernel and vs the fp32 chain)"
  timeout 120 ctest --test-dir build/native-cuda -R "^test_kmeans$" --output-on-failure -V \
      > "$RESULTS/kmeanstc-ctest.log" 2>&1
  grep -E "tensor-core|differences|SKIP|skipped|FAILED|tests passed|tests failed" "$RESULTS/kmeanstc-ctest.log" | head -20
  grep -q "100% tests passed" "$RESULTS/kmeanstc-ctest.log" || status=1

  step "kmeanstc: A/B one weighted Lloyd iteration, N = 7340032, d = 8, k = 65536 (CUDA-core, tensor-core, tensor-core occ)"
  timeout 120 build/native-cuda/kmeans_bench cuda 7340032 8 65536 3 > "$RESULTS/kmeanstc-bench.txt" 2>&1
  local rc=$?
  cat "$RESULTS/kmeanstc-bench.txt"
  (( rc == 0 )) || status=1
  grep -q "A/B.*: tensor-core vs cuda-core: 0 label mismatches, 0 min_dist" "$RESULTS/kmeanstc-bench.txt" \
      || { echo "kmeanstc: tensor-core A/B mismatch or no A/B line"; status=1; }
  grep -q "A/B.*: tensor-core occ vs cuda-core: 0 label mismatches, 0 min_dist" "$RESULTS/kmeanstc-bench.txt" \
      || { echo "kmeanstc: tensor-core occ A/B mismatch or no A/B line"; status=1; }

  step "kmeanstc: the assignment kernels alone, CUDA events (lb_kmeans_timing; median / min of 5)"
  timeout 60 build/native-cuda/lb_kmeans_timing 7340032 8 65536 5 | tee "$RESULTS/kmeanstc-timing.txt" || status=1
  grep -q "occ vs cuda-core: 0 label mismatches, 0 min_dist" "$RESULTS/kmeanstc-timing.txt" || status=1

  step "kmeanstc: plain torch iteration (same sizes)"
  timeout 60 python3 bench/gpu/kmeans_torch.py 7340032 8 65536 3 > "$RESULTS/kmeanstc-torch.txt" 2>&1 || status=1
  tail -3 "$RESULTS/kmeanstc-torch.txt"
  echo "kmeanstc stage: $(( SECONDS - tb )) s after a $(( tb - t0 )) s build"
}
