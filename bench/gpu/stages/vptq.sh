# VPTQ acceptance measurements on the small fixture (issue 5). Sourced by bench/gpu/run.sh: stage_vptq.
# One GPU only (the harness machine has one H200): "--device cuda" would spread layers over every visible GPU.
vptq_quantize() { # $1 name, then quantize vptq options; prints the quantize table row, eval JSON and wall time
  local name=$1; shift
  local out=/tmp/small-vptq-$name t0 t1
  t0=$(date +%s.%N)
  "${LOWBIT[@]}" quantize vptq --model "$VPTQ_SMALL" --out "$out" --calib "$VPTQ_CALIB" --samples 256 --seq 512 \
      --hessians /tmp/small-vptq-hessians --kmeans-iters 100 --kmeans-tol 1e-5 --device cuda --seed 0 "$@" \
      > "$RESULTS/vptq-$name.log" 2>&1 || { tail -5 "$RESULTS/vptq-$name.log"; status=1; return; }
  t1=$(date +%s.%N)
  echo "vptq $name quantize: $(tail -1 "$RESULTS/vptq-$name.log")"
  echo "vptq $name wall $(python3 -c "print(round($t1-$t0,1))") s (JVM start + Hessian load/collect + quantize + write)"
}

vptq_eval() { # $1 name
  "${LOWBIT[@]}" eval --model /tmp/small-vptq-$1 --data fixtures/valid.txt --device cuda --json 2>/dev/null \
      | tee -a "$RESULTS/eval-vptq.jsonl" | sed "s/^/vptq $1 eval: /" || status=1
}

stage_vptq() {
  VPTQ_SMALL=$(small_model)
  VPTQ_CALIB=$(calib_text)
  rm -rf /tmp/small-vptq-hessians
  if [[ -z ${VPTQ_LEAN:-} ]]; then  # VPTQ_LEAN=1: no k-means timing (stage kmeanstc has it), no JMH
    step "vptq: k-means, one Lloyd iteration at N=7.34M d=8 k=65536: lowbit (CUDA) vs plain torch"
    build/native-cuda/kmeans_bench cuda 7340032 8 65536 3 || status=1
    python3 bench/gpu/kmeans_torch.py 7340032 8 65536 3 || status=1
  fi
  step "vptq: small fixture, norm + act-order, 256 x 512 calib windows, k-means 100 it / 1e-5 (first run collects Hessians)"
  vptq_quantize det1 --vector-len 4 --codebook 256
  grep -E "hessians" "$RESULTS/vptq-det1.log" | tail -1
  step "vptq: every setting with the saved Hessians"
  vptq_quantize v4k256 --vector-len 4 --codebook 256
  vptq_eval v4k256
  vptq_quantize v6k4096 --vector-len 6 --codebook 4096; vptq_eval v6k4096
  vptq_quantize v4k4096 --vector-len 4 --codebook 4096; vptq_eval v4k4096
  vptq_quantize v2k256 --vector-len 2 --codebook 256; vptq_eval v2k256
  vptq_quantize v4k256r256 --vector-len 4 --codebook 256 --residual 256; vptq_eval v4k256r256
  vptq_quantize v4k256ft100 --vector-len 4 --codebook 256 --finetune-steps 100; vptq_eval v4k256ft100
  step "vptq: determinism, v4k256 with seed 0: det1 and v4k256 above, det2 now (one hash expected, count 3)"
  vptq_quantize det2 --vector-len 4 --codebook 256 > /dev/null
  for d in det1 v4k256 det2; do sha256sum /tmp/small-vptq-$d/model.safetensors | cut -c1-16; done \
      | sort | uniq -c | sed 's/^/vptq determinism (count hash): /'
  vptq_eval det2
  [[ -n ${VPTQ_LEAN:-} ]] && return
  step "vptq: JMH k-means (cuda, cpu)"
  "$JAVA" --enable-native-access=ALL-UNNAMED -Dlowbit.native.path="$LIB" -cp "$DEV/lowbit-bench.jar:$DEV/lib/*:$DEV/lib-bench/*" \
      org.openjdk.jmh.Main KmeansBenchmark -p device=cuda -p shape=7340032:8:65536 -wi 1 -i 2 -f 1 \
      -rf json -rff "$RESULTS/jmh-kmeans.json" > "$RESULTS/jmh-kmeans.log" 2>&1 || status=1
  grep -A6 "^Benchmark" "$RESULTS/jmh-kmeans.log"
}
