# Issue 7, fewer kernels per decode layer: the accumulate decode step (LOWBIT_DECODE_ACCUMULATE=1: f32 residual,
# packed GEMVs that add onto it and onto f32 outputs zeroed by the RMSNorm before them; 9 kernels per packed
# layer instead of 19). Sourced by bench/gpu/run.sh; `bash bench/gpu/run.sh decodefuse`. Uses generate.sh's
# stage_genprep / gen_run. The -acc runs pin LOWBIT_DECODE_NORMED=0 (else the normed step, now the default, runs). Budget ~200 s after the build: GEN_LAYERS defaults to 8 here (the 2026-12-02
# baseline: fp16 618 tok/s, int4 g128 702, int2 g64 758 at 8 layers); an existing genprep model is reused.
stage_decodefuse() {
  local t0=$SECONDS m=/tmp/gen-llama7b
  step "decodefuse: build the accumulate GEMV / decoder tests"
  cmake --build build/native-cuda --target test_packed_gemv_cuda test_packed_gemv_emulated test_decoder \
      -j"$(nproc)" > "$RESULTS/decodefuse-build.log" 2>&1 || { tail -40 "$RESULTS/decodefuse-build.log"; status=1; return; }
  local tb=$SECONDS

  step "decodefuse: CUDA tests (accumulate GEMV vs the zeroing launch; accumulate decode step vs the default step)"
  ctest --test-dir build/native-cuda -R "test_packed_gemv|test_decoder" --output-on-failure -V \
      > "$RESULTS/decodefuse-ctest.log" 2>&1
  grep -E "cases|worst|accumulate|SKIP|FAILED|failed|tests passed|tests failed" "$RESULTS/decodefuse-ctest.log" | head -20
  grep -q "100% tests passed" "$RESULTS/decodefuse-ctest.log" || status=1

  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  echo "decodefuse model: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("num_hidden_layers"), "layers")' \
      $m/config.json 2>/dev/null)"
  step "decodefuse: generate batch 1, 128 new tokens, default step vs LOWBIT_DECODE_ACCUMULATE=1"
  rm -f "$RESULTS/generate-7b.jsonl"
  gen_run fp16 $m --dtype f16
  LOWBIT_DECODE_ACCUMULATE=0 gen_run int4-g128 $m-w4g128 --dtype f16
  LOWBIT_DECODE_NORMED=0 LOWBIT_DECODE_ACCUMULATE=1 gen_run int4-g128-acc $m-w4g128 --dtype f16
  LOWBIT_DECODE_ACCUMULATE=0 gen_run int2-g64 $m-w2g64 --dtype f16
  LOWBIT_DECODE_NORMED=0 LOWBIT_DECODE_ACCUMULATE=1 gen_run int2-g64-acc $m-w2g64 --dtype f16
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodefuse-generate.jsonl" 2>/dev/null
  # one line per quantized run: decode tok/s, ms/token, speedup vs fp16 (targets int4 2.5x, int2 4x), and the
  # accumulate step's gain over the default step of the same checkpoint; the texts must match (greedy)
  python3 - "$RESULTS/generate-7b.jsonl" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line); rows[d["label"]] = d
fp = rows.get("fp16", {}).get("decode_tokens_per_second")
if fp: print(f"decodefuse fp16: {fp:.1f} tok/s ({1000 / fp:.3f} ms/token)")
for base, target in (("int4-g128", 2.5), ("int2-g64", 4.0)):
    for label in (base, base + "-acc"):
        r = rows.get(label, {}).get("decode_tokens_per_second")
        if not (fp and r): print(f"decodefuse {label}: missing"); continue
        off = rows.get(base, {}).get("decode_tokens_per_second")
        gain = f", x{r / off:.2f} vs the default step" if label != base and off else ""
        print(f"decodefuse {label}: {r:.1f} tok/s ({1000 / r:.3f} ms/token), {r / fp:.2f}x fp16 (target >= {target}x)"
              f"{'' if r / fp >= target else ' BELOW TARGET'}{gain}")
    a, b = rows.get(base, {}).get("text"), rows.get(base + "-acc", {}).get("text")
    if a is not None and b is not None:
        print(f"decodefuse {base}: greedy text {'identical' if a == b else 'DIFFERS'} with the accumulate step")
PY
  echo "decodefuse stage: $(( SECONDS - tb )) s after a $(( tb - t0 )) s build"
}
