# Issue 7 GEMV targets (m = 1, fp16 x): sourced by bench/gpu/run.sh; `bash bench/gpu/run.sh gemvq`.
# Builds the timing tool and the GEMV CUDA tests, runs the tests (packed GEMV with its default and its previous
# settings, VQ), then `lb_kernel_timing --gemv`: per packed shape the GEMV the library runs, the same with its
# previous settings ("prev": two-stage runs, scalar atomics; A/B in the same run) and the tiled kernel; VQ v8/v6
# k4096 at 28672 x 8192. About 60 s after the build.
stage_gemvq() {
  local t0=$SECONDS
  step "gemvq: build lb_kernel_timing and the GEMV tests"
  cmake --build build/native-cuda --target lb_kernel_timing test_packed_gemv_cuda test_packed_gemv_emulated test_vq_linear \
      -j"$(nproc)" > "$RESULTS/gemvq-build.log" 2>&1 || { tail -40 "$RESULTS/gemvq-build.log"; status=1; return; }
  local tb=$SECONDS

  step "gemvq: CUDA tests (packed GEMV default + previous settings vs reference, VQ vs reference)"
  ctest --test-dir build/native-cuda -R "test_packed_gemv|test_vq_linear" --output-on-failure -V \
      > "$RESULTS/gemvq-ctest.log" 2>&1
  grep -E "cases|worst|SKIP|FAILED|failed|tests passed|tests failed" "$RESULTS/gemvq-ctest.log" | head -20
  grep -q "100% tests passed" "$RESULTS/gemvq-ctest.log" || status=1

  step "gemvq: CUDA-event timings (median / min us of 50 runs), A/B in one run"
  timeout 80 build/native-cuda/lb_kernel_timing --gemv > "$RESULTS/gemvq-timing.txt" 2> "$RESULTS/gemvq-timing.err" || {
    tail -5 "$RESULTS/gemvq-timing.err"; status=1; }
  # lines: "lowbit <kernel> m<m> <out>x<in> [tiled|prev|f16out] <median us> <min us>"; "kernel ...: <name>"
  grep -E "^device|^kernel .*m1 |^lowbit (int[234]_g[0-9]+ m1 |vq_)" "$RESULTS/gemvq-timing.txt"
  python3 bench/gpu/kernels_table.py "$RESULTS/gemvq-timing.txt" | grep -E "target|m1 .*(28672x8192|4096x4096)|ok|MISS" \
      | tee "$RESULTS/gemvq-table.txt"
  echo "gemvq stage: $(( SECONDS - tb )) s after a $(( tb - t0 )) s build"
}

# The GEMV's launch plan at decode-sized shapes (issue 7 decode: 4096 x 4096 ran at 20% of DRAM bandwidth and 12%
# occupancy): the GEMV with the shortest run per warp at 1 (the default), 2 and 4 stages, one process.
# `bash bench/gpu/run.sh gemvplan`; about 20 s after the build. Lines "lowbit <kernel> m1 <out>x<in> runs<S> <median
# us> <min us>": pick the default per shape class from them (packed_gemv_cuda_set_min_run_stages / plan_for).
stage_gemvplan() {
  step "gemvplan: build lb_kernel_timing"
  cmake --build build/native-cuda --target lb_kernel_timing -j"$(nproc)" > "$RESULTS/gemvplan-build.log" 2>&1 \
      || { tail -20 "$RESULTS/gemvplan-build.log"; status=1; return; }
  step "gemvplan: GEMV, shortest run per warp 1 / 2 / 4 stages, 16-byte / scalar atomics (median / min us of 50 runs)"
  timeout 60 build/native-cuda/lb_kernel_timing --gemv-plan | tee "$RESULTS/gemvplan-timing.txt" | grep -E "^lowbit|^device" \
      || status=1
}
