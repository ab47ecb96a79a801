# The kernel targets of issue 7 that the H100 missed in the twenty-second session (docs/BENCHMARKS.md, kernels, tenth
# round: int2 g64 m = 1 31.6 us against 30, int4 g128 m = 16 76.5 against 70; its VQ "miss" was the 1 %-outlier case,
# see the eleventh round): the launch-plan knobs swept on the card the targets name. Sourced by bench/gpu/run.sh;
# `LOWBIT_BUILD_TARGETS="lowbit lb_kernel_timing" bash bench/gpu/run.sh h100sweep` on `kind: nvidia-h100-x1`.
# Prints lb_kernel_timing rows (median / min us of 50 runs): the GEMV launch plans (--gemv-plan), int2 m = 1 by
# LOWBIT_GEMV_MIN_RUN_STAGES, int4 m = 16 by LOWBIT_MMA_PIPE_SPLITS (0: the plan's), the VQ GEMV's variants (--vq
# times every variant of each setting), each swept value twice so the spread shows.

# The kernel timing binary and one CUDA test binary for a stage: the torch-free ones (LB_TORCHFREE_DIR, set by
# bench/gpu/torchfree_run.sh) or those of build/native-cuda, built here. Sets KT and KTEST; returns 1 if the build fails.
kernel_bins() { # $1 stage (names the build log), $2 test target
  if [[ -n ${LB_TORCHFREE_DIR:-} ]]; then
    KT=$LB_TORCHFREE_DIR/kernel_timing KTEST=$LB_TORCHFREE_DIR/$2
    return 0
  fi
  KT=build/native-cuda/lb_kernel_timing KTEST=build/native-cuda/tests/$2
  cmake --build build/native-cuda --target lb_kernel_timing "$2" -j"$(nproc)" > "$RESULTS/$1-build.log" 2>&1 \
      || { tail -30 "$RESULTS/$1-build.log"; status=1; return 1; }
}

stage_h100sweep() {
  local b=build/native-cuda/lb_kernel_timing s r
  [[ -x $b ]] || cmake --build build/native-cuda --target lb_kernel_timing -j"$(nproc)" > "$RESULTS/h100sweep-build.log" 2>&1 \
      || { tail -30 "$RESULTS/h100sweep-build.log"; status=1; return; }
  step "h100sweep: GEMV launch plans (--gemv-plan)"
  timeout 240 $b --gemv-plan 2>&1 | tee "$RESULTS/h100sweep-gemv-plan.txt" | grep -E "^device|^lowbit" | head -80
  step "h100sweep: int2 g64 m = 1, 28672 x 8192, by LOWBIT_GEMV_MIN_RUN_STAGES"
  for s in 1 2 3 4 6 8; do
    for r in 1 2; do
      echo "min_run_stages=$s $(LOWBIT_GEMV_MIN_RUN_STAGES=$s timeout 30 $b --one 2 64 1 28672 8192 | grep '^lowbit')"
    done
  done | tee "$RESULTS/h100sweep-int2-m1.txt"
  step "h100sweep: int4 g128 m = 16, 28672 x 8192, by LOWBIT_MMA_PIPE_SPLITS"
  for s in 0 1 2 3 4 6 8 12; do
    for r in 1 2; do
      echo "splits=$s $(LOWBIT_MMA_PIPE_SPLITS=$s timeout 30 $b --one 4 128 16 28672 8192 | grep '^lowbit')"
    done
  done | tee "$RESULTS/h100sweep-int4-m16.txt"
  step "h100sweep: VQ GEMV variants (--vq)"
  timeout 200 $b --vq 2>&1 | tee "$RESULTS/h100sweep-vq.txt" | grep -E "^lowbit|^kernel" | head -60
}

# The torch baselines (fp16 linear, tinygemm int4) on the same card, same protocol, after the sweep.
stage_h100torch() {
  step "h100torch: torch fp16 linear and tinygemm int4 (torch_kernel_baselines.py)"
  timeout 150 python3 bench/gpu/torch_kernel_baselines.py 2>&1 | tee "$RESULTS/h100torch.txt" | grep -E "^torch|^device|Error" | head -20
}

