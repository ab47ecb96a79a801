# Issue 7: sampled decoding on the device (decode_sample_cuda, DecodeGraph::step_sampled): the CUDA tests of the
# sampler kernel (test_decode_step_cuda) and of the decoder's sampled steps queued ahead (test_decoder). Built by
# the library build: `LOWBIT_BUILD_TARGETS="lowbit test_decode_step_cuda test_decoder" bash bench/gpu/run.sh
# decodesample`.
stage_decodesample() {
  local t
  step "decodesample: test_decode_step_cuda, test_decoder (CUDA)"
  for t in test_decode_step_cuda test_decoder; do
    [[ -x build/native-cuda/tests/$t ]] || cmake --build build/native-cuda --target $t -j"$(nproc)" \
        > "$RESULTS/decodesample-build.log" 2>&1 || { tail -30 "$RESULTS/decodesample-build.log"; status=1; return; }
    timeout 200 build/native-cuda/tests/$t > "$RESULTS/$t.log" 2>&1 || { echo "$t FAILED (rc $?)"; status=1; }
    grep -E "sample|greedy pick|FAIL|passed" "$RESULTS/$t.log" | tail -12
  done
}
