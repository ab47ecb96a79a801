# EfficientQAT recipe search on the small fixture, several runs side by side (their wall times are NOT solo
# times; use stage eqat for those). Sourced by bench/gpu/run.sh. Lines:
#   EQATPAR blockap <dtype> w<b>g<g> ppl <p> train_s <s>   - Block-AP only (issue recipe: 1024 x 512, batch 2,
#       2 epochs, lr_q 1e-4, lr_w 2e-5 / 1e-5), one run per EQATPAR_RUNS entry "dtype:bits:group", in parallel.
#   EQATPAR e2e <dtype> w<b>g<g> samples <n> epochs <e> lr <lr> [top-k <k>] ppl <p> s <s>   - E2E-QP kd on that
#       Block-AP result (--resume: its saved blocks), EQATPAR_E2E entries "dtype:bits:group:samples:epochs:lr[:topk[:batch]]",
#       in parallel
#       (4 CPU threads each); the Block-AP result is read from ${EQATPAR_SRC:-/tmp/eqatpar-<dtype>}-w<b>g<g>
#       (EQATPAR_SRC=/tmp/small-eqat: the results of stage eqat). EQATPAR_E2E_CALIB=full draws the E2E-QP windows
#       from the whole calib.txt (--e2e-calib) instead of the 3 MB that Block-AP samples from.

eqatpar_lrw() { [[ $1 == 2 ]] && echo 2e-5 || echo 1e-5; }

eqatpar_ppl() { # $1 model folder -> prints the perplexity (fixture protocol)
  "${LOWBIT[@]}" eval --model "$1" --data fixtures/valid.txt --device cuda --json 2>/dev/null | tee -a "$RESULTS/eval-eqatpar.jsonl" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["perplexity"])' 2>/dev/null
}

eqatpar_blockap() { # $1 dtype $2 bits $3 group
  local out=/tmp/eqatpar-$1-w$2g$3 tag=$1-w$2g$3 ppl
  rm -rf "$out"
  timeout 300 "${LOWBIT[@]}" quantize efficientqat --model "$(small_model)" --out "$out" --bits $2 --group $3 \
      --calib "$(calib_text)" --samples 1024 --seq 512 --val-samples 64 --epochs 2 --batch 2 --lr-w "$(eqatpar_lrw $2)" \
      --lr-q 1e-4 --dtype $1 --device cuda --no-e2e 2>"$RESULTS/eqatpar-$tag.err" >"$RESULTS/eqatpar-$tag.log" \
      || { echo "EQATPAR blockap $1 w$2g$3 FAILED"; tail -3 "$RESULTS/eqatpar-$tag.err"; return 1; }
  ppl=$(eqatpar_ppl "$out")
  echo "EQATPAR blockap $1 w$2g$3 ppl ${ppl:-FAILED} $(grep -o 'train [0-9.]* s, total [0-9.]* s' "$RESULTS/eqatpar-$tag.log")"
}

eqatpar_e2e() { # $1 dtype $2 bits $3 group $4 samples $5 epochs $6 lr [$7 kd top-k ("": the CLI's) [$8 batch, 4]]
  local topk=${7:-} batch=${8:-4}
  local suffix=${topk:+-k$topk}-b$batch
  local src=${EQATPAR_SRC:-/tmp/eqatpar-$1}-w$2g$3 out=/tmp/eqatpar-$1-w$2g$3-e2e-$4x$5-$6$suffix
  local tag=$1-w$2g$3-e2e-$4x$5-$6$suffix ppl
  [[ -d $src/blockap ]] || { echo "EQATPAR e2e $tag: no Block-AP result in $src"; return 1; }
  rm -rf "$out"; mkdir -p "$out" && cp -r "$src/blockap" "$out/"
  local e2e_calib=()  # EQATPAR_E2E_CALIB=full: the whole calib.txt, unpacked by stage_eqate2e before the runs start
  [[ ${EQATPAR_E2E_CALIB:-} == full ]] && e2e_calib=(--e2e-calib /tmp/calib-full.txt)
  local limit=${EQATPAR_E2E_TIMEOUT:-560}
  # EQATPAR_DEADLINE (epoch seconds): stop the training in time for the eval and the result upload.
  [[ -n ${EQATPAR_DEADLINE:-} ]] && limit=$(( EQATPAR_DEADLINE - $(date +%s) - 25 ))
  (( limit > 10 )) || { echo "EQATPAR e2e $tag: no time left"; return 1; }
  timeout "$limit" "${LOWBIT[@]}" quantize efficientqat --model "$(small_model)" --out "$out" --bits $2 --group $3 \
      --calib "$(calib_text)" --samples 1024 --seq 512 --val-samples 64 --epochs 2 --batch 2 --lr-w "$(eqatpar_lrw $2)" \
      --lr-q 1e-4 --dtype $1 --device cuda --resume --e2e-samples $4 --e2e-batch $batch --e2e-epochs $5 --e2e-lr $6 ${topk:+--kd-top-k $topk} "${e2e_calib[@]}" --threads 4 \
      2>"$RESULTS/eqatpar-$tag.err" >"$RESULTS/eqatpar-$tag.log" \
      || { echo "EQATPAR e2e $tag FAILED"; tail -3 "$RESULTS/eqatpar-$tag.err"; return 1; }
  ppl=$(eqatpar_ppl "$out")
  echo "EQATPAR e2e $1 w$2g$3 samples $4 epochs $5 lr $6${topk:+ top-k $topk} batch $batch ppl ${ppl:-FAILED} $(grep -o 'E2E-QP: .*' "$RESULTS/eqatpar-$tag.log")"
  cp "$out/train_log.jsonl" "$RESULTS/eqatpar-$tag-train_log.jsonl" 2>/dev/null
}

stage_eqatpar() {
  step "EfficientQAT Block-AP, runs side by side: ${EQATPAR_RUNS:-f16:2:64 f16:3:128 f16:4:128}"
  local r pids=()
  small_model > /dev/null; calib_text > /dev/null  # unpack once, before the runs race for it
  for r in ${EQATPAR_RUNS:-f16:2:64 f16:3:128 f16:4:128}; do
    eqatpar_blockap ${r//:/ } &
    pids+=($!)
    sleep 2
  done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
}

stage_eqate2e() {
  step "EfficientQAT E2E-QP kd, runs side by side: ${EQATPAR_E2E:-f16:2:64:4096:1:2e-5 f16:3:128:4096:1:1e-5 f16:4:128:4096:1:1e-5}${EQATPAR_E2E_CALIB:+ (E2E windows: $EQATPAR_E2E_CALIB calib.txt)}"
  local r pids=()
  small_model > /dev/null; calib_text > /dev/null
  [[ ${EQATPAR_E2E_CALIB:-} == full && ! -f /tmp/calib-full.txt ]] && xz -dc "$DEV/calib-full.txt.xz" > /tmp/calib-full.txt
  for r in ${EQATPAR_E2E:-f16:2:64:4096:1:2e-5 f16:3:128:4096:1:1e-5 f16:4:128:4096:1:1e-5}; do
    eqatpar_e2e ${r//:/ } &
    pids+=($!)
    sleep 2
  done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
}
