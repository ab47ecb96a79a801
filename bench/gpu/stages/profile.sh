# Diagnostics for the next kernel work (issues 5 and 7), not pass/fail: Nsight Compute (ncu, if it works on the
# machine's runtime) on one launch each of the tensor-core k-means assignment (N = 7.34M, d = 8, k = 65536) and the
# default packed GEMV at m = 1, 4096 x 4096 int4 g128 (the decode-sized shape that took 12.7 us in CUDA-event
# timings). Sourced by bench/gpu/run.sh; `bash bench/gpu/run.sh profile`. About 60 s after its build; the full
# reports land in $RESULTS/profile-*.txt.
profile_ncu() { # $1 tag, $2 kernel-name regex, $3 launches to skip, rest: the program
  local tag=$1 kernel=$2 skip=$3; shift 3
  timeout "${PROFILE_TIMEOUT:-90}" ncu --clock-control none --kernel-name "regex:$kernel" --launch-skip "$skip" --launch-count 1 \
      --section SpeedOfLight --section LaunchStats --section Occupancy --section WarpStateStats --section SchedulerStats \
      --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis --section InstructionStats ${PROFILE_EXTRA:-} "$@" > "$RESULTS/profile-$tag.txt" 2>&1 \
      || echo "profile $tag: ncu failed or timed out (rc $?)"
  grep -E "^ +(Duration|Elapsed Cycles|Registers Per Thread|Achieved Occupancy|Theoretical Occupancy|Issue Slots Busy|Issued Ipc Active|Warp Cycles Per Issued Instruction|Compute \(SM\) Throughput|Memory Throughput|DRAM Throughput|Block Limit [A-Za-z ]+|No Eligible|One or More Eligible|Executed Ipc Active) " \
      "$RESULTS/profile-$tag.txt" | sed "s/^ */profile $tag: /" | head -30
  grep -E "ERR|error|Error" "$RESULTS/profile-$tag.txt" | head -3
}

stage_profile() {
  step "profile: build kmeans_bench and lb_kernel_timing"
  cmake --build build/native-cuda --target kmeans_bench lb_kernel_timing -j"$(nproc)" > "$RESULTS/profile-build.log" 2>&1 \
      || { tail -20 "$RESULTS/profile-build.log"; status=1; return; }
  command -v ncu > /dev/null || { echo "profile: ncu is not on the PATH"; return; }
  step "profile: ncu, one launch of the tensor-core k-means assignment"
  profile_ncu kmeans assign_tc_kernel 0 build/native-cuda/kmeans_bench cuda 7340032 8 65536 1
  step "profile: ncu, one launch of its lower-register variant (LOWBIT_KMEANS_TC=occ: 2 blocks per SM expected)"
  profile_ncu kmeans-occ assign_tc_occ_kernel 0 build/native-cuda/kmeans_bench cuda 7340032 8 65536 1
  # the first case of --gemv is 4096 x 4096: its "prev" A/B row (10 warm-up + 50 timed launches) comes before the
  # default kernel's row, so launch 81 is the default GEMV
  step "profile: ncu, one launch of the default packed GEMV at 4096 x 4096 int4 g128"
  profile_ncu gemv4096 packed_gemv_kernel 80 build/native-cuda/lb_kernel_timing --gemv
}
