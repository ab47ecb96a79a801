# lowbit generate on the GPU (issue 7, item 3). Sourced by bench/gpu/run.sh; run with `bench/gpu/run.sh generate`.
# Budget: ~5 minutes wall. GEN_LAYERS (default 16) sets the depth of the Llama-2-7B-shaped random model
# (hidden 4096, intermediate 11008, 32 heads, vocab 32000): 32 layers take too long to write and quantize twice.

gen_json_field() { # $1 json line, $2 key
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); v=d.get(sys.argv[2]); print(v)' "$1" "$2" 2>/dev/null
}

# One line per label of generate-7b.jsonl (round suffix "~N" dropped): each run's decode tok/s, their mean and the
# mean's ratio to the fp16 mean. $1: the prefix of the lines.
gen_ratio_summary() {
  python3 - "$RESULTS/generate-7b.jsonl" "$1" <<'PY'
import json, sys
runs = {}
for line in open(sys.argv[1]):
    d = json.loads(line); runs.setdefault(d["label"].split("~")[0], []).append(d["decode_tokens_per_second"])
fp = sum(runs.get("fp16", [0])) / max(1, len(runs.get("fp16", [])))
for label, values in runs.items():
    mean = sum(values) / len(values)
    ratio = f", {mean / fp:.2f}x fp16" if fp else ""
    print(f"{sys.argv[2]} {label}: {' / '.join(f'{v:.1f}' for v in values)} tok/s, mean {mean:.1f}{ratio}")
PY
}

gen_run() { # $1 label, $2 model dir, rest: extra options; appends to generate-7b.jsonl, prints one row. GEN_PROMPT: the prompt
  local label=$1 model=$2; shift 2
  local line
  line=$("${LOWBIT[@]}" generate --model "$model" --prompt "${GEN_PROMPT:-Once upon a time}" --max-new-tokens 128 --ignore-eos \
      --device cuda --json "$@" 2>"$RESULTS/generate-$label.err" | tail -1)
  if [[ -z "$line" ]]; then
    echo "$label: FAILED ($(tail -2 "$RESULTS/generate-$label.err" | tr '\n' ' '))"; status=1; return
  fi
  echo "$line" | python3 -c 'import json,sys; d=json.load(sys.stdin); d["label"]=sys.argv[1]; print(json.dumps(d))' "$label" \
      >> "$RESULTS/generate-7b.jsonl"
  printf '%-15s %-16s %-4s graph=%-5s fused=%-5s packed=%-4s dequant=%-4s prefill %8.1f tok/s  decode %8.2f tok/s  load %6.1f s\n' \
      "$label" "$(gen_json_field "$line" weights)" "$(gen_json_field "$line" dtype)" "$(gen_json_field "$line" cuda_graph)" "$(gen_json_field "$line" fused_level)" \
      "$(gen_json_field "$line" packed_linears)" "$(gen_json_field "$line" dequantized_linears)" \
      "$(gen_json_field "$line" prefill_tokens_per_second)" "$(gen_json_field "$line" decode_tokens_per_second)" \
      "$(gen_json_field "$line" load_seconds)"
}

# genprep writes and quantizes the random model (CPU and disk bound: may run beside other stages, "a+genprep");
# genrun times the decode (run it alone); generate = both, then the small-fixture texts.
stage_genprep() {
  local layers=${GEN_LAYERS:-16} m=/tmp/gen-llama7b
  step "generate: write a Llama-2-7B-shaped random model ($layers of 32 layers) and its RTN int4 / int2 checkpoints"
  local t0=$SECONDS
  [[ -f $m/model.safetensors ]] || python3 bench/gpu/random_llama.py $m --layers "$layers" || { status=1; return; }
  echo "random model written: $((SECONDS - t0)) s"
  t0=$SECONDS
  "${LOWBIT[@]}" quantize rtn --model $m --out $m-w4g128 --bits 4 --group 128 --device cuda 2>/dev/null | tail -1 || status=1
  echo "rtn w4g128: $((SECONDS - t0)) s"; t0=$SECONDS
  "${LOWBIT[@]}" quantize rtn --model $m --out $m-w2g64 --bits 2 --group 64 --device cuda 2>/dev/null | tail -1 || status=1
  echo "rtn w2g64: $((SECONDS - t0)) s"
}

stage_genrun() {
  local m=/tmp/gen-llama7b
  step "generate: batch 1, 128 new tokens, decode tokens/s (the model of genprep)"
  rm -f "$RESULTS/generate-7b.jsonl"
  gen_run fp16 $m --dtype f16
  if [[ -z ${GEN_QUICK:-} ]]; then  # GEN_QUICK=1: fp16, int4 and int2 only
    gen_run fp16-eager $m --dtype f16 --no-cuda-graph
    LOWBIT_FUSED_DECODE=0 gen_run fp16-aten-step $m --dtype f16
  fi
  gen_run int4-g128 $m-w4g128 --dtype f16
  gen_run int2-g64 $m-w2g64 --dtype f16
  python3 - "$RESULTS/generate-7b.jsonl" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line); rows[d["label"]] = d
fp = rows.get("fp16", {}).get("decode_tokens_per_second")
for label, target in (("int4-g128", 2.5), ("int2-g64", 4.0)):
    r = rows.get(label, {}).get("decode_tokens_per_second")
    if fp and r:
        print(f"decode speedup {label} vs fp16: {r / fp:.2f}x (target >= {target}x){'' if r / fp >= target else '  BELOW TARGET'}"
              f"  packed linears {rows[label]['packed_linears']}, dequantized {rows[label]['dequantized_linears']}")
PY
  rm -rf $m $m-w4g128 $m-w2g64
}

stage_generate() {
  stage_genprep
  stage_genrun
  stage_gensmall
}

stage_gensmall() {
  step "generate: small fixture, greedy, fp and RTN int4 (texts for docs/)"
  local small; small=$(small_model)
  "${LOWBIT[@]}" quantize rtn --model "$small" --out /tmp/gen-small-w4g128 --bits 4 --group 128 --device cuda 2>/dev/null | tail -1
  for s in "fp $small" "rtn-w4g128 /tmp/gen-small-w4g128"; do
    set -- $s
    local line
    line=$("${LOWBIT[@]}" generate --model "$2" --prompt "Once upon a time" --max-new-tokens 48 --device cuda --dtype f32 \
        --json 2>"$RESULTS/generate-small-$1.err" | tail -1)
    [[ -n "$line" ]] || { echo "small $1: FAILED"; tail -3 "$RESULTS/generate-small-$1.err"; status=1; continue; }
    echo "$line" >> "$RESULTS/generate-small.jsonl"
    echo "small $1 ($(gen_json_field "$line" weights), decode $(gen_json_field "$line" decode_tokens_per_second) tok/s): Once upon a time$(gen_json_field "$line" text)"
  done
}