# Nsight Compute on the two kernels that miss on the H100: one launch each of the int2 g64 m = 1 GEMV and the
# int4 g128 m = 16 mma_pipe kernel at 28672 x 8192 (`--one`: launch 21 is the first timed one). Reports: profile-*.txt.
stage_h100ncu() {
  command -v ncu > /dev/null || { echo "h100ncu: ncu is not on the PATH"; return; }
  step "h100ncu: int2 g64 m = 1 GEMV"
  profile_ncu int2m1 packed_gemv_kernel 20 build/native-cuda/lb_kernel_timing --one 2 64 1 28672 8192
  step "h100ncu: int4 g128 m = 16 mma_pipe"
  profile_ncu int4m16 packed_mma_pipe_kernel 20 build/native-cuda/lb_kernel_timing --one 4 128 16 28672 8192
}

# mma_pipe's split-k sums by 16-byte atomics (LOWBIT_MMA_PIPE_VEC_OUT): its CUDA test (a pass with them), then
# `lb_kernel_timing --mma-vecout` (scalar vs 16-byte, three interleaved rounds per shape).
stage_mmavec() {
  cmake --build build/native-cuda --target lb_kernel_timing test_packed_mma_pipe_cuda -j"$(nproc)" > "$RESULTS/mmavec-build.log" 2>&1 \
      || { tail -30 "$RESULTS/mmavec-build.log"; status=1; return; }
  step "mmavec: test_packed_mma_pipe_cuda"
  timeout 300 build/native-cuda/tests/test_packed_mma_pipe_cuda > "$RESULTS/mmavec-test.log" 2>&1 || status=1
  grep -E "cases|with|FAILED|passed|failed" "$RESULTS/mmavec-test.log" | head -20
  step "mmavec: lb_kernel_timing --mma-vecout"
  timeout 300 build/native-cuda/lb_kernel_timing --mma-vecout 2>&1 | tee "$RESULTS/mmavec-timing.txt" | grep -E "^device|^lowbit"
}

# Issue 7's kernel targets with the library's defaults and the torch baselines in the same call: `lb_kernel_timing
# --gemv` (m <= 4 shapes and the VQ GEMV, banked row included), `--one 4 128 16 28672 8192`, then
# torch_kernel_baselines.py.
# With LB_TORCHFREE_DIR (bench/gpu/torchfree_run.sh) it takes the torch-free kernel_timing there.
stage_h100table() {
  local b=${LB_TORCHFREE_DIR:+$LB_TORCHFREE_DIR/kernel_timing} r
  if [[ -z $b ]]; then
    b=build/native-cuda/lb_kernel_timing
    cmake --build build/native-cuda --target lb_kernel_timing -j"$(nproc)" > "$RESULTS/h100table-build.log" 2>&1 \
        || { tail -30 "$RESULTS/h100table-build.log"; status=1; return; }
  fi
  step "h100table: lb_kernel_timing --gemv, --one 4 128 16 28672 8192"
  timeout 200 $b --gemv > "$RESULTS/h100table-gemv.txt" 2>&1 || status=1
  grep -E "^device|^lowbit" "$RESULTS/h100table-gemv.txt" | grep -v " prev \| tiled \| warpq " | head -40
  for r in 1 2 3; do timeout 30 $b --one 4 128 16 28672 8192 | grep "^lowbit"; done \
      | tee "$RESULTS/h100table-m16.txt"
  step "h100table: torch baselines"
  timeout 150 python3 bench/gpu/torch_kernel_baselines.py 2>&1 | tee "$RESULTS/h100table-torch.txt" | grep -E "^torch|^device|Error"
}

