# Issue 7: the one-pass attention with a head's keys split over a thread-block cluster (decode_cuda.cu,
# decode_attention.cuh's split attention). The decode graph runs one block per head before position
# LOWBIT_DECODE_ATTENTION_SPLIT_FROM (default 160) and the split from there on (decode_graph.cpp). Prints: the CUDA
# decoder tests (every attention form; the graph crossing to the split); decode tok/s after a 4-token prompt (contexts
# 5-132) with the defaults and with the split from the first step (LOWBIT_DECODE_ATTENTION_SPLIT_FROM=0), fp16 and int2
# in DECODESPLIT_ROUNDS interleaved rounds (default 2), int4 once; then after a ~1000-token prompt (contexts ~1000-1130)
# with the defaults (clusters of 4), clusters of 2 (LOWBIT_DECODE_ATTENTION_SPLIT=2) and no split (=0).
# Sourced by bench/gpu/run.sh; `LOWBIT_BUILD_TARGETS=lowbit GEN_LAYERS=32 bash bench/gpu/run.sh decodesplit`.
stage_decodesplit() {
  local m=/tmp/gen-llama7b r w dir t long
  step "decodesplit: test_decode_step_cuda, test_decoder (CUDA)"
  cmake --build build/native-cuda --target test_decode_step_cuda test_decoder -j"$(nproc)" \
      > "$RESULTS/decodesplit-build.log" 2>&1 || { tail -30 "$RESULTS/decodesplit-build.log"; status=1; return; }
  for t in test_decode_step_cuda test_decoder; do
    timeout 300 build/native-cuda/tests/$t > "$RESULTS/$t.log" 2>&1 || { echo "$t FAILED (rc $?)"; status=1; }
    grep -E "form|worst|bit-identical|one kernel|split|FAIL|passed" "$RESULTS/$t.log" | tail -16
  done
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodesplit: 4-token prompt, 128 new tokens: defaults / split from the first step, ${DECODESPLIT_ROUNDS:-2} rounds"
  rm -f "$RESULTS/generate-7b.jsonl"
  for r in $(seq 1 "${DECODESPLIT_ROUNDS:-2}"); do
    for w in fp16 int2; do
      dir=$m; [[ $w == int2 ]] && dir=$m-w2g64
      gen_run $w~$r $dir --dtype f16
      LOWBIT_DECODE_ATTENTION_SPLIT_FROM=0 gen_run $w-split~$r $dir --dtype f16
    done
  done
  gen_run int4~1 $m-w4g128 --dtype f16
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodesplit-short.jsonl" 2>/dev/null
  gen_ratio_summary decodesplit-short
  step "decodesplit: ~1000-token prompt, 128 new tokens: clusters of 4 (default) / of 2 / no split"
  long=$(python3 -c 'print(" ".join(["Once upon a time there was a little robot who liked to count the stars."] * 60))')
  rm -f "$RESULTS/generate-7b.jsonl"
  for w in fp16 int2; do
    dir=$m; [[ $w == int2 ]] && dir=$m-w2g64
    GEN_PROMPT=$long gen_run $w~1 $dir --dtype f16
    GEN_PROMPT=$long LOWBIT_DECODE_ATTENTION_SPLIT=2 gen_run $w-split2~1 $dir --dtype f16
    GEN_PROMPT=$long LOWBIT_DECODE_ATTENTION_SPLIT=0 gen_run $w-onehead~1 $dir --dtype f16
  done
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodesplit-long.jsonl" 2>/dev/null
  gen_ratio_summary decodesplit-long
  python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print("long prompt:", d["prompt_tokens"], "tokens")' \
      "$RESULTS/decodesplit-long.jsonl" 2>/dev/null
}
