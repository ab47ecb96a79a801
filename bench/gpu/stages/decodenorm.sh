# Issue 7, fewer launches per decode layer: the normed decode step (LOWBIT_DECODE_NORMED=1, the default: the RMSNorms
# and SiLU * up folded into the packed GEMVs, 5 kernels per layer) against the accumulate step it replaces
# (LOWBIT_DECODE_NORMED=0: 8 kernels per layer). Sourced by bench/gpu/run.sh; `bash bench/gpu/run.sh decodenorm`.
# Uses generate.sh's stage_genprep / gen_run; an existing genprep model is reused (GEN_LAYERS=32 for the full model).
stage_decodenorm() {
  local t0=$SECONDS m=/tmp/gen-llama7b
  step "decodenorm: build the GEMV / decoder tests"
  cmake --build build/native-cuda --target test_packed_gemv_cuda test_decoder -j"$(nproc)" \
      > "$RESULTS/decodenorm-build.log" 2>&1 || { tail -40 "$RESULTS/decodenorm-build.log"; status=1; return; }
  local tb=$SECONDS

  step "decodenorm: CUDA tests (fused-input GEMV vs its references; normed step vs the accumulate step)"
  ctest --test-dir build/native-cuda -R "test_packed_gemv_cuda|test_decoder" --output-on-failure -V \
      > "$RESULTS/decodenorm-ctest.log" 2>&1
  grep -E "cases|worst|normed|fused input|SKIP|FAILED|failed|tests passed|tests failed" "$RESULTS/decodenorm-ctest.log" | head -24
  grep -q "100% tests passed" "$RESULTS/decodenorm-ctest.log" || status=1

  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  echo "decodenorm model: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("num_hidden_layers"), "layers")' \
      $m/config.json 2>/dev/null)"
  step "decodenorm: generate batch 1, 128 new tokens, normed step (default) vs LOWBIT_DECODE_NORMED=0"
  rm -f "$RESULTS/generate-7b.jsonl"
  local r
  for r in $(seq 1 "${DECODENORM_ROUNDS:-1}"); do  # rounds interleave the A/B runs (the machine drifts by a few %)
    gen_run fp16~$r $m --dtype f16
    LOWBIT_DECODE_NORMED=0 gen_run int4-g128-acc~$r $m-w4g128 --dtype f16
    gen_run int4-g128~$r $m-w4g128 --dtype f16
    LOWBIT_DECODE_NORMED=0 gen_run int2-g64-acc~$r $m-w2g64 --dtype f16
    gen_run int2-g64~$r $m-w2g64 --dtype f16
  done
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodenorm-generate.jsonl" 2>/dev/null
  # one line per quantized run: decode tok/s, ms/token, speedup vs fp16 (targets int4 2.5x, int2 4x), the normed
  # step's gain over the accumulate step; greedy texts of the two steps side by side
  python3 - "$RESULTS/generate-7b.jsonl" <<'PY'
import json, sys
runs, texts = {}, {}  # label without the round -> decode tok/s of each round; the first round's text
for line in open(sys.argv[1]):
    d = json.loads(line); label = d["label"].split("~")[0]
    runs.setdefault(label, []).append(d["decode_tokens_per_second"]); texts.setdefault(label, d.get("text"))
mean = lambda label: sum(runs[label]) / len(runs[label]) if runs.get(label) else None
each = lambda label: " / ".join(f"{v:.1f}" for v in runs[label])
fp = mean("fp16")
if fp: print(f"decodenorm fp16: {each('fp16')} tok/s (mean {fp:.1f}, {1000 / fp:.3f} ms/token)")
for base, target in (("int4-g128", 2.5), ("int2-g64", 4.0)):
    for label in (base + "-acc", base):
        r = mean(label)
        if not (fp and r): print(f"decodenorm {label}: missing"); continue
        acc = mean(base + "-acc")
        gain = f", x{r / acc:.3f} vs the accumulate step" if label == base and acc else ""
        print(f"decodenorm {label}: {each(label)} tok/s (mean {r:.1f}, {1000 / r:.3f} ms/token), {r / fp:.2f}x fp16 "
              f"(target >= {target}x){'' if r / fp >= target else ' BELOW TARGET'}{gain}")
    a, b = texts.get(base + "-acc"), texts.get(base)
    if a is not None and b is not None:
        same = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        print(f"decodenorm {base}: greedy text {'identical' if a == b else f'differs from character {same}'} "
              f"with the accumulate step")
PY
  echo "decodenorm stage: $(( SECONDS - tb )) s after a $(( tb - t0 )) s build"
}

