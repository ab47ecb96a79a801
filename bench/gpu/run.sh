#!/usr/bin/env bash
# On the GPU machine: builds liblowbit.so with CUDA against the PyTorch libtorch there, runs the C++
# tests (CUDA ones included) and the Java tests on the GPU (-Dlowbit.test.device=cuda), then the CLI.
# Needs .device/ from bench/gpu/pack.sh. Results go to $OUT (device tool) or build/gpu-results.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RESULTS="${OUT:-$ROOT/build/gpu-results}"
mkdir -p "$RESULTS"
cd "$ROOT"
JAVA="$ROOT/.device/jre/bin/java"
LIB="$ROOT/build/native-cuda/liblowbit.so"
status=0

step() { printf '\n=== %s ===\n' "$*"; }

step "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda)'

step "build native (CUDA)"
TORCH_DIR="$(python3 -c 'import torch,os;print(os.path.join(torch.utils.cmake_prefix_path,"Torch"))')"
cmake -S native -B build/native-cuda -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$TORCH_DIR" -DLOWBIT_CUDA=ON \
    > "$RESULTS/cmake.log" 2>&1 || { tail -40 "$RESULTS/cmake.log"; exit 1; }
grep -E "lowbit:" "$RESULTS/cmake.log"
cmake --build build/native-cuda -j"$(nproc)" > "$RESULTS/build.log" 2>&1 || { tail -60 "$RESULTS/build.log"; exit 1; }
echo "built $LIB"

step "C++ tests (ctest)"
ctest --test-dir build/native-cuda --output-on-failure -V 2>&1 | tee "$RESULTS/ctest.log" | grep -E "CUDA|cuda|tests passed|tests failed|Failed|max abs|ms" || true
grep -q "100% tests passed" "$RESULTS/ctest.log" || status=1

step "Java tests on cuda (JUnit console)"
CP="$ROOT/.device/lowbit-cli.jar"
for j in "$ROOT"/.device/lib/*.jar; do CP="$CP:$j"; done
for d in "$ROOT"/.device/test-classes/*; do CP="$CP:$d"; done
"$JAVA" --enable-native-access=ALL-UNNAMED -Dlowbit.native.path="$LIB" -Dlowbit.test.device=cuda \
    -Dlowbit.fixtures="$ROOT/fixtures" -jar "$ROOT/.device/junit-console.jar" execute \
    --class-path "$CP" --scan-class-path --disable-banner --details=tree 2>&1 | tee "$RESULTS/junit.log" | tail -40
grep -qE "\b0 tests failed" "$RESULTS/junit.log" || status=1

step "CLI"
LOWBIT=("$JAVA" --enable-native-access=ALL-UNNAMED -Dlowbit.native.path="$LIB" -Dlowbit.home="$ROOT" -jar "$ROOT/.device/lowbit-cli.jar")
"${LOWBIT[@]}" info
"${LOWBIT[@]}" demo --device cuda || status=1
step "JMH: RTN through the bindings (cuda, cpu)"
"$JAVA" --enable-native-access=ALL-UNNAMED -Dlowbit.native.path="$LIB" -cp "$ROOT/.device/lowbit-bench.jar:$ROOT/.device/lib/*" \
    org.openjdk.jmh.Main RtnBenchmark -p device=cuda,cpu -wi 2 -i 3 -f 1 -rf json -rff "$RESULTS/jmh-rtn.json" 2>&1 \
    | tee "$RESULTS/jmh-rtn.log" | grep -E "^Benchmark|RtnBenchmark\." || status=1
exit $status