# The m = 1 GEMV's group fold (LOWBIT_GEMV_FOLD; each column's zero point and scale applied once per group): its CUDA
# test (the last pass runs the fold), then `lb_kernel_timing --gemv-fold` (fold0 / fold1, three interleaved rounds per
# shape: 28672 x 8192 int2 g64 / int4 g128 / int3 g128, the 7B decode shapes at int4 and int2), and a 256 x 256 GEMV
# each way for the fixed cost of a call (launches, ramp, events). On an H100:
# `LOWBIT_BUILD_TARGETS="lowbit lb_kernel_timing test_packed_gemv_cuda" bash bench/gpu/run.sh gemvfold` (~4 min cold).
# With LB_TORCHFREE_DIR (bench/gpu/torchfree_run.sh) it takes the torch-free binaries there and builds nothing.
stage_gemvfold() {
  local b t f q
  kernel_bins gemvfold test_packed_gemv_cuda || return
  b=$KT t=$KTEST
  step "gemvfold: lb_kernel_timing --gemv-fold"
  timeout 300 $b --gemv-fold 2>&1 | tee "$RESULTS/gemvfold-timing.txt" | grep -E "^device|^lowbit"
  step "gemvfold: the fixed cost, a 256 x 256 GEMV (int2 g64, int4 g128), without and with the fold"
  for f in 0 1; do
    for q in "2 64" "4 128"; do
      echo "fold=$f $(LOWBIT_GEMV_FOLD=$f timeout 30 $b --one $q 1 256 256 | grep '^lowbit')"
    done
  done | tee "$RESULTS/gemvfold-floor.txt"
  step "gemvfold: test_packed_gemv_cuda"
  timeout 240 $t > "$RESULTS/gemvfold-test.log" 2>&1 || status=1
  grep -E "cases|again|FAILED|passed|failed" "$RESULTS/gemvfold-test.log" | head -20
}

# What the two missed kernels wait on and what fills the L2 (h100ncu's sections do not say): Nsight Compute on one
# launch each of the int4 g128 m = 16 mma_pipe kernel, the int2 g64 m = 1 GEMV and the GEMV with the group fold, with
# the L2 and DRAM throughput broken down into their sub-metrics (tag requests, sectors, fills, fabric) and every warp
# stall reason per issued instruction. Reports: profile-l2-*.txt; printed:
# the sub-metrics above 5 % and the stalls above 0.2 cycles. `LOWBIT_BUILD_TARGETS="lowbit lb_kernel_timing" bash
# bench/gpu/run.sh h100l2` (~3 min cold).
stage_h100l2() {
  command -v ncu > /dev/null || { echo "h100l2: ncu is not on the PATH"; return; }
  local b=${LB_TORCHFREE_DIR:+$LB_TORCHFREE_DIR/kernel_timing} tag
  b=${b:-build/native-cuda/lb_kernel_timing}
  [[ -x $b ]] || cmake --build build/native-cuda --target lb_kernel_timing -j"$(nproc)" > "$RESULTS/h100l2-build.log" 2>&1 \
      || { tail -30 "$RESULTS/h100l2-build.log"; status=1; return; }
  local extra="--metrics breakdown:lts__throughput.avg.pct_of_peak_sustained_elapsed,breakdown:dram__throughput.avg.pct_of_peak_sustained_elapsed,regex:smsp__average_warps_issue_stalled_.*_per_issue_active\.ratio"
  step "h100l2: int4 g128 m = 16 mma_pipe"
  PROFILE_EXTRA="$extra" profile_ncu l2-int4m16 packed_mma_pipe_kernel 20 $b --one 4 128 16 28672 8192
  step "h100l2: int2 g64 m = 1 GEMV"
  PROFILE_EXTRA="$extra" profile_ncu l2-int2m1 packed_gemv_kernel 20 $b --one 2 64 1 28672 8192
  step "h100l2: int2 g64 m = 1 GEMV with the group fold"
  LOWBIT_GEMV_FOLD=1 PROFILE_EXTRA="$extra" profile_ncu l2-int2m1-fold packed_gemv_kernel 20 $b --one 2 64 1 28672 8192
  for tag in l2-int4m16 l2-int2m1 l2-int2m1-fold; do
    awk -v t="$tag" '/(lts__|dram__|ltc__|fbpa__)[a-z_.]*[ \t]+%[ \t]+[0-9.]+$/ && $NF + 0 >= 5 { print "profile " t ": " $1 " " $NF }
                     /issue_stalled_.*ratio/ && $NF + 0 >= 0.2 { print "profile " t ": " $1 " " $NF }' "$RESULTS/profile-$tag.txt" | head -40
  done
}

