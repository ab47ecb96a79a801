# Issue 7: where a decode step's time goes as it runs (the CUDA graph with PDL), for fp16, int2 and int4. The GPU
# machine has no Nsight Systems, so bench/gpu/kernel_trace/kernel_trace.cpp (a CUPTI injection library) records every
# kernel's start and end and summarize.py prints one step: span, summed kernel time, idle gaps, per-kernel totals and
# one middle layer. Also decode tok/s with the tracer and without (what tracing costs). Sourced by bench/gpu/run.sh;
# `LOWBIT_BUILD_TARGETS=lowbit GEN_LAYERS=32 bash bench/gpu/run.sh kerneltrace` (first run in the fifteenth session:
# docs/BENCHMARKS.md, generation, fourteenth round).
# Builds the CUPTI tracer into $1 (once per machine).
kernel_trace_build() {
  local so=$1 inc lib
  [[ -f $so ]] && return 0
  step "kerneltrace: build the CUPTI tracer"
  # the header and the library from one install where possible (the activity record's layout is versioned); a
  # libcupti that libtorch loaded first would serve the calls, so the stage prints both places
  inc=$(dirname "$(find /usr/local/cuda/ /usr/local/cuda-*/ /opt/torch/ -name cupti.h 2>/dev/null | head -1)")
  lib=$(dirname "$(find "$inc/.." -name 'libcupti.so*' 2>/dev/null | head -1)")
  [[ $lib != . ]] || lib=$(dirname "$(find /usr/local/cuda/ /usr/local/cuda-*/ /opt/torch/ -name 'libcupti.so*' 2>/dev/null | head -1)")
  echo "cupti.h in $inc, libcupti in $lib"
  [[ -f $lib/libcupti.so ]] || ln -sf "$(ls "$lib"/libcupti.so.* | head -1)" /tmp/libcupti.so
  g++ -std=c++17 -O2 -shared -fPIC -I"$inc" bench/gpu/kernel_trace/kernel_trace.cpp -o "$so" \
      -L"$lib" -L/tmp -lcupti -Wl,-rpath,"$lib"
}

stage_kerneltrace() {
  local m=/tmp/gen-llama7b so=/tmp/libkernel_trace.so w dir
  kernel_trace_build $so || { status=1; return; }
  [[ -d $m-w4g128 && -d $m-w2g64 ]] || GEN_LAYERS=${GEN_LAYERS:-8} stage_genprep
  rm -f "$RESULTS/generate-7b.jsonl"
  for w in fp16 int2 int4; do
    dir=$m; [[ $w == int2 ]] && dir=$m-w2g64; [[ $w == int4 ]] && dir=$m-w4g128
    step "kerneltrace: $w, 128 new tokens traced"
    CUDA_INJECTION64_PATH=$so LOWBIT_KERNEL_TRACE=/tmp/trace-$w.csv gen_run $w-traced~1 $dir --dtype f16
    if [[ -f /tmp/trace-$w.csv ]]; then
      xz -c /tmp/trace-$w.csv > "$RESULTS/kerneltrace-$w.csv.xz"
      python3 bench/gpu/kernel_trace/summarize.py /tmp/trace-$w.csv "${GEN_LAYERS:-8}" | tee "$RESULTS/kerneltrace-$w.txt"
    else
      echo "no trace written"; tail -3 "$RESULTS/generate-$w-traced~1.err"
    fi
    gen_run $w~1 $dir --dtype f16
  done
  cp "$RESULTS/generate-7b.jsonl" "$RESULTS/kerneltrace-generate.jsonl" 2>/dev/null
  gen_ratio_summary kerneltrace
}
