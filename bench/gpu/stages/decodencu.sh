# Diagnostics for the decode step (issue 7), not pass/fail: Nsight Compute's scheduler, warp-state, occupancy and
# memory sections for one decode step's kernels of the genprep int2 model (real clocks, caches not flushed): whether
# the GEMVs at decode shapes are bound by instruction issue, by latency or by DRAM. DECODENCU_MODEL overrides the
# model; DECODENCU_SKIP / DECODENCU_COUNT pick the launches (default: the third step of a 2-layer model, 10 kernels).
# Sourced by bench/gpu/run.sh; `GEN_LAYERS=2 bash bench/gpu/run.sh genprep decodencu`.
stage_decodencu() {
  local m=${DECODENCU_MODEL:-/tmp/gen-llama7b-w2g64}
  step "decodencu: Nsight Compute sections for one decode step ($m)"
  timeout 500 ncu --clock-control none --cache-control none --graph-profiling node \
      --kernel-name regex:"packed_gemv|rotary_attention_kernel" \
      --launch-skip "${DECODENCU_SKIP:-20}" --launch-count "${DECODENCU_COUNT:-10}" \
      --section SpeedOfLight --section SchedulerStats --section WarpStateStats --section Occupancy \
      --section LaunchStats --section InstructionStats --section MemoryWorkloadAnalysis \
      "${LOWBIT[@]}" generate --model "$m" --prompt "Once upon a time" --max-new-tokens 6 --ignore-eos --device cuda \
      --dtype f16 --json > "$RESULTS/decodencu.txt" 2>&1 || { echo "decodencu: ncu failed (rc $?)"; tail -5 "$RESULTS/decodencu.txt"; return; }
  # per kernel: its name, then the lines that say what bounds it
  grep -E "^  [a-z_]+.*\(|Duration|Issue Slots Busy|Issued Ipc Active|No Eligible|Warp Cycles Per Issued|Achieved Occupancy|Theoretical Occupancy|Registers Per|Grid Size|DRAM Throughput|Memory Throughput|Executed Instructions  |L2 Hit Rate|Compute \(SM\) Throughput|Block Limit Registers" \
      "$RESULTS/decodencu.txt" | sed -E 's/\(lb::kernels::PackedLinearCudaArgs.*//' | head -200
}
