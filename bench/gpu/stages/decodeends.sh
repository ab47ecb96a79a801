# Issue 7: the normed decode step's ends in one kernel each (decode_embed_f32_cuda, decode_lm_head_normed_cuda;
# LOWBIT_DECODE_FUSED_ENDS=0: the gather + conversion + fill and the norm + cuBLAS head as before). Prints:
# test_decode_step_cuda (the LM head and embedding cases among the rest), test_decoder; decode tok/s in 2 interleaved
# rounds of fp16, int2 (defaults) and int2 without the fused ends; int4 once. (Its first run, 2026-12-04, also had a
# q/k/v GEMV capped at 2 blocks per SM, on branch exp/qkv-room: docs/BENCHMARKS.md.)
# `LOWBIT_BUILD_TARGETS="lowbit test_decode_step_cuda test_decoder" GEN_LAYERS=32 bash bench/gpu/run.sh decodeends`.
stage_decodeends() {
  local m=/tmp/gen-llama7b r t
  step "decodeends: test_decode_step_cuda, test_decoder (CUDA)"
  cmake --build build/native-cuda --target test_decode_step_cuda test_decoder -j"$(nproc)" \
      > "$RESULTS/decodeends-build.log" 2>&1 || { tail -30 "$RESULTS/decodeends-build.log"; status=1; return; }
  for t in test_decode_step_cuda test_decoder; do
    timeout 300 build/native-cuda/tests/$t > "$RESULTS/$t.log" 2>&1 || { echo "$t FAILED (rc $?)"; status=1; }
    grep -E "lm head|FAIL|passed" "$RESULTS/$t.log" | tail -8
  done
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodeends: 4-token prompt, 128 new tokens, 2 interleaved rounds"
  rm -f "$RESULTS/generate-7b.jsonl"
  for r in 1 2; do
    gen_run fp16~$r $m --dtype f16
    gen_run int2~$r $m-w2g64 --dtype f16
    LOWBIT_DECODE_FUSED_ENDS=0 gen_run int2-ends-off~$r $m-w2g64 --dtype f16
  done
  gen_run int4~1 $m-w4g128 --dtype f16
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodeends-generate.jsonl" 2>/dev/null
  gen_ratio_summary decodeends
}
