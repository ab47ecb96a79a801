# LR-QAT acceptance measurements (issue 6), sourced by bench/gpu/run.sh. Budget: about 7 minutes wall.
#  1. small fixture, three settings: the p=4 grid-search starting point (--steps 0, then `lowbit eval`), then
#     LR-QAT training on calib_text windows (time-limited) and `lowbit eval` of the merged GPTQ export. The loss is
#     distillation from the fp model (--loss kd, the default: top-32 teacher log-probs over a pool of 1024 windows);
#     one extra w3 run with --loss ce (next-token loss, which adapted to calib.txt's domain and raised valid.txt's
#     perplexity in the 2026-12-02 run) for comparison.
#     Lines: "lrqat <setting> init_ppl=<p=4 start> final_ppl=<after> target=<..> steps=<n> tokens=<n> train_s=<s> wall_s=<s>"
#  2. memory: one training step of LR-QAT vs full-model QAT on a random ~1B Llama-shaped model (hidden 2048,
#     16 layers, intermediate 5504, batch 4 x 1024), each mode in its own process.
#     Lines: "lrqat_mem mode=lrqat|full ... static_gib= peak_gib= step_ms=" and "lrqat_mem ratio=<peak lrqat / peak full>"
lrqat_ppl() { # $1 model folder -> perplexity on fixtures/valid.txt (fp32 compute, fixture protocol)
  "${LOWBIT[@]}" eval --model "$1" --data fixtures/valid.txt --device cuda --json 2>/dev/null | tail -1 |
    python3 -c 'import json,sys;print("%.3f"%json.loads(sys.stdin.read())["perplexity"])' 2>/dev/null || echo nan
}

stage_lrqat() {
  step "LR-QAT on the small fixture (training windows from calib.txt)"
  local small calib
  small="$(small_model)"; calib="$(calib_text)"
  # setting | options | target | max steps | lr-ab | lr-s | training time limit (s) | loss: the first steps' speed
  # decides how many of the max steps fit, and the warmup/decay schedule is planned for those
  # LRQAT_STEPS=N: N steps each (time limit 200 s) instead of the time limit; LRQAT_CE= drops the CE run;
  # LRQAT_SKIP_MEM=1 skips the memory benchmark
  local max=4000 w4=40 w3=40 w2=45
  [[ -n ${LRQAT_STEPS:-} ]] && { max=$LRQAT_STEPS; w4=200; w3=200; w2=200; }
  local runs=(
    "w4sym|--bits 4 --group 0|35.0|$max|1e-3|1e-5|$w4|kd"
    "w3sym|--bits 3 --group 0|37.0|$max|1e-3|1e-5|$w3|kd"
    "w2g128asym|--bits 2 --group 128 --asym|45|$max|1e-3|1e-5|$w2|kd"
  )
  [[ -n ${LRQAT_CE-ce} ]] && runs+=("w3sym-ce|--bits 3 --group 0|37.0|$max|1e-3|1e-5|$w3|ce")
  local r name opts target steps lrab lrs limit loss init final t0 t1 summary
  for r in "${runs[@]}"; do
    IFS='|' read -r name opts target steps lrab lrs limit loss <<< "$r"
    [[ -n ${LRQAT_ONLY:-} && $name != "$LRQAT_ONLY" ]] && continue  # LRQAT_ONLY=<setting> runs that one only
    "${LOWBIT[@]}" quantize lrqat --model "$small" --out "/tmp/lrqat-$name-init" $opts --calib "$calib" --steps 0 \
        --device cuda > "$RESULTS/lrqat-$name-init.log" 2>&1 || { status=1; tail -5 "$RESULTS/lrqat-$name-init.log"; }
    init=$(lrqat_ppl "/tmp/lrqat-$name-init")
    t0=$(date +%s.%N)
    "${LOWBIT[@]}" quantize lrqat --model "$small" --out "/tmp/lrqat-$name" $opts --calib "$calib" --steps "$steps" \
        --batch 16 --seq 512 --lr-ab "$lrab" --lr-s "$lrs" --loss "$loss" --kd-pool 1024 --log-every 50 --checkpoint-every 0 --time-limit "$limit" \
        --dtype f32 --ab-dtype f32 \
        --device cuda > "$RESULTS/lrqat-$name.log" 2>&1 || { status=1; tail -8 "$RESULTS/lrqat-$name.log"; }
    t1=$(date +%s.%N)
    cp "/tmp/lrqat-$name/lrqat_loss.tsv" "$RESULTS/lrqat-$name-loss.tsv" 2>/dev/null
    final=$(lrqat_ppl "/tmp/lrqat-$name")
    # the summary row: steps, tokens, train seconds
    summary=$(grep -m1 '^lrqat_result' "$RESULTS/lrqat-$name.log" | sed 's/^lrqat_result //')
    echo "lrqat $name loss=$loss init_ppl=$init final_ppl=$final target=$target $summary wall_s=$(python3 -c "print('%.0f'%($t1-$t0))")"
    python3 -c "import sys; sys.exit(0 if float('$final') <= float('$target') else 1)" 2>/dev/null || echo "lrqat $name MISSED target $target"
  done

  [[ -n ${LRQAT_SKIP_MEM:-} ]] && return
  step "LR-QAT vs full-model QAT: peak memory of one training step (random ~1B Llama, batch 4 x 1024, bf16)"
  local bench=build/native-cuda/lrqat_memory_bench
  cmake --build build/native-cuda -j"$(nproc)" --target lrqat_memory_bench > "$RESULTS/lrqat-bench-build.log" 2>&1 ||
    { tail -30 "$RESULTS/lrqat-bench-build.log"; status=1; return; }
  local lr fq
  lr=$($bench lrqat 2048 16 5504 16 16 32000 4 1024 3 2>&1 | tail -1); echo "$lr"
  fq=$($bench full 2048 16 5504 16 16 32000 4 1024 3 2>&1 | tail -1); echo "$fq"
  python3 - "$lr" "$fq" <<'PY'
import re,sys
p=[float(re.search(r'peak_gib=(-?[\d.]+)',s).group(1)) if 'peak_gib=' in s else float('nan') for s in sys.argv[1:]]
print("lrqat_mem ratio=%.3f (target <= 0.40)" % (p[0]/p[1]) if p[1] > 0 else "lrqat_mem ratio=nan")
PY
}
