#!/usr/bin/env bash
# On the GPU machine: builds liblowbit.so with CUDA against the PyTorch libtorch there, then runs stages:
#   test   C++ tests (CUDA included), the Java tests on the GPU (-Dlowbit.test.device=cuda), the CLI demo, JMH
#   7b     eval speed of a Llama-2-7B-shaped model with random weights (written by random_llama.py)
#   tiny   fp and RTN perplexity of the bundled tiny model, GPTQ and fake formats
#   small  the same for the small fixture model (needs .device/small)
# Needs .device/ from bench/gpu/pack.sh. Logs go to $OUT (device tool) or build/gpu-results.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RESULTS="${OUT:-$ROOT/build/gpu-results}"
STAGES=("${@:-test}")
mkdir -p "$RESULTS"
cd "$ROOT"
DEV="$ROOT/.device"
LIB="$ROOT/build/native-cuda/liblowbit.so"
status=0

step() { printf '\n=== %s === %s\n' "$*" "$(date -u +%H:%M:%S)"; }

[[ -x "$DEV/jre/bin/java" ]] || { tar -C "$DEV" -xJf "$DEV/jre.tar.xz" || exit 1; }
for d in lib lib-bench; do [[ -d "$DEV/$d" || ! -f "$DEV/$d.tar.xz" ]] || tar -C "$DEV" -xJf "$DEV/$d.tar.xz" || exit 1; done
JAVA="$DEV/jre/bin/java"
LOWBIT=("$JAVA" --enable-native-access=ALL-UNNAMED -XX:ErrorFile="$RESULTS/hs_err_%p.log" -Dlowbit.native.path="$LIB"
        -Dlowbit.home="$ROOT" -jar "$DEV/lowbit-cli.jar")

step "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda)'

step "build native (CUDA)"
if [[ ! -f "$LIB" ]]; then
  TORCH_DIR="$(python3 -c 'import torch,os;print(os.path.join(torch.utils.cmake_prefix_path,"Torch"))')"
  cmake -S native -B build/native-cuda -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$TORCH_DIR" -DLOWBIT_CUDA=ON \
      > "$RESULTS/cmake.log" 2>&1 || { tail -40 "$RESULTS/cmake.log"; exit 1; }
  grep -E "lowbit:" "$RESULTS/cmake.log"
  # LOWBIT_BUILD_TARGETS (e.g. "lowbit"): build only those; stages build the test/bench binaries they run.
  cmake --build build/native-cuda -j"$(nproc)" ${LOWBIT_BUILD_TARGETS:+--target $LOWBIT_BUILD_TARGETS} > "$RESULTS/build.log" 2>&1 \
      || { tail -60 "$RESULTS/build.log"; exit 1; }
fi
"${LOWBIT[@]}" info