# A second torch-free build with extra nvcc flags (torchfree_build.sh's LB_NVCC_EXTRA) for a build-flag A/B: into
# $LB_TORCHFREE_DIR-$1; needs bench/gpu/torchfree_run.sh. Sets AB_DIR; returns 1 if it fails.
ab_build() { # $1 name (the directory suffix and the log), $2 the flags
  [[ -n ${LB_TORCHFREE_DIR:-} ]] || { echo "$1: run it through bench/gpu/torchfree_run.sh"; status=1; return 1; }
  AB_DIR="$LB_TORCHFREE_DIR-$1"
  step "$1: torch-free build with $2"
  LB_NVCC_EXTRA="$2" bash bench/gpu/torchfree_build.sh "$AB_DIR" > "$RESULTS/$1-build.log" 2>&1 \
      || { tail -30 "$RESULTS/$1-build.log"; status=1; return 1; }
}

# The A/B build's device test ($2, a binary of ab_build's output) into $RESULTS/$1-test.log.
ab_test() {
  step "$1: $2 (the flagged build)"
  timeout 300 "$AB_DIR/$2" > "$RESULTS/$1-test.log" 2>&1 || status=1
  grep -E "cases|FAILED|passed|failed" "$RESULTS/$1-test.log" | head -10
}

# Three interleaved rounds of `kernel_timing --one CASE` on the default and the A/B build, rows "$1 ..." / "$2 ...";
# the cases ("BITS GROUP M OUT IN") follow.
ab_rounds() {
  local def=$1 ab=$2 r q
  shift 2
  for r in 1 2 3; do
    for q in "$@"; do
      echo "$def $(timeout 30 "$LB_TORCHFREE_DIR/kernel_timing" --one $q | grep '^lowbit')"
      echo "$ab $(timeout 30 "$AB_DIR/kernel_timing" --one $q | grep '^lowbit')"
    done
  done
}

# mma_pipe's pipeline depth on the H100 (the build flags were last compared on the H200, docs/BENCHMARKS.md sixth round:
# 4 k-steps per stage with 3 stages read 71.6-73.5 against 72.3-72.7 us there, 7 % slower at int4 group 64; on the H100
# with coalesced copies, 2026-12-06, 5.0-7.4 % faster at int4 g128 m = 16 / 64 and int2 m = 16): a build with
# -DLB_MMA_PIPE_KSTEPS4=4 -DLB_MMA_PIPE_STAGES=3 (117 registers, 78 KB of shared memory per block), its
# test_packed_mma_pipe_cuda, then both builds in three interleaved rounds at 28672 x 8192 (rows "default" / "k4s3").
# `bash bench/gpu/torchfree_run.sh mmaflags` (~3 min cold).
stage_mmaflags() {
  ab_build k4s3 "-DLB_MMA_PIPE_KSTEPS4=4 -DLB_MMA_PIPE_STAGES=3" || return
  ab_test mmaflags test_packed_mma_pipe_cuda
  step "mmaflags: default vs k4s3, three interleaved rounds"
  ab_rounds default k4s3 "4 128 16 28672 8192" "4 64 16 28672 8192" "4 128 64 28672 8192" "2 64 16 28672 8192" \
      "3 128 16 28672 8192" | tee "$RESULTS/mmaflags-timing.txt"
}

