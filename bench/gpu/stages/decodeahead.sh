# Issue 7: greedy decode steps queued ahead (DecodeGraph::step_greedy: the token picked on the device, the next step
# queued before the host reads it) against the host sampler on the same graph (LOWBIT_DECODE_AHEAD=0), for fp16,
# int2 and int4 in DECODEAHEAD_ROUNDS interleaved rounds (default 2; DECODEAHEAD_HOST=0: the ahead runs only); the
# CUDA decoder tests first; one traced int2 run (kerneltrace's tracer) for the host gap between graph launches. Sourced by bench/gpu/run.sh;
# `LOWBIT_BUILD_TARGETS=lowbit GEN_LAYERS=32 bash bench/gpu/run.sh decodeahead`.
stage_decodeahead() {
  local m=/tmp/gen-llama7b r w dir t
  step "decodeahead: test_decoder, test_decode_step_cuda (CUDA)"
  cmake --build build/native-cuda --target test_decoder test_decode_step_cuda -j"$(nproc)" \
      > "$RESULTS/decodeahead-build.log" 2>&1 || { tail -30 "$RESULTS/decodeahead-build.log"; status=1; return; }
  for t in test_decoder test_decode_step_cuda; do
    timeout 300 build/native-cuda/tests/$t > "$RESULTS/$t.log" 2>&1 || { echo "$t FAILED (rc $?)"; status=1; }
    grep -E "greedy|FAIL|passed" "$RESULTS/$t.log" | tail -8
  done
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodeahead: generate batch 1, 128 new tokens, ${DECODEAHEAD_ROUNDS:-2} interleaved rounds"
  rm -f "$RESULTS/generate-7b.jsonl"
  for r in $(seq 1 "${DECODEAHEAD_ROUNDS:-2}"); do
    for w in fp16 int2 int4; do
      dir=$m; [[ $w == int2 ]] && dir=$m-w2g64; [[ $w == int4 ]] && dir=$m-w4g128
      gen_run $w~$r $dir --dtype f16
      [[ ${DECODEAHEAD_HOST:-1} == 1 ]] && LOWBIT_DECODE_AHEAD=0 gen_run $w-host~$r $dir --dtype f16
    done
  done
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodeahead-generate.jsonl" 2>/dev/null
  gen_ratio_summary decodeahead
  python3 - "$RESULTS/decodeahead-generate.jsonl" <<'PY'
import json, sys
texts = {}
for line in open(sys.argv[1]):
    d = json.loads(line); texts.setdefault(d["label"].split("~")[0], []).append(d.get("text", ""))
for w in ("fp16", "int2", "int4"):
    a, h = texts.get(w, []), texts.get(w + "-host", [])
    if a and h:
        print(f"{w}: greedy texts, ahead vs host: {'equal' if a == h else 'DIFFER'} ({len(set(a + h))} distinct of {len(a + h)})")
    elif a:
        print(f"{w}: greedy texts of the ahead runs: {len(set(a))} distinct of {len(a)}")
PY
  step "decodeahead: int2 traced (host gap between graph launches)"
  kernel_trace_build /tmp/libkernel_trace.so || { status=1; return; }
  CUDA_INJECTION64_PATH=/tmp/libkernel_trace.so LOWBIT_KERNEL_TRACE=/tmp/trace-ahead.csv \
      gen_run int2-traced~1 $m-w2g64 --dtype f16
  [[ -f /tmp/trace-ahead.csv ]] && python3 bench/gpu/kernel_trace/summarize.py /tmp/trace-ahead.csv "${GEN_LAYERS:-8}" \
      > "$RESULTS/decodeahead-trace-int2.txt" && head -8 "$RESULTS/decodeahead-trace-int2.txt"
}

# Sampled decoding (the host sampler: temperature 0.8, top_p 0.9 and 1.0) beside greedy, int2 and fp16, one run each:
# what sampling costs per token now that greedy steps are queued ahead. `bash bench/gpu/run.sh decodesampled`.
stage_decodesampled() {
  local m=/tmp/gen-llama7b
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodesampled: greedy and sampled decode, batch 1, 128 new tokens"
  rm -f "$RESULTS/generate-7b.jsonl"
  gen_run fp16 $m --dtype f16
  gen_run fp16-t0.8-p0.9 $m --dtype f16 --temperature 0.8 --top-p 0.9 --seed 1
  gen_run int2 $m-w2g64 --dtype f16
  gen_run int2-t0.8-p0.9 $m-w2g64 --dtype f16 --temperature 0.8 --top-p 0.9 --seed 1
  gen_run int2-t0.8-p1 $m-w2g64 --dtype f16 --temperature 0.8 --top-p 1 --seed 1
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodesampled-generate.jsonl" 2>/dev/null
}
