# Issue 7, the block-cooperative fused GEMV (packed_gemv_coop.cuh; LOWBIT_GEMV_COOP=0 takes the per-warp kernel): its
# CUDA tests, then decode tokens/s with it on and off, int2 in two interleaved rounds and int4 in one, fp16 first
# and last for the ratios. Sourced by bench/gpu/run.sh; `GEN_LAYERS=32 bash bench/gpu/run.sh decodecoop`.
stage_decodecoop() {
  local m=/tmp/gen-llama7b t
  step "decodecoop: CUDA tests (cooperative and per-warp fused GEMV; the normed step)"
  cmake --build build/native-cuda --target test_packed_gemv_cuda test_decoder -j"$(nproc)" \
      > "$RESULTS/decodecoop-build.log" 2>&1 || { tail -30 "$RESULTS/decodecoop-build.log"; status=1; return; }
  for t in test_packed_gemv_cuda test_decoder; do
    timeout 300 build/native-cuda/tests/$t > "$RESULTS/$t.log" 2>&1 || { echo "$t FAILED (rc $?)"; status=1; }
    grep -E "cases|fused|SKIP|passed|FAIL|normed" "$RESULTS/$t.log" | tail -8
  done
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodecoop: generate batch 1, 128 new tokens: cooperative fused GEMV (default) vs per-warp"
  rm -f "$RESULTS/generate-7b.jsonl"
  gen_run fp16~1 $m --dtype f16
  LOWBIT_GEMV_COOP=0 gen_run int2-warp~1 $m-w2g64 --dtype f16
  gen_run int2-coop~1 $m-w2g64 --dtype f16
  LOWBIT_GEMV_COOP=0 gen_run int4-warp~1 $m-w4g128 --dtype f16
  gen_run int4-coop~1 $m-w4g128 --dtype f16
  gen_run int2-coop~2 $m-w2g64 --dtype f16
  LOWBIT_GEMV_COOP=0 gen_run int2-warp~2 $m-w2g64 --dtype f16
  gen_run fp16~2 $m --dtype f16
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodecoop-generate.jsonl" 2>/dev/null
  gen_ratio_summary decodecoop
}
