# Diagnostics for the decode step (issue 7), not pass/fail: where one token's time goes. Nsight Compute traces
# `lowbit generate` (8 new tokens) on the genprep model with CUDA-graph node profiling: each kernel is timed alone,
# so the sum is not the step's time (PDL overlaps kernels, launch gaps add; on the H200, 2026-12-02, the 32-layer
# int4 step took 0.93x-1.04x the sum). Prints, per kernel name, its launches and the median duration over the last half
# of them, then one packed decoder layer kernel by kernel (the normed step's 5 kernels or the accumulate step's 8). Nsight Systems could
# not make a report on these machines (KINDS.md), so this uses ncu (~20 s per 4-layer model, ~85 s for 32 layers).
# Sourced by bench/gpu/run.sh; `GEN_LAYERS=4 bash bench/gpu/run.sh genprep decodeprof`. DECODEPROF_MODELS: tag:dir
# pairs (default the genprep int4, int2 and fp16 models); DECODEPROF_ENV: variables for a second int4 pass (e.g.
# LOWBIT_DECODE_ROPE_ATTENTION=0).
decodeprof_one() { # $1 tag, $2 model dir, rest: env assignments
  local tag=$1 m=$2; shift 2
  local csv="$RESULTS/decodeprof-$tag.csv"
  env "$@" timeout 400 ncu --clock-control none --graph-profiling node --metrics gpu__time_duration.sum --csv \
      --page raw --log-file "$csv" "${LOWBIT[@]}" generate --model "$m" --prompt "Once upon a time" \
      --max-new-tokens 8 --ignore-eos --device cuda --dtype f16 --json > "$RESULTS/decodeprof-$tag.out" 2>&1 \
      || { echo "decodeprof $tag: ncu failed (rc $?)"; tail -5 "$RESULTS/decodeprof-$tag.out"; return; }
  python3 - "$csv" "$tag" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]+"/config.json"))["num_hidden_layers"])' "$m")" <<'PY'
import csv, re, sys, collections, statistics
path, tag, layers = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [l for l in open(path) if l.startswith('"')]
rows = list(csv.DictReader(lines))
if not rows:
    print(f"decodeprof {tag}: no kernels in the report"); sys.exit()
unit = rows[0].get("gpu__time_duration.sum", "")
data = [r for r in rows[1:] if r.get("gpu__time_duration.sum", "").replace(",", "").replace(".", "").isdigit()]
scale = {"nsecond": 1e-3, "usecond": 1.0, "msecond": 1e3}.get(unit, 1e-3)
by = collections.OrderedDict()
for r in data:
    found = re.search(r"(\w+)\s*(?:<[^()]*>)?\s*\(", r["Kernel Name"])  # the kernel: the name before its (args)
    name = (found.group(1) if found else r["Kernel Name"])[:60]
    by.setdefault(name, []).append(float(r["gpu__time_duration.sum"].replace(",", "")) * scale)
tokens = 8
print(f"decodeprof {tag}: {len(data)} kernels traced, {layers} layers (unit {unit})")
for name, v in by.items():
    tail = v[len(v) // 2:]
    med = statistics.median(tail)
    per_token = len(v) / tokens
    if len(v) >= tokens:  # at least once per token: the decode step's kernels
        print(f"decodeprof {tag} {name:<60} {len(v):5d} launches  median {med:8.2f} us")
# one decoder layer of the fused step, by position around its RoPE + attention kernel (the last two tokens' layers)
seq = []
for r in data:
    found = re.search(r"(\w+)\s*(?:<[^()]*>)?\s*\(", r["Kernel Name"])
    seq.append(((found.group(1) if found else r["Kernel Name"])[:40], float(r["gpu__time_duration.sum"].replace(",", "")) * scale))
at = [i for i, k in enumerate(seq) if k[0] == "rotary_attention_kernel" and 2 <= i < len(seq) - 5]
if at and "gemv" in seq[at[-1] - 1][0]:  # a packed step (a dense model's layer has other kernels)
    if "gemv" in seq[at[-1] - 2][0]:  # the normed step: the previous layer's down GEMV, then this layer's q/k/v GEMV
        first, labels = -1, ["qkv GEMV (+norm)", "RoPE + attention", "o GEMV", "gate_up GEMV (+norm)", "down GEMV (+SiLU)"]
    else:  # the accumulate step
        first, labels = -2, ["RMSNorm (input)", "qkv GEMV", "RoPE + attention", "o GEMV", "RMSNorm (post-attn)",
                             "gate_up GEMV", "SiLU * up", "down GEMV"]
    total = 0.0
    for off, label in zip(range(first, first + len(labels)), labels):
        v = [seq[i + off][1] for i in at[-2 * layers:]]
        total += statistics.median(v)
        print(f"decodeprof {tag} layer {label:<20} {seq[at[-1] + off][0]:<28} median {statistics.median(v):7.2f} us")
    print(f"decodeprof {tag} layer sum {total:.2f} us (kernels alone; the real step overlaps them with PDL)")
PY
}

stage_decodeprof() {
  command -v ncu > /dev/null || { echo "decodeprof: ncu is not on the PATH"; return; }
  local models=${DECODEPROF_MODELS:-"int4:/tmp/gen-llama7b-w4g128 int2:/tmp/gen-llama7b-w2g64 fp16:/tmp/gen-llama7b"} spec
  for spec in $models; do
    step "decodeprof: ncu node trace of lowbit generate (${spec%%:*}, 8 new tokens)"
    decodeprof_one "${spec%%:*}" "${spec#*:}"
  done
  if [[ -n ${DECODEPROF_ENV:-} ]]; then
    step "decodeprof: int4 again with $DECODEPROF_ENV"
    decodeprof_one int4-env /tmp/gen-llama7b-w4g128 $DECODEPROF_ENV
  fi
}
