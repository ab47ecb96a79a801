# Issue 7, the cooperative GEMV's runs rounded up to whole stages (LOWBIT_GEMV_COOP_ALIGN=1; plan_coop's
# align_stages) against the default: decode tokens/s, int2 in two interleaved rounds, int4 in one. Sourced by
# bench/gpu/run.sh; `LOWBIT_BUILD_TARGETS=lowbit GEN_LAYERS=32 bash bench/gpu/run.sh decodealign`.
stage_decodealign() {
  local m=/tmp/gen-llama7b r
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodealign: generate batch 1, 128 new tokens: runs of whole stages vs the default plan"
  rm -f "$RESULTS/generate-7b.jsonl"
  for r in 1 2; do
    gen_run int2~$r $m-w2g64 --dtype f16
    LOWBIT_GEMV_COOP_ALIGN=1 gen_run int2-aligned~$r $m-w2g64 --dtype f16
  done
  gen_run int4~1 $m-w4g128 --dtype f16
  LOWBIT_GEMV_COOP_ALIGN=1 gen_run int4-aligned~1 $m-w4g128 --dtype f16
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodealign-generate.jsonl" 2>/dev/null
  gen_ratio_summary decodealign
}
