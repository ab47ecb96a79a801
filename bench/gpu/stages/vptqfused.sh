# Issue 5: VPTQ quantize time on the small fixture with the fused column-block kernel (LOWBIT_VPTQ_FUSED=1,
# kernels/cuda/vptq_block_cuda.cu) against the torch column loop. Sourced by bench/gpu/run.sh together with
# stages/vptq.sh (uses its vptq_quantize / vptq_eval); `bash bench/gpu/run.sh vptqfused`. About 150 s after the
# build: the kernel vs CPU reference test, the fused-vs-torch layer test on CUDA, then quantize + eval per
# setting, torch loop (t-*) and fused (f-*); runs past VPTQFUSED_DEADLINE (s, default 120) are skipped.
vptqfused_run() { # $1 t|f, $2 setting name, then quantize options
  local mode=$1 name=$2; shift 2
  if (( SECONDS - VPTQFUSED_T0 > ${VPTQFUSED_DEADLINE:-120} )); then
    echo "vptqfused $mode-$name: skipped (past the stage deadline)"
    return
  fi
  if [[ $mode == f ]]; then
    LOWBIT_VPTQ_FUSED=1 vptq_quantize "$mode-$name" "$@"
  else
    LOWBIT_VPTQ_FUSED=0 vptq_quantize "$mode-$name" "$@"
  fi
  [[ -f /tmp/small-vptq-$mode-$name/model.safetensors ]] && vptq_eval "$mode-$name"
}

stage_vptqfused() {
  VPTQFUSED_T0=$SECONDS
  step "vptqfused: build the fused-step tests"
  cmake --build build/native-cuda --target test_vptq_fused test_vptq_fused_cuda -j"$(nproc)" \
      > "$RESULTS/vptqfused-build.log" 2>&1 || { tail -40 "$RESULTS/vptqfused-build.log"; status=1; return; }

  step "vptqfused: CUDA kernel vs CPU reference (bit-level), fused vs torch column loop (CPU + CUDA layers)"
  timeout 60 ctest --test-dir build/native-cuda -R "^test_vptq_fused(_cuda)?$" --output-on-failure -V \
      > "$RESULTS/vptqfused-ctest.log" 2>&1
  grep -E "cases|cuda v=|skipped|mismatches [1-9]|FAILED|tests passed|tests failed" "$RESULTS/vptqfused-ctest.log" | head -40
  grep -q "100% tests passed" "$RESULTS/vptqfused-ctest.log" || status=1

  VPTQ_SMALL=$(small_model)
  VPTQ_CALIB=$(calib_text)
  step "vptqfused: small fixture; each line: quantize table row (last column = quantize s), wall s, eval JSON"
  [[ -d /tmp/small-vptq-hessians ]] || echo "vptqfused: no saved Hessians yet: the first run (t-v4k256) collects them"
  vptqfused_run t v4k256 --vector-len 4 --codebook 256
  vptqfused_run f v4k256 --vector-len 4 --codebook 256
  vptqfused_run f v2k256 --vector-len 2 --codebook 256
  vptqfused_run t v2k256 --vector-len 2 --codebook 256
  vptqfused_run f v6k4096 --vector-len 6 --codebook 4096
  vptqfused_run f v4k4096 --vector-len 4 --codebook 4096
  vptqfused_run t v6k4096 --vector-len 6 --codebook 4096
  vptqfused_run t v4k4096 --vector-len 4 --codebook 4096
  step "vptqfused: fused determinism (f-v4k256 again, hashes must match)"
  if (( SECONDS - VPTQFUSED_T0 <= ${VPTQFUSED_DEADLINE:-120} )); then
    LOWBIT_VPTQ_FUSED=1 vptq_quantize f-v4k256b --vector-len 4 --codebook 256 > /dev/null
    for d in f-v4k256 f-v4k256b; do sha256sum /tmp/small-vptq-$d/model.safetensors | cut -c1-16; done \
        | sort | uniq -c | sed 's/^/vptqfused determinism (count hash): /'
  fi
  echo "vptqfused stage: $(( SECONDS - VPTQFUSED_T0 )) s"
}
