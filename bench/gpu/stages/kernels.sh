# Kernel benchmarks (issue 7 items 1, 2, 4, 5): sourced by bench/gpu/run.sh; `bash bench/gpu/run.sh kernels`.
# Budget about 6 minutes: CUDA ctest of the packed / VQ kernels, the CUDA-event kernel table (lowbit's
# kernels + the torch baselines in the same run), and the JMH benchmarks through the bindings on cuda.
stage_kernels() {
  local t0=$SECONDS
  step "kernels: build the timing binary and the tests"
  cmake --build build/native-cuda --target lb_kernel_timing test_packed_linear_cuda test_packed_gemv_cuda test_packed_mma_cuda test_vq_linear test_packed_linear \
      kmeans_bench test_kmeans \
      -j"$(nproc)" > "$RESULTS/kernels-build.log" 2>&1 || { tail -40 "$RESULTS/kernels-build.log"; status=1; return; }

  step "kernels: CUDA tests (ctest: packed matmul vs reference/CPU, VQ vs reference)"
  ctest --test-dir build/native-cuda -R "test_packed_linear|test_packed_gemv|test_packed_mma|test_vq_linear|test_kmeans" --output-on-failure -V \
      > "$RESULTS/kernels-ctest.log" 2>&1
  grep -E "cases|worst|relative|tensor-core|SKIP|FAILED|tests passed|tests failed|CUDA vs CPU" "$RESULTS/kernels-ctest.log" | head -50
  grep -q "100% tests passed" "$RESULTS/kernels-ctest.log" || status=1

  step "kernels: CUDA-event timings, lowbit kernels then torch baselines (same run, same protocol)"
  timeout 240 build/native-cuda/lb_kernel_timing > "$RESULTS/kernels-lowbit.txt" 2> "$RESULTS/kernels-lowbit.err" || {
    tail -5 "$RESULTS/kernels-lowbit.err"; status=1; }
  timeout 120 python3 bench/gpu/torch_kernel_baselines.py > "$RESULTS/kernels-torch.txt" 2> "$RESULTS/kernels-torch.err" || {
    tail -5 "$RESULTS/kernels-torch.err"; status=1; }
  grep -h "^device" "$RESULTS/kernels-lowbit.txt" "$RESULTS/kernels-torch.txt"
  grep -h "unavailable\|unsupported" "$RESULTS/kernels-lowbit.txt" "$RESULTS/kernels-torch.err" 2>/dev/null | head -5
  python3 bench/gpu/kernels_table.py "$RESULTS/kernels-lowbit.txt" "$RESULTS/kernels-torch.txt" | tee "$RESULTS/kernels-table.txt"

  step "kernels: one weighted Lloyd iteration at N = 7.34M, d = 8, k = 65536: lowbit (CUDA) vs plain torch"
  timeout 120 build/native-cuda/kmeans_bench cuda 7340032 8 65536 3 || status=1
  timeout 60 python3 bench/gpu/kmeans_torch.py 7340032 8 65536 3 || status=1

  step "kernels: JMH through the bindings on cuda (brief)"
  local left=$(( ${KERNELS_BUDGET_S:-340} - (SECONDS - t0) ))
  if (( left < 60 )); then
    echo "JMH skipped: ${left}s left of the stage budget"
  else
    timeout "$left" "$JAVA" --enable-native-access=ALL-UNNAMED -Dlowbit.native.path="$LIB" \
        -cp "$DEV/lowbit-bench.jar:$DEV/lib/*:$DEV/lib-bench/*" org.openjdk.jmh.Main \
        "PackedLinearBenchmark|VqLinearBenchmark" -p device=cuda -p shape=4096x4096,11008x4096 -p m=1,16 \
        -p bits=4 -p group=128 -p setting=8:4096 -wi 1 -w 1s -i 2 -r 1s -f 1 \
        -rf json -rff "$RESULTS/jmh-kernels.json" > "$RESULTS/jmh-kernels.log" 2>&1 || status=1
    grep -A20 "^Benchmark" "$RESULTS/jmh-kernels.log" || tail -20 "$RESULTS/jmh-kernels.log"
  fi
  echo "kernels stage: $(( SECONDS - t0 )) s"
}
