# Issue 7, decode step latency: programmatic dependent launch (PDL: each decode kernel and packed GEMV may start
# while the one before it finishes; the GEMV issues its first weight loads before it waits) and RoPE + KV write +
# attention in one kernel. Sourced by bench/gpu/run.sh; `GEN_LAYERS=32 bash bench/gpu/run.sh decodepdl`. Uses
# generate.sh's stage_genprep / gen_run; an existing genprep model is reused. Lines:
#   decodepdl <label>: <tok/s> tok/s (<ms> ms/token), <x>x fp16 ...  - the defaults; -nopdl (LOWBIT_PDL=0);
#       -ropesplit (LOWBIT_DECODE_ROPE_ATTENTION=0: RoPE + KV write and attention as two kernels; that also
#       leaves the normed step, which needs the fused kernel, for the accumulate step)
#   decodepdl <label>: greedy text identical|DIFFERS with PDL off      - the same kernels; the GEMV's float atomics
#       add in a run-dependent order, so near-tied greedy picks on random weights may still differ
stage_decodepdl() {
  local m=/tmp/gen-llama7b
  step "decodepdl: build and run the decode / GEMV CUDA tests"
  cmake --build build/native-cuda --target test_decode_step_cuda test_decoder test_packed_gemv_cuda \
      -j"$(nproc)" > "$RESULTS/decodepdl-build.log" 2>&1 || { tail -40 "$RESULTS/decodepdl-build.log"; status=1; return; }
  ctest --test-dir build/native-cuda -R "test_decode_step_cuda|test_decoder|test_packed_gemv_cuda" --output-on-failure -V \
      > "$RESULTS/decodepdl-ctest.log" 2>&1
  grep -E "programmatic|worst|decode chain|rotary|cases|SKIP|FAILED|failed|tests passed|tests failed" "$RESULTS/decodepdl-ctest.log" | head -24
  grep -q "100% tests passed" "$RESULTS/decodepdl-ctest.log" || status=1

  [[ -d $m-w4g128 && -d $m-w2g64 ]] || stage_genprep
  echo "decodepdl model: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("num_hidden_layers"), "layers")' \
      $m/config.json 2>/dev/null)"
  step "decodepdl: generate batch 1, 128 new tokens, the defaults, PDL off (LOWBIT_PDL=0), RoPE and attention split"
  rm -f "$RESULTS/generate-7b.jsonl"
  gen_run fp16 $m --dtype f16
  gen_run int4-g128 $m-w4g128 --dtype f16
  gen_run int2-g64 $m-w2g64 --dtype f16
  LOWBIT_PDL=0 gen_run fp16-nopdl $m --dtype f16
  LOWBIT_PDL=0 gen_run int4-g128-nopdl $m-w4g128 --dtype f16
  LOWBIT_PDL=0 gen_run int2-g64-nopdl $m-w2g64 --dtype f16
  LOWBIT_DECODE_ROPE_ATTENTION=0 gen_run int4-g128-ropesplit $m-w4g128 --dtype f16
  LOWBIT_DECODE_ROPE_ATTENTION=0 gen_run int2-g64-ropesplit $m-w2g64 --dtype f16
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodepdl-generate.jsonl" 2>/dev/null
  python3 - "$RESULTS/generate-7b.jsonl" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line); rows[d["label"]] = d
for suffix in ("", "-nopdl", "-ropesplit"):
    fp = rows.get("fp16" + ("-nopdl" if suffix == "-nopdl" else ""), {}).get("decode_tokens_per_second")
    for label, target in (("fp16", None), ("int4-g128", 2.5), ("int2-g64", 4.0)):
        r = rows.get(label + suffix, {}).get("decode_tokens_per_second")
        if not (fp and r):
            if label != "fp16" or suffix != "-ropesplit": print(f"decodepdl {label}{suffix}: missing")
            continue
        goal = "" if target is None else f" (target >= {target}x){'' if r / fp >= target else ' BELOW TARGET'}"
        print(f"decodepdl {label}{suffix}: {r:.1f} tok/s ({1000 / r:.3f} ms/token), {r / fp:.2f}x fp16{goal}")
for label in ("fp16", "int4-g128", "int2-g64"):
    a, b = rows.get(label, {}).get("text"), rows.get(label + "-nopdl", {}).get("text")
    if a is not None and b is not None:
        print(f"decodepdl {label}: greedy text {'identical' if a == b else 'DIFFERS'} with PDL off")
PY
}
