# Packed GEMV (issue 7, m <= 4: int8 activations + dp4a): sourced by bench/gpu/run.sh; `bash bench/gpu/run.sh gemv`.
# About 2 minutes: the device tests of the GEMV and of the packed matmul, then CUDA-event timings of the
# issue's m <= 4 shapes, each also on the tiled kernel (A/B in the same run).
stage_gemv() {
  local t0=$SECONDS
  step "gemv: build the tests and the timing binary"
  cmake --build build/native-cuda --target test_packed_gemv_cuda test_packed_linear_cuda lb_kernel_timing \
      -j"$(nproc)" > "$RESULTS/gemv-build.log" 2>&1 || { tail -40 "$RESULTS/gemv-build.log"; status=1; return; }

  step "gemv: device tests (GEMV vs its arithmetic / dequantize + matmul / tiled kernel; packed matmul vs CPU)"
  ctest --test-dir build/native-cuda -R "test_packed_gemv|test_packed_linear_cuda" --output-on-failure -V \
      > "$RESULTS/gemv-ctest.log" 2>&1
  grep -E "cases|worst|FAILED|SKIP|tests passed|tests failed" "$RESULTS/gemv-ctest.log" | head -30
  grep -q "100% tests passed" "$RESULTS/gemv-ctest.log" || status=1

  step "gemv: CUDA-event timings (median us, min us); 'tiled' = the previous kernel on the same shape"
  timeout 120 build/native-cuda/lb_kernel_timing --gemv > "$RESULTS/gemv-timing.txt" 2> "$RESULTS/gemv-timing.err" || {
    tail -5 "$RESULTS/gemv-timing.err"; status=1; }
  cat "$RESULTS/gemv-timing.txt"
  echo "gemv stage: $(( SECONDS - t0 )) s"
}
