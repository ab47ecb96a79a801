# The CUDA tests of the packed and VQ matmul and of the decoder through the library (torch adapter, C ABI), for a
# session's closing
# check next to `junit`: `LOWBIT_BUILD_TARGETS=lowbit bash bench/gpu/run.sh kerneltests junit`. About 1 minute after
# the library build.
stage_kerneltests() {
  step "kernel tests through the library: test_packed_linear_cuda, test_vq_linear, test_decoder (CUDA)"
  cmake --build build/native-cuda --target test_packed_linear_cuda test_vq_linear test_decoder -j"$(nproc)" \
      > "$RESULTS/kerneltests-build.log" 2>&1 || { tail -30 "$RESULTS/kerneltests-build.log"; status=1; return; }
  local t
  for t in test_packed_linear_cuda test_vq_linear test_decoder; do
    timeout 300 build/native-cuda/tests/$t > "$RESULTS/$t.log" 2>&1 || status=1
    grep -E "CUDA|cuda|SKIP|cases|relative|passed|FAIL|fail|normed" "$RESULTS/$t.log" | tail -12
  done
}