# The GEMV's share of the resident warps (LOWBIT_GEMV_RESIDENT_PERCENT) in the decode step: below 100 the next
# kernel's blocks fit beside a GEMV's and issue their weight loads before it drains. DECODEOCC_PERCENTS sets the sweep.
stage_decodeocc() {
  local m=/tmp/gen-llama7b p
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodeocc: generate batch 1, 128 new tokens, GEMV resident share ${DECODEOCC_PERCENTS:-100 75 50 35} %"
  rm -f "$RESULTS/generate-7b.jsonl"
  gen_run fp16 $m --dtype f16
  for p in ${DECODEOCC_PERCENTS:-100 75 50 35}; do
    LOWBIT_GEMV_RESIDENT_PERCENT=$p gen_run int4-g128-p$p $m-w4g128 --dtype f16
    LOWBIT_GEMV_RESIDENT_PERCENT=$p gen_run int2-g64-p$p $m-w2g64 --dtype f16
  done
  gen_run fp16-again $m --dtype f16
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodeocc-generate.jsonl" 2>/dev/null
  python3 - "$RESULTS/generate-7b.jsonl" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line); rows[d["label"]] = d
fps = [rows[k]["decode_tokens_per_second"] for k in ("fp16", "fp16-again") if k in rows]
fp = sum(fps) / len(fps) if fps else None
if fp: print(f"decodeocc fp16: {' / '.join(f'{v:.1f}' for v in fps)} tok/s (mean {fp:.1f})")
for label, d in rows.items():
    if label.startswith("fp16"): continue
    r = d["decode_tokens_per_second"]
    print(f"decodeocc {label}: {r:.1f} tok/s ({1000 / r:.3f} ms/token), {r / fp:.2f}x fp16" if fp else f"decodeocc {label}: {r:.1f}")
PY
}

# The shipped step only: fp16, int4 and int2 (DECODEQUICK_ROUNDS=N: N interleaved rounds; DECODEQUICK_FP16_TWICE=1: fp16 again at the end) (the targets' ratios in one call): `bash bench/gpu/run.sh decodequick`.
stage_decodequick() {
  local m=/tmp/gen-llama7b
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodequick: generate batch 1, 128 new tokens: fp16, int4, int2, fp16"
  rm -f "$RESULTS/generate-7b.jsonl"
  local i
  for ((i = 1; i <= ${DECODEQUICK_ROUNDS:-1}; i++)); do  # interleaved rounds: drift hits every model alike
    gen_run fp16~$i $m --dtype f16
    gen_run int4-g128~$i $m-w4g128 --dtype f16
    gen_run int2-g64~$i $m-w2g64 --dtype f16
  done
  [[ -z ${DECODEQUICK_FP16_TWICE:-} ]] || gen_run fp16~last $m --dtype f16
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodequick-generate.jsonl" 2>/dev/null
  python3 - "$RESULTS/generate-7b.jsonl" <<'PY'
import json, sys
runs = {}
for line in open(sys.argv[1]):
    d = json.loads(line); runs.setdefault(d["label"].split("~")[0], []).append(d["decode_tokens_per_second"])
fp = sum(runs.get("fp16", [0])) / max(1, len(runs.get("fp16", [])))
print(f"decodequick fp16: {' / '.join(f'{v:.1f}' for v in runs.get('fp16', []))} tok/s (mean {fp:.1f})")
for label, target in (("int4-g128", 2.5), ("int2-g64", 4.0)):
    for r in runs.get(label, []):
        print(f"decodequick {label}: {r:.1f} tok/s ({1000 / r:.3f} ms/token), {r / fp:.2f}x fp16 (target >= {target}x)"
              f"{'' if r / fp >= target else ' BELOW TARGET'}")
    if len(runs.get(label, [])) > 1:
        mean = sum(runs[label]) / len(runs[label])
        print(f"decodequick {label}: mean of {len(runs[label])} runs {mean:.1f} tok/s, {mean / fp:.2f}x the fp16 mean")
PY
}

# The o projection's input written by the attention kernel (default) against quantized in the o GEMV
# (LOWBIT_DECODE_O_PREPARED=0): int4 and int2, DECODEOPREP_ROUNDS interleaved rounds, with fp16 for the ratios.
stage_decodeoprep() {
  local m=/tmp/gen-llama7b
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodeoprep: generate batch 1, 128 new tokens: o input from attention vs quantized in the GEMV"
  rm -f "$RESULTS/generate-7b.jsonl"
  local i
  for ((i = 1; i <= ${DECODEOPREP_ROUNDS:-2}; i++)); do
    gen_run fp16~$i $m --dtype f16
    gen_run int4-g128~$i $m-w4g128 --dtype f16
    LOWBIT_DECODE_O_PREPARED=0 gen_run int4-g128-gemvq~$i $m-w4g128 --dtype f16
    gen_run int2-g64~$i $m-w2g64 --dtype f16
    LOWBIT_DECODE_O_PREPARED=0 gen_run int2-g64-gemvq~$i $m-w2g64 --dtype f16
  done
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodeoprep-generate.jsonl" 2>/dev/null
  gen_ratio_summary decodeoprep
}
