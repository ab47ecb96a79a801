# Issue 7, the one-pass attention (decode_attention.cuh; LOWBIT_DECODE_ATTENTION_ONLINE=0 takes the two-pass form) and
# the o projection inside the attention kernel (decode_attention_o.cuh; LOWBIT_DECODE_ATTENTION_O=0 keeps the separate
# prepared o GEMV): their CUDA tests, then decode tokens/s in each configuration, fp16 first and last for the ratios.
# Sourced by bench/gpu/run.sh; `GEN_LAYERS=32 bash bench/gpu/run.sh decodeattn`.
stage_decodeattn() {
  local m=/tmp/gen-llama7b t
  step "decodeattn: CUDA tests (both attention forms; attention + o in one kernel; the decoder's step levels)"
  cmake --build build/native-cuda --target test_decode_step_cuda test_decoder -j"$(nproc)" \
      > "$RESULTS/decodeattn-build.log" 2>&1 || { tail -30 "$RESULTS/decodeattn-build.log"; status=1; return; }
  for t in test_decode_step_cuda test_decoder; do
    timeout 300 build/native-cuda/tests/$t > "$RESULTS/$t.log" 2>&1 || { echo "$t FAILED (rc $?)"; status=1; }
    grep -E "cases|form|worst|inside|FAIL|passed" "$RESULTS/$t.log" | tail -14
  done
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodeattn: generate batch 1, 128 new tokens: attention + o (default) / separate o GEMV / two-pass attention"
  rm -f "$RESULTS/generate-7b.jsonl"
  gen_run fp16~1 $m --dtype f16
  gen_run int2~1 $m-w2g64 --dtype f16
  LOWBIT_DECODE_ATTENTION_O=0 gen_run int2-sep-o~1 $m-w2g64 --dtype f16
  LOWBIT_DECODE_ATTENTION_ONLINE=0 gen_run int2-two-pass~1 $m-w2g64 --dtype f16
  gen_run int4~1 $m-w4g128 --dtype f16
  LOWBIT_DECODE_ATTENTION_O=0 gen_run int4-sep-o~1 $m-w4g128 --dtype f16
  LOWBIT_DECODE_ATTENTION_ONLINE=0 gen_run int4-two-pass~1 $m-w4g128 --dtype f16
  LOWBIT_DECODE_ATTENTION_ONLINE=0 gen_run fp16-two-pass~1 $m --dtype f16
  gen_run int2~2 $m-w2g64 --dtype f16
  LOWBIT_DECODE_ATTENTION_ONLINE=0 gen_run int2-two-pass~2 $m-w2g64 --dtype f16
  gen_run fp16~2 $m --dtype f16
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodeattn-generate.jsonl" 2>/dev/null
  gen_ratio_summary decodeattn
  # the greedy texts of each configuration (the same tokens expected; f32 atomic order may differ in the last bits)
  python3 - "$RESULTS/generate-7b.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line); print(f"{d['label']:<18} {d['text'][:60]!r}")
PY
}