# mma_pipe's weight copies row by row (LOWBIT_MMA_PIPE_COALESCED; h100l2 found the kernel at 81.5 % of the L2 tag rate
# with 33 % of its sector rate): `lb_kernel_timing --mma-coalesced` (coal0 / coal1, three interleaved rounds per shape),
# Nsight Compute on the int4 m = 16 launch with the copies coalesced (L2 breakdown as h100l2), then
# test_packed_mma_pipe_cuda (its last two passes in fragment order: coalesced is the default since).
# Torch-free: `bash bench/gpu/torchfree_run.sh mmacoal`.
stage_mmacoal() {
  local b t
  kernel_bins mmacoal test_packed_mma_pipe_cuda || return
  b=$KT t=$KTEST
  step "mmacoal: lb_kernel_timing --mma-coalesced"
  timeout 300 $b --mma-coalesced 2>&1 | tee "$RESULTS/mmacoal-timing.txt" | grep -E "^device|^lowbit"
  if command -v ncu > /dev/null; then
    step "mmacoal: Nsight Compute, int4 g128 m = 16 with coalesced copies"
    PROFILE_EXTRA="--metrics breakdown:lts__throughput.avg.pct_of_peak_sustained_elapsed,breakdown:dram__throughput.avg.pct_of_peak_sustained_elapsed" \
        profile_ncu l2-int4m16-coal packed_mma_pipe_kernel 20 $b --one 4 128 16 28672 8192
    awk '/(lts__|dram__)[a-z_.]*[ \t]+%[ \t]+[0-9.]+$/ && $NF + 0 >= 5 { print "profile l2-int4m16-coal: " $1 " " $NF }' \
        "$RESULTS/profile-l2-int4m16-coal.txt" | head -20
  fi
  step "mmacoal: test_packed_mma_pipe_cuda"
  timeout 300 $t > "$RESULTS/mmacoal-test.log" 2>&1 || status=1
  grep -E "cases|with|FAILED|passed|failed" "$RESULTS/mmacoal-test.log" | head -20
}

# Where the int2 m = 1 call's time goes: `lb_kernel_timing --gemv-parts` (the whole call against its GEMV alone on x
# quantized once before; int2 / int4 at g64 and g128). Torch-free: `bash bench/gpu/torchfree_run.sh gemvparts`.
stage_gemvparts() {
  local b=${LB_TORCHFREE_DIR:+$LB_TORCHFREE_DIR/kernel_timing}
  b=${b:-build/native-cuda/lb_kernel_timing}
  [[ -x $b ]] || cmake --build build/native-cuda --target lb_kernel_timing -j"$(nproc)" > "$RESULTS/gemvparts-build.log" 2>&1 \
      || { tail -30 "$RESULTS/gemvparts-build.log"; status=1; return; }
  step "gemvparts: lb_kernel_timing --gemv-parts"
  timeout 300 $b --gemv-parts 2>&1 | tee "$RESULTS/gemvparts-timing.txt" | grep -E "^device|^lowbit"
}

# int2's GEMV stage shape: a second torch-free build with -DLB_GEMV_INT2_STAGE_KBLOCKS=4 (the shape before 2026-12-06:
# 4 k-blocks, 8 loads per lane per stage; the default is now 2, int4's shape), then both builds interleaved, three rounds,
# at int2 g64 m = 1 (28672 x 8192 and the 7B decode shapes). Needs the torch-free run:
# `bash bench/gpu/torchfree_run.sh gemvnb2` (~2.5 min on a fresh machine).
stage_gemvnb2() {
  ab_build nb4 "-DLB_GEMV_INT2_STAGE_KBLOCKS=4" || return
  step "gemvnb2: default (nb2) vs 4 k-blocks per int2 stage (nb4), three interleaved rounds"
  ab_rounds nb2 nb4 "2 64 1 28672 8192" "2 64 1 4096 4096" "2 64 1 22016 4096" "2 64 1 4096 11008" \
      | tee "$RESULTS/gemvnb2-timing.txt"
}

# A block's 4 warps on 4 adjacent tiles (-DLB_GEMV_BLOCK_TILES=1: each word row of a block's loads 2 KB contiguous)
# against the default, three interleaved rounds at int2 g64 and int4 g128 m = 1; its test_packed_gemv_cuda first.
# On the H100 (2026-12-06) with 2 k-blocks per int2 stage it read 30.11-30.34 against 30.24-30.59 us: within the noise.
# `bash bench/gpu/torchfree_run.sh gemvtiled` (~2.5 min on a fresh machine).
stage_gemvtiled() {
  ab_build bt "-DLB_GEMV_BLOCK_TILES=1" || return
  ab_test gemvtiled test_packed_gemv_cuda
  step "gemvtiled: default vs bt, three interleaved rounds"
  ab_rounds default bt "2 64 1 28672 8192" "2 64 1 4096 4096" "2 64 1 4096 11008" "4 128 1 28672 8192" \
      "4 128 1 4096 4096" | tee "$RESULTS/gemvtiled-timing.txt"
}
