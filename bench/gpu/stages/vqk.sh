# VQ GEMV at memory bandwidth (issue 7) and the k-means Lloyd iteration (issue 5): sourced by bench/gpu/run.sh;
# `bash bench/gpu/run.sh vqk`. Budget about 3 minutes. Lines to read:
#   "lowbit vq_v8k4096 m1 28672x8192 ..."  CUDA-event median of the fused VQ GEMV (target <= 45 us; was 194 us)
#   "lowbit vq_v6k4096 m1 28672x8192 ..."  the same for v6 (12-byte codebook rows)
#   "kmeans_bench cuda n=7340032 d=8 k=65536: assign ... s, one Lloyd iteration ... s"  (target <= 0.15 s; was 0.263 s)
#   ctest: test_vq_linear (fused GEMV vs CPU, incl. the column-stationary kernel's layouts), test_kmeans
#   (tensor-core assignment bit-exact vs the fp32 chain on near ties, determinism), the emulated kernels.
stage_vqk() {
  local t0=$SECONDS
  step "vqk: build the timing binaries and tests"
  cmake --build build/native-cuda --target lb_kernel_timing kmeans_bench test_vq_linear test_kmeans \
      test_cuda_kernels_emulated -j"$(nproc)" > "$RESULTS/vqk-build.log" 2>&1 || {
    tail -40 "$RESULTS/vqk-build.log"; status=1; return; }

  step "vqk: CUDA tests (VQ GEMV vs CPU, k-means tensor-core assignment vs the exact chain)"
  ctest --test-dir build/native-cuda -R "test_vq_linear|test_kmeans|test_cuda_kernels_emulated" --output-on-failure -V \
      > "$RESULTS/vqk-ctest.log" 2>&1
  grep -E "cases|tensor-core|relative difference|SKIP|FAILED|tests passed|tests failed" "$RESULTS/vqk-ctest.log" | head -30
  grep -q "100% tests passed" "$RESULTS/vqk-ctest.log" || status=1

  step "vqk: VQ GEMV CUDA-event timings (28672 x 8192 m = 1 is the acceptance line; fp16 cuBLAS was 111 us)"
  timeout 150 build/native-cuda/lb_kernel_timing --quick > "$RESULTS/vqk-timing.txt" 2> "$RESULTS/vqk-timing.err" || {
    tail -5 "$RESULTS/vqk-timing.err"; status=1; }
  grep -E "^device|vq_" "$RESULTS/vqk-timing.txt"

  step "vqk: one weighted Lloyd iteration, N = 7.34M, d = 8, k = 65536"
  timeout 300 build/native-cuda/kmeans_bench cuda 7340032 8 65536 3 || status=1
  echo "vqk stage: $(( SECONDS - t0 )) s"
}
