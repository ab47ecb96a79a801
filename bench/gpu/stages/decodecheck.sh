# Issue 7, the closing check of the decode step's defaults: the CUDA tests of the decode kernels and the packed GEMV,
# the GEMV's CUDA-event timings (lb_kernel_timing --gemv: whether a kernel change moved them), then decode tokens/s of
# fp16, int2 and int4 in DECODECHECK_ROUNDS interleaved rounds (default 3); DECODECHECK_SAMPLED=1 adds sampled decoding
# (T 0.8, top-p 0.9) with the radix top-p cut and with the 16-pass search, 2 rounds. Sourced by bench/gpu/run.sh;
# `LOWBIT_BUILD_TARGETS=lowbit GEN_LAYERS=32 bash bench/gpu/run.sh decodecheck`.
stage_decodecheck() {
  local m=/tmp/gen-llama7b t r
  step "decodecheck: CUDA tests (decode kernels, decoder, packed GEMV)"
  cmake --build build/native-cuda --target test_decode_step_cuda test_decoder test_packed_gemv_cuda lb_kernel_timing \
      -j"$(nproc)" > "$RESULTS/decodecheck-build.log" 2>&1 || { tail -30 "$RESULTS/decodecheck-build.log"; status=1; return; }
  for t in test_decode_step_cuda test_decoder test_packed_gemv_cuda; do
    timeout 300 build/native-cuda/tests/$t > "$RESULTS/$t.log" 2>&1 || { echo "$t FAILED (rc $?)"; status=1; }
    grep -E "cases|worst|inside|FAIL|passed" "$RESULTS/$t.log" | tail -8
  done
  step "decodecheck: lb_kernel_timing --gemv (median / min us of 50 runs)"
  timeout 120 build/native-cuda/lb_kernel_timing --gemv > "$RESULTS/decodecheck-gemv-timing.txt" 2>&1 || status=1
  grep -E "^device|^lowbit (int[234]_g[0-9]+ m1 )" "$RESULTS/decodecheck-gemv-timing.txt" | head -40
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  step "decodecheck: generate batch 1, 128 new tokens, ${DECODECHECK_ROUNDS:-3} interleaved rounds"
  rm -f "$RESULTS/generate-7b.jsonl"
  for r in $(seq 1 "${DECODECHECK_ROUNDS:-3}"); do
    gen_run fp16~$r $m --dtype f16
    gen_run int2~$r $m-w2g64 --dtype f16
    gen_run int4~$r $m-w4g128 --dtype f16
  done
  if [[ -n ${DECODECHECK_SAMPLED:-} ]]; then  # sampled decoding (T 0.8, top-p 0.9): the radix top-p cut and the 16-pass search
    for r in 1 2; do
      gen_run int2-t0.8-p0.9~$r $m-w2g64 --dtype f16 --temperature 0.8 --top-p 0.9 --seed 1
      LOWBIT_DECODE_SAMPLE_RADIX=0 gen_run int2-t0.8-p0.9-search~$r $m-w2g64 --dtype f16 --temperature 0.8 --top-p 0.9 --seed 1
    done
    gen_run fp16-t0.8-p0.9~1 $m --dtype f16 --temperature 0.8 --top-p 0.9 --seed 1
  fi
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/decodecheck-generate.jsonl" 2>/dev/null
  gen_ratio_summary decodecheck
}
