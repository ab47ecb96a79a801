# Issue 7 acceptance for m >= 5 (int4 g128, m = 16, 28672 x 8192 <= 70 us): the pipelined tensor-core kernel
# (mma_pipe) against the old one (mma), sourced by bench/gpu/run.sh; `bash bench/gpu/run.sh mma16`.
# After the build about 60-90 s: the tensor-core CUDA tests (pipelined vs reference / old mma / FMA; the old
# kernel's test; test_packed_linear_cuda / test_packed_gemv_cuda, which also reach mma_pipe for m >= 5, run in
# the ctest and kernels stages), then the CUDA-event A/B timings at m = 16 / 64.
stage_mma16() {
  local t0=$SECONDS
  step "mma16: build the timing binary and the packed CUDA tests"
  cmake --build build/native-cuda --target lb_kernel_timing test_packed_mma_pipe_cuda test_packed_mma_cuda \
      -j"$(nproc)" > "$RESULTS/mma16-build.log" 2>&1 || {
    tail -40 "$RESULTS/mma16-build.log"; status=1; return; }
  local t1=$SECONDS

  step "mma16: tensor-core CUDA tests (pipelined kernel vs double reference, old mma and FMA; old kernel's test)"
  timeout 60 ctest --test-dir build/native-cuda -R "test_packed_mma_pipe_cuda|test_packed_mma_cuda" \
      --output-on-failure -V > "$RESULTS/mma16-ctest.log" 2>&1
  grep -E "cases|worst|FAILED|SKIP|tests passed|tests failed" "$RESULTS/mma16-ctest.log" | head -30
  grep -q "100% tests passed" "$RESULTS/mma16-ctest.log" || status=1

  # lines: "kernel <case>: mma_pipe" (which kernel the dispatch runs), "lowbit <case> mma <median> <min>" (old
  # tensor-core kernel), "lowbit <case> <median> <min>" (the dispatch = pipelined kernel); us, CUDA events,
  # median of 50 runs over weight copies > 2x L2. Then one summary line per case: old, new, speed-up.
  step "mma16: CUDA-event A/B, old mma vs mma_pipe (bits 4 g128 / 3 g128 / 2 g64; m 16, 64)"
  timeout 80 build/native-cuda/lb_kernel_timing --mma > "$RESULTS/mma16-timing.txt" 2> "$RESULTS/mma16-timing.err" || {
    tail -5 "$RESULTS/mma16-timing.err"; status=1; }
  grep -E "^device|^kernel" "$RESULTS/mma16-timing.txt" | head -20
  awk '$1 == "lowbit" && $(NF-2) == "mma" { old[$2 " " $3 " " $4] = $(NF-1) }
       $1 == "lowbit" && NF == 6 {
         key = $2 " " $3 " " $4; pipe = $(NF-1); note = ""
         if (key == "int4_g128 m16 28672x8192") note = (pipe <= 70) ? "  target 70 ok" : "  target 70 MISS"
         printf "mma16 %-10s %-4s %-11s old %8.2f us  pipe %8.2f us  x%.2f%s\n", $2, $3, $4, old[key], pipe,
                (pipe > 0 ? old[key] / pipe : 0), note }' "$RESULTS/mma16-timing.txt"
  echo "mma16 stage: $(( SECONDS - t0 )) s ($(( SECONDS - t1 )) s after the build)"
}
