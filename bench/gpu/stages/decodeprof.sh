# Diagnostics for the decode step (issue 7), not pass/fail: where one token's time goes (written 2026-12-02, not yet
# run on the device: its trace parsing was checked on a synthetic CSV only). Nsight Systems traces
# `lowbit generate` (32 new tokens, CUDA graph node tracing) on the genprep model, PDL off (DECODEPROF_PDL=1: on;
# with PDL a kernel's span includes its wait for the one before), and prints per kernel kind its launches and
# microseconds per token, and the idle gaps between kernels. Sourced by bench/gpu/run.sh;
# `bash bench/gpu/run.sh genprep decodeprof` (DECODEPROF_MODEL: the checkpoint, default the int4 one).
decodeprof_nsys() {
  local p
  for p in nsys /usr/local/cuda/bin/nsys /opt/nvidia/nsight-systems/*/bin/nsys /usr/local/cuda/nsight-systems*/bin/nsys; do
    command -v "$p" > /dev/null 2>&1 && { echo "$p"; return; }
  done
}

stage_decodeprof() {
  local m=${DECODEPROF_MODEL:-/tmp/gen-llama7b-w4g128} nsys
  nsys=$(decodeprof_nsys)
  [[ -n $nsys ]] || { echo "decodeprof: nsys not found"; return; }
  step "decodeprof: nsys on lowbit generate ($m, 32 new tokens)"
  local pdl=${DECODEPROF_PDL:-0}
  LOWBIT_PDL=$pdl timeout 240 "$nsys" profile -t cuda --cuda-graph-trace=node -f true -o "$RESULTS/decodeprof" \
      "${LOWBIT[@]}" generate --model "$m" --prompt "Once upon a time" --max-new-tokens 32 --ignore-eos --device cuda \
      --dtype f16 --json > "$RESULTS/decodeprof-run.log" 2>&1 || { echo "decodeprof: nsys failed"; tail -5 "$RESULTS/decodeprof-run.log"; return; }
  "$nsys" stats --report cuda_gpu_trace --format csv --output "$RESULTS/decodeprof" "$RESULTS/decodeprof.nsys-rep" \
      > /dev/null 2>&1
  local csv; csv=$(ls "$RESULTS"/decodeprof*cuda_gpu_trace*.csv 2>/dev/null | head -1)
  [[ -n $csv ]] || { echo "decodeprof: no trace csv"; ls "$RESULTS" | grep decodeprof; return; }
  python3 - "$csv" "$pdl" <<'PY'
import csv, re, sys, collections
rows = [r for r in csv.DictReader(open(sys.argv[1]))]
def num(r, *keys):
    for k in keys:
        if k in r and r[k] not in ("", None): return float(r[k])
    return None
ev = []
for r in rows:
    name = r.get("Name", "")
    start = num(r, "Start (ns)", "Start"); dur = num(r, "Duration (ns)", "Duration")
    if start is None or dur is None: continue
    ev.append((start, dur, name))
ev.sort()
# the last 16 tokens: from the 16th-last token's first packed GEMV (4 per layer in the accumulate step: qkv, o,
# gate_up, down; 32 layers) to the end of the trace
gemv = [i for i, e in enumerate(ev) if "packed_gemv" in e[2]]
per_token = 128
if len(gemv) < per_token * 10:
    print(f"decodeprof: only {len(gemv)} GEMV launches"); sys.exit()
first = gemv[-per_token * 16]   # 16 tokens before the end
window = ev[first:]
t0 = window[0][0]
t1 = window[-1][0] + window[-1][1]
tokens = 16
kinds = collections.OrderedDict()
def kind(n):
    for key in ("packed_gemv", "attention", "rotary", "rms_norm_f32", "rms_norm", "silu_mul", "gemv", "gemm", "Kernel", "elementwise", "reduce", "index", "embedding"):
        if key.lower() in n.lower(): return key
    return n[:40]
gaps = 0.0
prev_end = None
for s, d, n in window:
    k = kind(n)
    c = kinds.setdefault(k, [0, 0.0])
    c[0] += 1; c[1] += d
    if prev_end is not None and s > prev_end: gaps += s - prev_end
    prev_end = max(prev_end or 0, s + d)
span = t1 - t0
print(f"decodeprof PDL={sys.argv[2]}: {tokens} tokens in {span / 1e6:.3f} ms -> {span / tokens / 1e3:.1f} us/token; "
      f"kernels {sum(c[1] for c in kinds.values()) / tokens / 1e3:.1f} us/token, idle gaps {gaps / tokens / 1e3:.1f} us/token")
for k, (cnt, tot) in sorted(kinds.items(), key=lambda kv: -kv[1][1]):
    print(f"decodeprof {k:<14} {cnt / tokens:6.1f} launches/token  {tot / tokens / 1e3:8.1f} us/token  {tot / cnt / 1e3:7.2f} us each")
# the GEMVs by shape are not in the trace; their durations by position within a layer (qkv, o, gate_up, down)
g = [e for e in window if "packed_gemv" in e[2]]
pos = collections.defaultdict(list)
for i, e in enumerate(g): pos[i % 4].append(e[1])
names = ["qkv", "o", "gate_up", "down"]
for i in range(4):
    v = sorted(pos[i]); print(f"decodeprof gemv {names[i]:<8} median {v[len(v) // 2] / 1e3:.2f} us")
PY
}
