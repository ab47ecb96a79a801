# Issue 7, decode latency, fifth session of 2026-12-02: the packed GEMV's L2 weight prefetch (each warp prefetches
# the weights of the stages N ahead of the one it loads; LOWBIT_GEMV_PREFETCH=N, 0 = off, default 2), SiLU * up
# inside the down GEMV (LOWBIT_DECODE_SILU_GEMV=0: its own kernel) and RoPE + KV write + attention in one kernel
# (LOWBIT_DECODE_ROPE_ATTENTION=1; off by default). Sourced by bench/gpu/run.sh;
# `GEN_LAYERS=32 bash bench/gpu/run.sh gemvprefetch`. Uses generate.sh's stage_genprep / gen_run (an existing
# genprep model is reused). Lines:
#   gemvprefetch <label>: <tok/s> tok/s (<ms> ms/token), <x>x fp16   - decode: the defaults; -pf0 / -pf4
#       (LOWBIT_GEMV_PREFETCH=0 / 4), -silusplit (LOWBIT_DECODE_SILU_GEMV=0), -rope (LOWBIT_DECODE_ROPE_ATTENTION=1)
#   lowbit int<b>_g<g> m1 <out>x<in> runs<r> prefetch<n> <median us> <min us>   - lb_kernel_timing --gemv-plan
stage_gemvprefetch() {
  local m=/tmp/gen-llama7b
  step "gemvprefetch: build and run the GEMV / decode CUDA tests"
  cmake --build build/native-cuda --target lb_kernel_timing test_packed_gemv_cuda test_decode_step_cuda test_decoder \
      -j"$(nproc)" > "$RESULTS/gemvprefetch-build.log" 2>&1 || { tail -40 "$RESULTS/gemvprefetch-build.log"; status=1; return; }
  ctest --test-dir build/native-cuda -R "test_packed_gemv_cuda|test_decode_step_cuda|test_decoder" --output-on-failure -V \
      > "$RESULTS/gemvprefetch-ctest.log" 2>&1
  grep -E "programmatic|worst|decode chain|rotary|cases|again|SKIP|FAILED|failed|tests passed|tests failed" \
      "$RESULTS/gemvprefetch-ctest.log" | head -30
  grep -q "100% tests passed" "$RESULTS/gemvprefetch-ctest.log" || status=1

  [[ -d $m-w4g128 && -d $m-w2g64 ]] || stage_genprep
  step "gemvprefetch: generate batch 1, 128 new tokens, defaults and A/B rows"
  rm -f "$RESULTS/generate-7b.jsonl"
  gen_run fp16 $m --dtype f16
  gen_run int4-g128 $m-w4g128 --dtype f16
  gen_run int2-g64 $m-w2g64 --dtype f16
  LOWBIT_DECODE_ROPE_ATTENTION=1 gen_run int4-g128-rope $m-w4g128 --dtype f16
  LOWBIT_DECODE_ROPE_ATTENTION=1 gen_run int2-g64-rope $m-w2g64 --dtype f16
  LOWBIT_GEMV_PREFETCH=0 gen_run int4-g128-pf0 $m-w4g128 --dtype f16
  LOWBIT_DECODE_SILU_GEMV=0 gen_run int4-g128-silusplit $m-w4g128 --dtype f16
  LOWBIT_GEMV_PREFETCH=0 gen_run int2-g64-pf0 $m-w2g64 --dtype f16
  LOWBIT_GEMV_PREFETCH=4 gen_run int4-g128-pf4 $m-w4g128 --dtype f16
  LOWBIT_DECODE_ROPE_ATTENTION=1 gen_run fp16-rope $m --dtype f16
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/gemvprefetch-generate.jsonl" 2>/dev/null
  python3 - "$RESULTS/generate-7b.jsonl" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line); rows[d["label"]] = d
fp = rows.get("fp16", {}).get("decode_tokens_per_second")
for label in rows:
    r = rows[label].get("decode_tokens_per_second")
    if not (fp and r): print(f"gemvprefetch {label}: missing"); continue
    print(f"gemvprefetch {label}: {r:.1f} tok/s ({1000 / r:.3f} ms/token), {r / fp:.2f}x fp16")
PY
  step "gemvprefetch: lb_kernel_timing --gemv-plan (runs 1/2 x prefetch 0-4)"
  timeout 120 build/native-cuda/lb_kernel_timing --gemv-plan 2>&1 | tee "$RESULTS/gemvprefetch-timing.txt" | grep -E "^lowbit|FAIL|rror"
}
