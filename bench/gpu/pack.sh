#!/usr/bin/env bash
# Packs what the GPU machine needs but has not (it has no JDK, no Maven, no network) into .device/:
# a jlink'ed Java runtime, the CLI and its libraries, the compiled tests and the JUnit console launcher.
# Then, on the GPU machine (device tool), carrying what each stage needs (docs/GPU.md):
#   bash bench/gpu/run.sh test 7b      carry .device/jre.tar.xz .device/lib.tar.xz .device/lib-bench.tar.xz .device/*.jar .device/test-classes
#   bash bench/gpu/run.sh small eqat   carry .device/jre.tar.xz .device/lib.tar.xz .device/lowbit-cli.jar .device/small .device/calib.txt.xz
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/.device"
JUNIT_CONSOLE_VERSION=1.14.4
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME

cd "$ROOT"
mvn -B -q -DskipTests package
mvn -B -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:$JUNIT_CONSOLE_VERSION \
    -DoutputDirectory="$ROOT/build/junit" >/dev/null

rm -rf "$OUT"
mkdir -p "$OUT/lib" "$OUT/test-classes"
# uncompressed modules, then xz over the whole runtime: about 15 MB to carry instead of 48
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported,jdk.zipfs \
    --strip-java-debug-attributes --strip-native-debug-symbols=objcopy=/usr/bin/objcopy --no-header-files --no-man-pages \
    --compress=zip-0 --output "$ROOT/build/jre"
tar -C "$ROOT/build" -cf - jre | xz -T0 -9 > "$OUT/jre.tar.xz"
rm -rf "$ROOT/build/jre"
cp cli/target/lowbit-cli.jar "$OUT/"
cp cli/target/lib/*.jar "$OUT/lib/"
mkdir -p "$OUT/lib-bench"
for j in bench/target/lib/*.jar; do [[ -e "$OUT/lib/$(basename "$j")" ]] || cp "$j" "$OUT/lib-bench/"; done
cp bench/target/lowbit-bench-*.jar "$OUT/lowbit-bench.jar"
# the tokenizers jar carries native builds for four platforms; the GPU machine needs linux-x86_64 only
for jar in "$OUT"/lib/tokenizers-*.jar; do
  zip -q -d "$jar" 'native/lib/osx-*' 'native/lib/win-*' 'native/lib/linux-aarch64/*' >/dev/null || true
done
# jars re-stored uncompressed, then xz over each folder: 14 MB of libraries travel as about 7.5
for d in lib lib-bench; do
  for jar in "$OUT/$d"/*.jar; do
    x="$(mktemp -d)"; (cd "$x" && unzip -q "$jar") && rm "$jar" && (cd "$x" && zip -q -0 -r -X "$jar" .); rm -rf "$x"
  done
  tar -C "$OUT" -cf - "$d" | xz -T0 -9 > "$OUT/$d.tar.xz" && rm -rf "${OUT:?}/$d"
done
cp "$ROOT/build/junit/junit-platform-console-standalone-$JUNIT_CONSOLE_VERSION.jar" "$OUT/junit-console.jar"
for m in bindings quant cli; do
  [[ -d "$m/target/test-classes" ]] && cp -r "$m/target/test-classes" "$OUT/test-classes/$m"
done
# the small fixture model, when it is beside the checkout (carry it alone with the runtime: 64 MiB limit)
SMALL="${LOWBIT_SMALL_MODEL:-$ROOT/../shared/fixtures/small}"
if [[ -f "$SMALL/model.safetensors" ]]; then
  mkdir -p "$OUT/small"
  cp "$SMALL"/*.json "$OUT/small/"
  xz -T0 -6 -c "$SMALL/model.safetensors" > "$OUT/small/model.safetensors.xz"
fi
# the calibration text, cut to its first 3 MB (about 950k tokens: enough for 1024 windows x 512 tokens)
CALIB="${LOWBIT_CALIB_TEXT:-$ROOT/../shared/fixtures/text/calib.txt}"
[[ -f "$CALIB" ]] && head -c 3000000 "$CALIB" | xz -T0 -9 > "$OUT/calib.txt.xz"
# and whole (2.5M tokens), for E2E-QP windows drawn from more text than Block-AP's (EQATPAR_E2E_CALIB=full)
[[ -f "$CALIB" ]] && xz -T0 -9 -c "$CALIB" > "$OUT/calib-full.txt.xz"
du -sh "$OUT" "$OUT"/* | sed 's/^/[pack] /'
