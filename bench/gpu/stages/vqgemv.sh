# Issue 7, VQ lookup GEMV A/B: the column-stationary kernel (vq_gemv_fast_kernel.cuh, "old", the default) vs the
# wide one (vq_gemv_wide_kernel.cuh, "new": 16-column runs, 1024 threads, register double-buffered indices;
# LOWBIT_VQ_GEMV=new). Sourced by bench/gpu/run.sh; `bash bench/gpu/run.sh vqgemv`. About 40 s after the build.
stage_vqgemv() {
  local t0=$SECONDS
  step "vqgemv: build lb_kernel_timing and the VQ tests"
  cmake --build build/native-cuda --target lb_kernel_timing test_vq_linear test_cuda_kernels_emulated \
      -j"$(nproc)" > "$RESULTS/vqgemv-build.log" 2>&1 || { tail -40 "$RESULTS/vqgemv-build.log"; status=1; return; }
  local tb=$SECONDS

  step "vqgemv: VQ tests (CUDA: old and new GEMV vs reference and vs each other; host emulation of both)"
  ctest --test-dir build/native-cuda -R "test_vq_linear|test_cuda_kernels_emulated" --output-on-failure -V \
      > "$RESULTS/vqgemv-ctest.log" 2>&1
  grep -E "VQ kernels|CUDA \((old|new) GEMV\)|test_vq_linear:|SKIP|FAILED|failed|differs|tests passed|tests failed" \
      "$RESULTS/vqgemv-ctest.log" | head -20
  grep -q "100% tests passed" "$RESULTS/vqgemv-ctest.log" || status=1

  step "vqgemv: CUDA-event timings, old vs new in one run (median / min us of 50 runs)"
  timeout 60 build/native-cuda/lb_kernel_timing --vq > "$RESULTS/vqgemv-timing.txt" 2> "$RESULTS/vqgemv-timing.err" || {
    tail -5 "$RESULTS/vqgemv-timing.err"; status=1; }
  # one line per case: old and new median / min, the ratio, and the issue's 45 us target for v8/v6 k4096 at 28672x8192
  python3 - "$RESULTS/vqgemv-timing.txt" <<'PY'
import sys
old, new, kern = {}, {}, {}
for line in open(sys.argv[1]):
    p = line.split()
    if line.startswith("device"): print("vqgemv", line.strip())
    if p and p[0] == "kernel": kern[" ".join(p[1:-1]).rstrip(":")] = p[-1]
    if len(p) >= 6 and p[0] == "lowbit":
        if p[4] == "new": new[" ".join(p[1:4])] = (float(p[5]), float(p[6]))
        else: old[" ".join(p[1:4])] = (float(p[4]), float(p[5]))
    if "unsupported" in line: print("vqgemv", line.strip())
for case, (om, omin) in old.items():
    nm, nmin = new.get(case, (float("nan"), float("nan")))
    target = 45 if case.split()[0] in ("vq_v8k4096", "vq_v6k4096") and case.endswith("28672x8192") else None
    best = min(om, nm)
    mark = "" if target is None else f" target {target}: {'ok' if best <= target else 'MISS'}"
    print(f"vqgemv {case}: old {om:.2f} (min {omin:.2f}, {kern.get(case, '?')}) new {nm:.2f} (min {nmin:.2f}, "
          f"{kern.get(case + ' new', '?')}) new/old {nm / om:.2f}{mark}")
PY
  echo "vqgemv stage: $(( SECONDS - tb )) s after a $(( tb - t0 )) s build"
}
