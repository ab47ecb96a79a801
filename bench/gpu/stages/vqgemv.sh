# Issue 7, VQ lookup GEMV A/B: the default (the tensor-core kernel vq_gemv_mma_kernel.cuh where it applies: v8, 8- or
# 12-bit indices, no residual; else the wide one), the column-stationary kernel ("old", LOWBIT_VQ_GEMV=old), the wide
# one ("wide": 16-column runs, 1024 threads; LOWBIT_VQ_GEMV=wide) and, where the layout takes them, the default on
# lb_vq_bank_indices' banked slots ("banked"). Sourced by bench/gpu/run.sh; `bash bench/gpu/run.sh vqgemv`. About
# 40 s after the build.
stage_vqgemv() {
  local t0=$SECONDS
  step "vqgemv: build lb_kernel_timing and the VQ tests"
  cmake --build build/native-cuda --target lb_kernel_timing test_vq_linear test_cuda_kernels_emulated \
      -j"$(nproc)" > "$RESULTS/vqgemv-build.log" 2>&1 || { tail -40 "$RESULTS/vqgemv-build.log"; status=1; return; }
  local tb=$SECONDS

  step "vqgemv: VQ tests (CUDA: every GEMV variant vs the reference and vs old; host emulation of the kernels)"
  ctest --test-dir build/native-cuda -R "test_vq_linear|test_cuda_kernels_emulated" --output-on-failure -V \
      > "$RESULTS/vqgemv-ctest.log" 2>&1
  grep -E "VQ kernels|bank_choose|4096 x 4096 v8|test_vq_linear:|SKIP|FAILED|failed|differs|tests passed|tests failed" \
      "$RESULTS/vqgemv-ctest.log" | head -20
  grep -q "100% tests passed" "$RESULTS/vqgemv-ctest.log" || status=1

  step "vqgemv: CUDA-event timings, every variant in one run (median / min us of 50 runs)"
  timeout 120 build/native-cuda/lb_kernel_timing --vq > "$RESULTS/vqgemv-timing.txt" 2> "$RESULTS/vqgemv-timing.err" || {
    tail -5 "$RESULTS/vqgemv-timing.err"; status=1; }
  # one line per case: every variant's median (min, kernel), and the issue's 45 us target for v8/v6 k4096 at 28672x8192
  python3 - "$RESULTS/vqgemv-timing.txt" <<'PY'
import sys
times, kern, order = {}, {}, []
variants = ("old", "wide", "banked")
for line in open(sys.argv[1]):
    p = line.split()
    if line.startswith(("device", "prep", "check")) or "unsupported" in line: print("vqgemv", line.strip())
    if p and p[0] == "kernel": kern[" ".join(p[1:-1]).rstrip(":")] = p[-1]
    if len(p) >= 6 and p[0] == "lowbit":
        case = " ".join(p[1:4])
        variant = p[4] if p[4] in variants else "default"
        if case not in order: order.append(case)
        times[(case, variant)] = (float(p[-2]), float(p[-1]))
for case in order:
    parts = []
    for v in ("default",) + variants:
        if (case, v) in times:
            med, mn = times[(case, v)]
            parts.append(f"{v} {med:.2f} (min {mn:.2f}, {kern.get(case if v == 'default' else case + ' ' + v, '?')})")
    best = min(t[0] for (c, v), t in times.items() if c == case)
    target = 45 if case.split()[0] in ("vq_v8k4096", "vq_v6k4096") and case.endswith("28672x8192") else None
    mark = "" if target is None else f" target {target}: {'ok' if best <= target else 'MISS'} (best {best:.2f})"
    print(f"vqgemv {case}: " + "; ".join(parts) + mark)
PY
  if [[ -f "$DEV/lowbit-bench.jar" ]]; then
    # through the bindings (lb_vq_bank_indices once in the setup, then lb_vq_linear): the JMH benchmark's weights carry
    # 1 % outlier columns, and each call allocates its output and synchronizes
    step "vqgemv: JMH VqLinearBenchmark on cuda, stored indices vs banked (v8/k4096, 28672x8192, m = 1)"
    timeout 150 "$JAVA" --enable-native-access=ALL-UNNAMED -Dlowbit.native.path="$LIB" \
        -cp "$DEV/lowbit-bench.jar:$DEV/lib/*:$DEV/lib-bench/*" org.openjdk.jmh.Main VqLinearBenchmark \
        -p device=cuda -p shape=28672x8192 -p m=1 -p setting=8:4096 -p banked=false,true -wi 2 -w 1s -i 3 -r 1s -f 1 \
        -rf json -rff "$RESULTS/vqgemv-jmh.json" > "$RESULTS/vqgemv-jmh.log" 2>&1 || status=1
    grep -A6 "^Benchmark" "$RESULTS/vqgemv-jmh.log" || tail -20 "$RESULTS/vqgemv-jmh.log"
  fi
  echo "vqgemv stage: $(( SECONDS - tb )) s after a $(( tb - t0 )) s build"
}
