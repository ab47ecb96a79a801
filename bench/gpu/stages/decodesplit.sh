# Issue 7: the one-pass attention with a head's keys split over a thread-block cluster (decode_cuda.cu,
# decode_attention.cuh's split attention). The decode graph runs one block per head before position
# LOWBIT_DECODE_ATTENTION_SPLIT_FROM (default 160) and the split from there on (decode_graph.cpp). Prints: the CUDA
# decoder tests (every attention form; the graph crossing to the split); decode tok/s after a 4-token prompt (contexts
# 5-132) with the defaults and with the split from the first step (LOWBIT_DECODE_ATTENTION_SPLIT_FROM=0), fp16 and int2
# in DECODESPLIT_ROUNDS interleaved rounds (default 2), int4 once; then after a ~1000-token prompt (contexts ~1000-1130)
# with the defaults (clusters of 4), clusters of 2 (LOWBIT_DECODE_ATTENTION_SPLIT=2) and no split (=0).
# Sourced by bench/gpu/run.sh; `LOWBIT_BUILD_TARGETS=lowbit GEN_LAYERS=32 bash bench/gpu/run.sh decodesplit`.
# Builds and runs CUDA test binaries, printing their summary lines. $1: the stage (log names), rest: the tests.
# Returns 1 when the build failed (a failing test sets status=1 and goes on).
split_cuda_tests() {
  local stage=$1 t; shift
  cmake --build build/native-cuda --target "$@" -j"$(nproc)" > "$RESULTS/$stage-build.log" 2>&1 \
      || { tail -30 "$RESULTS/$stage-build.log"; status=1; return 1; }
  for t in "$@"; do
    timeout 300 build/native-cuda/tests/$t > "$RESULTS/$t.log" 2>&1 || { echo "$t FAILED (rc $?)"; status=1; }
    grep -E "form|worst|bit-identical|one kernel|split|FAIL|passed" "$RESULTS/$t.log" | tail -16
  done
}

stage_decodesplit() {
  local m=/tmp/gen-llama7b r w dir long
  step "decodesplit: test_decode_step_cuda, test_decoder (CUDA)"
  split_cuda_tests decodesplit test_decode_step_cuda test_decoder || return
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

# Decode tok/s against the context: prompts of ~4, ~60, ~130 and ~250 tokens (128 new tokens each), fp16 and
# int2, with the split from the first step (LOWBIT_DECODE_ATTENTION_SPLIT_FROM=0) and without it
# (LOWBIT_DECODE_ATTENTION_SPLIT=0): where the split starts to pay, for the graph's default switch position. First
# test_decoder (DECODECTX_TESTS=0: not).
# `LOWBIT_BUILD_TARGETS=lowbit GEN_LAYERS=32 bash bench/gpu/run.sh decodectx`.
stage_decodectx() {
  local m=/tmp/gen-llama7b w dir n prompt
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodectx: decode tok/s against the prompt length, split from the first step / never"
  rm -f "$RESULTS/generate-7b.jsonl"
  if [[ ${DECODECTX_TESTS:-1} == 1 ]]; then
    step "decodectx: test_decoder (CUDA)"
    split_cuda_tests decodectx test_decoder || return
  fi
  for n in 0 3 7 13; do
    prompt="Once upon a time"
    [[ $n -gt 0 ]] && prompt=$(python3 -c 'import sys; print(" ".join(["Once upon a time there was a little robot who liked to count the stars."] * int(sys.argv[1])))' "$n")
    for w in fp16 int2; do
      dir=$m; [[ $w == int2 ]] && dir=$m-w2g64
      GEN_PROMPT=$prompt LOWBIT_DECODE_ATTENTION_SPLIT_FROM=0 gen_run $w-split-r$n $dir --dtype f16
      GEN_PROMPT=$prompt LOWBIT_DECODE_ATTENTION_SPLIT=0 gen_run $w-onehead-r$n $dir --dtype f16
    done
  done
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodectx-generate.jsonl" 2>/dev/null
  python3 - "$RESULTS/decodectx-generate.jsonl" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line); w, mode, r = d["label"].rsplit("-", 2)
    rows.setdefault(r, {})[(w, mode)] = d
print("prompt tokens | fp16 split | fp16 one block | int2 split | int2 one block | int2 / fp16 (best of each)")
for r, x in rows.items():
    get = lambda k: x.get(k, {}).get("decode_tokens_per_second", float("nan"))
    fs, fo, i_s, io = get(("fp16", "split")), get(("fp16", "onehead")), get(("int2", "split")), get(("int2", "onehead"))
    tokens = next(iter(x.values()))["prompt_tokens"]
    print(f"{tokens} | {fs:.1f} | {fo:.1f} | {i_s:.1f} | {io:.1f} | {max(i_s, io) / max(fs, fo):.2f}x")
PY
}

# Clusters of 8 against 4 at long contexts: test_decode_step_cuda (every attention form), then prompts of ~510 and
# ~1140 tokens, fp16 and int2, LOWBIT_DECODE_ATTENTION_SPLIT=8 against the default 4.
# `LOWBIT_BUILD_TARGETS=lowbit GEN_LAYERS=32 bash bench/gpu/run.sh decodesplit8`.
stage_decodesplit8() {
  local m=/tmp/gen-llama7b w dir n prompt
  step "decodesplit8: test_decode_step_cuda (CUDA)"
  split_cuda_tests decodesplit8 test_decode_step_cuda || return
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodesplit8: long prompts, clusters of 4 (default) / 8"
  rm -f "$RESULTS/generate-7b.jsonl"
  for n in 27 60; do
    prompt=$(python3 -c 'import sys; print(" ".join(["Once upon a time there was a little robot who liked to count the stars."] * int(sys.argv[1])))' "$n")
    for w in fp16 int2; do
      dir=$m; [[ $w == int2 ]] && dir=$m-w2g64
      GEN_PROMPT=$prompt gen_run $w-split4-r$n $dir --dtype f16
      GEN_PROMPT=$prompt LOWBIT_DECODE_ATTENTION_SPLIT=8 gen_run $w-split8-r$n $dir --dtype f16
    done
  done
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodesplit8-generate.jsonl" 2>/dev/null
}
