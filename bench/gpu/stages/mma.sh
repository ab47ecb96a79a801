# Tensor-core packed matmul (issue 7, m >= 5): sourced by bench/gpu/run.sh; `bash bench/gpu/run.sh mma`.
# Budget about 3 minutes: the kernel's correctness on the device (tensor-core vs reference / CPU kernel at small
# shapes with every edge, vs the FMA kernel at real shapes, y_out), then CUDA-event timings of both kernels.
stage_mma() {
  local t0=$SECONDS
  step "mma: build the tests and the timing binary"
  cmake --build build/native-cuda --target test_packed_mma_cuda test_packed_linear_cuda test_packed_mma_emulated \
      lb_kernel_timing -j"$(nproc)" > "$RESULTS/mma-build.log" 2>&1 || { tail -40 "$RESULTS/mma-build.log"; status=1; return; }

  step "mma: device tests (test_packed_mma_cuda: vs FMA kernel; test_packed_linear_cuda: vs reference and CPU)"
  ctest --test-dir build/native-cuda -R "test_packed_mma|test_packed_linear_cuda" --output-on-failure -V \
      > "$RESULTS/mma-ctest.log" 2>&1
  grep -E "cases|worst|FAILED|SKIP|tests passed|tests failed" "$RESULTS/mma-ctest.log" | head -30
  grep -q "100% tests passed" "$RESULTS/mma-ctest.log" || status=1

  step "mma: CUDA-event timings (lines 'packed-kernel ... ran mma|fma'; variant 'fma' = the older kernel)"
  timeout 240 build/native-cuda/lb_kernel_timing > "$RESULTS/mma-timing.txt" 2> "$RESULTS/mma-timing.err" || {
    tail -5 "$RESULTS/mma-timing.err"; status=1; }
  grep -E "^device|^packed-kernel|^lowbit int" "$RESULTS/mma-timing.txt" | grep -E "^device| m([5-9]|[1-9][0-9]+) " | head -80
  echo "mma stage: $(( SECONDS - t0 )) s"
}
