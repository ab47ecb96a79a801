# Whether a seed gives the same sampled text run after run (the host sampler walks the kept tokens in id order since
# 2026-12-05: before, two H100 runs of int2 at T 0.8, top-p 0.9, --seed 1 began with different tokens). Sourced by
# bench/gpu/run.sh; `LOWBIT_BUILD_TARGETS=lowbit GEN_LAYERS=4 bash bench/gpu/run.sh samplerepro` (a 4-layer model:
# the check needs no full depth). Prints each run's first characters and whether all runs of a label agree.
stage_samplerepro() {
  local m=/tmp/gen-llama7b r
  [[ -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-4} stage_genprep
  step "samplerepro: T 0.8, top-p 0.9, --seed 1, 3 runs each"
  rm -f "$RESULTS/generate-7b.jsonl"
  for r in 1 2 3; do
    gen_run int2-sampled~$r $m-w2g64 --dtype f16 --temperature 0.8 --top-p 0.9 --seed 1
    gen_run int4-sampled~$r $m-w4g128 --dtype f16 --temperature 0.8 --top-p 0.9 --seed 1
  done
  python3 - "$RESULTS/generate-7b.jsonl" <<'PY'
import json, sys
texts = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    texts.setdefault(d["label"].split("~")[0], []).append(d["text"])
for label, t in texts.items():
    print(f"samplerepro {label}: {len(t)} runs, {'all the same text' if len(set(t)) == 1 else 'TEXTS DIFFER'}; "
          + " | ".join(repr(x[:24]) for x in t))
PY
}
