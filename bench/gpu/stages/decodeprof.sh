# Diagnostics for the decode step (issue 7), not pass/fail: where one token's time goes. Nsight Compute traces
# `lowbit generate` (8 new tokens) on the genprep model with CUDA-graph node profiling (each kernel timed alone,
# so no PDL overlap and no launch gaps: the sum is a floor of the step, the rest of the measured step time is
# latency between kernels) and prints, per kernel name, launches per token and the median duration over the last
# half of its launches. Nsight Systems could not make a report on these machines (KINDS.md), so this uses ncu.
# Sourced by bench/gpu/run.sh; `bash bench/gpu/run.sh genprep decodeprof`. DECODEPROF_MODELS: checkpoints
# (default the genprep int4 and int2 ones), DECODEPROF_ENV: extra variables for a second int4 pass (e.g.
# LOWBIT_GEMV_MMA=0).
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
