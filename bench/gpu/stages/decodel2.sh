# Issue 7, the decode step's L2 prefetch (LOWBIT_DECODE_L2_PREFETCH: kernels ask L2 for later GEMVs' weights): its
# tests, then int4 and int2 decode with it off (0), on (1, the default) and with the evict_last policy (2), and int2
# with a larger cap (LOWBIT_DECODE_L2_PREFETCH_MB=40), DECODEL2_ROUNDS interleaved rounds with fp16 for the ratios.
# Sourced by bench/gpu/run.sh; `GEN_LAYERS=32 bash bench/gpu/run.sh decodel2`.
stage_decodel2() {
  local m=/tmp/gen-llama7b t
  step "decodel2: build and run the prefetch's tests"
  cmake --build build/native-cuda --target test_l2_prefetch test_decode_step_cuda test_packed_gemv_cuda test_decoder \
      -j"$(nproc)" > "$RESULTS/decodel2-build.log" 2>&1 || { tail -30 "$RESULTS/decodel2-build.log"; status=1; return; }
  for t in test_l2_prefetch test_decode_step_cuda test_packed_gemv_cuda test_decoder; do
    timeout 300 build/native-cuda/tests/$t > "$RESULTS/$t.log" 2>&1 || { echo "$t FAILED (rc $?)"; status=1; }
    grep -E "cases|SKIP|passed|FAIL|prefetch" "$RESULTS/$t.log" | tail -6
  done
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodel2: generate batch 1, 128 new tokens: L2 prefetch off / on / evict_last"
  rm -f "$RESULTS/generate-7b.jsonl"
  local i
  for ((i = 1; i <= ${DECODEL2_ROUNDS:-2}; i++)); do
    gen_run fp16~$i $m --dtype f16
    LOWBIT_DECODE_L2_PREFETCH=0 gen_run int4-off~$i $m-w4g128 --dtype f16
    LOWBIT_DECODE_L2_PREFETCH=1 gen_run int4-on~$i $m-w4g128 --dtype f16
    LOWBIT_DECODE_L2_PREFETCH=2 gen_run int4-last~$i $m-w4g128 --dtype f16
    LOWBIT_DECODE_L2_PREFETCH=0 gen_run int2-off~$i $m-w2g64 --dtype f16
    LOWBIT_DECODE_L2_PREFETCH=1 gen_run int2-on~$i $m-w2g64 --dtype f16
    LOWBIT_DECODE_L2_PREFETCH=2 gen_run int2-last~$i $m-w2g64 --dtype f16
    LOWBIT_DECODE_L2_PREFETCH=1 LOWBIT_DECODE_L2_PREFETCH_MB=40 gen_run int2-on40~$i $m-w2g64 --dtype f16
  done
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodel2-generate.jsonl" 2>/dev/null
  python3 - "$RESULTS/generate-7b.jsonl" <<'PY'
import json, sys
runs, texts = {}, {}
for line in open(sys.argv[1]):
    d = json.loads(line); label = d["label"].split("~")[0]
    runs.setdefault(label, []).append(d["decode_tokens_per_second"]); texts.setdefault(label, d.get("text"))
fp = sum(runs.get("fp16", [0])) / max(1, len(runs.get("fp16", [])))
for label, values in runs.items():
    mean = sum(values) / len(values)
    same = "" if label == "fp16" else f", text {'same as' if texts[label] == texts.get(label.split('-')[0] + '-off') else 'differs from'} off"
    print(f"decodel2 {label}: {' / '.join(f'{v:.1f}' for v in values)} tok/s, mean {mean:.1f}, {mean / fp:.2f}x fp16{same}")
PY
}