stage_junit() {
  step "Java tests on cuda (JUnit console)"
  local cp="$DEV/lowbit-cli.jar"
  for j in "$DEV"/lib/*.jar; do cp="$cp:$j"; done
  for d in "$DEV"/test-classes/*; do cp="$cp:$d"; done
  "$JAVA" --enable-native-access=ALL-UNNAMED -Dlowbit.native.path="$LIB" -Dlowbit.test.device=cuda \
      -Dlowbit.fixtures="$ROOT/fixtures" -jar "$DEV/junit-console.jar" execute \
      --class-path "$cp" --scan-class-path --disable-banner --details=tree --disable-ansi-colors > "$RESULTS/junit.log" 2>&1
  grep -E "tests (successful|failed|aborted|skipped|found)" "$RESULTS/junit.log"
  grep -m1 -B3 -A6 "✘" "$RESULTS/junit.log"
  grep -qE "\b0 tests failed" "$RESULTS/junit.log" || status=1
}

stage_test() {
  step "C++ tests (ctest)"
  ctest --test-dir build/native-cuda --output-on-failure -V > "$RESULTS/ctest.log" 2>&1
  grep -E "CUDA|cuda|SKIP|tests passed|tests failed|Failed|max|mismatch" "$RESULTS/ctest.log" | head -60
  grep -q "100% tests passed" "$RESULTS/ctest.log" || status=1

  stage_junit

  step "CLI demo on cuda"
  "${LOWBIT[@]}" demo --device cuda 2>/dev/null || status=1

  step "JMH: RTN through the bindings (cuda, cpu)"
  "$JAVA" --enable-native-access=ALL-UNNAMED -Dlowbit.native.path="$LIB" -cp "$DEV/lowbit-bench.jar:$DEV/lib/*:$DEV/lib-bench/*" \
      org.openjdk.jmh.Main RtnBenchmark -p device=cuda,cpu -wi 2 -i 3 -f 1 -rf json -rff "$RESULTS/jmh-rtn.json" \
      > "$RESULTS/jmh-rtn.log" 2>&1 || status=1
  grep -A20 "^Benchmark" "$RESULTS/jmh-rtn.log"
}

stage_7b2() {
  step "Llama-2-7B-shaped random model, 2 layers: eval on cuda"
  python3 bench/gpu/random_llama.py /tmp/llama7b-2l --layers 2 || { status=1; return; }
  for d in f32 bf16; do
    "${LOWBIT[@]}" eval --model /tmp/llama7b-2l --data fixtures/valid.txt --max-tokens 16384 --batch 8 \
        --device cuda --dtype $d --residency resident --json 2>&1 | tail -3 | tee -a "$RESULTS/eval-7b.jsonl" || status=1
  done
}

stage_7b() {
  step "Llama-2-7B-shaped random model: write, then eval speed"
  python3 bench/gpu/random_llama.py /tmp/llama7b-random || { status=1; return; }
  for r in resident streaming; do
    "${LOWBIT[@]}" eval --model /tmp/llama7b-random --data fixtures/valid.txt --max-tokens 16384 --batch 8 \
        --device cuda --dtype bf16 --residency $r --json 2>/dev/null | tee -a "$RESULTS/eval-7b.jsonl" || status=1
  done
}

rtn_table() { # $1 model folder, $2 name: fp and RTN perplexity (fp32 compute), both export formats
  local model=$1 name=$2
  "${LOWBIT[@]}" eval --model "$model" --data fixtures/valid.txt --device cuda --json 2>/dev/null | tee -a "$RESULTS/eval-$name.jsonl"
  for s in "4 128" "3 128" "2 64" "4 0 --sym"; do
    set -- $s
    for f in gptq fake; do
      local out="/tmp/$name-w$1g$2${3:+sym}-$f"
      "${LOWBIT[@]}" quantize rtn --model "$model" --out "$out" --bits $1 --group $2 ${3:-} --format $f --device cuda 2>/dev/null | tail -1
      "${LOWBIT[@]}" eval --model "$out" --data fixtures/valid.txt --device cuda --json 2>/dev/null | tee -a "$RESULTS/eval-$name.jsonl" || status=1
    done
  done
  "${LOWBIT[@]}" eval --model "$model" --data fixtures/valid.txt --device cuda --dtype bf16 --json 2>/dev/null | tee -a "$RESULTS/eval-$name.jsonl"
}

stage_tiny() {
  step "tiny fixture: fp and RTN perplexity on cuda (fp32 compute)"
  rtn_table fixtures/tiny tiny
}

# The small fixture model unpacked once (needs .device/small); prints its folder.
small_model() {
  local small=/tmp/small
  if [[ ! -f $small/model.safetensors ]]; then
    mkdir -p $small && cp "$DEV"/small/*.json $small/ && xz -dc "$DEV/small/model.safetensors.xz" > $small/model.safetensors
    cp fixtures/tiny/tokenizer.json fixtures/tiny/tokenizer_config.json $small/
  fi
  echo $small
}

# The calibration text (fixtures text/calib.txt, cut by pack.sh; needs .device/calib.txt.xz); prints its path.
calib_text() {
  [[ -f /tmp/calib.txt ]] || xz -dc "$DEV/calib.txt.xz" > /tmp/calib.txt
  echo /tmp/calib.txt
}

stage_small() {
  step "small fixture: fp and RTN perplexity on cuda (fp32 compute)"
  rtn_table "$(small_model)" small
}

# Each method's stages live in bench/gpu/stages/<name>.sh and define stage_<name>() functions; they may use
# LOWBIT (the CLI command array), JAVA, LIB, DEV, RESULTS, step, small_model, calib_text, and set status=1.
for f in "$ROOT"/bench/gpu/stages/*.sh; do [[ -f "$f" ]] && source "$f"; done

# "a+b" runs stages a and b at the same time (separate processes sharing the GPU; their outputs are printed
# one after the other when both are done). Timings taken that way are not solo timings.
run_parallel() {
  local names=(${1//+/ }) n pids=()
  small_model > /dev/null; calib_text > /dev/null  # unpack once, before the stages race for it
  for n in "${names[@]}"; do
    ( status=0; "stage_$n"; echo $status > "$RESULTS/stage-$n.status" ) > "$RESULTS/stage-$n.out" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  for n in "${names[@]}"; do
    cat "$RESULTS/stage-$n.out"
    [[ $(cat "$RESULTS/stage-$n.status" 2>/dev/null) == 0 ]] || status=1
  done
}

for s in "${STAGES[@]}"; do
  if [[ $s == *+* ]]; then run_parallel "$s"; else "stage_$s"; fi
done
exit $status
