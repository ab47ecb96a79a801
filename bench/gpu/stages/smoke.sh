# A quick pass over every method and the generator on the tiny model on cuda: catches a CUDA failure in a
# minute before the long stages spend the device time. One line per command: "smoke <what> ok|FAILED".
smoke_run() { # $1 label, rest: CLI arguments
  local label=$1; shift
  if timeout 120 "${LOWBIT[@]}" "$@" > "$RESULTS/smoke-$label.log" 2>&1; then
    echo "smoke $label ok: $(tail -1 "$RESULTS/smoke-$label.log" | cut -c1-160)"
  else
    echo "smoke $label FAILED:"; tail -6 "$RESULTS/smoke-$label.log"; status=1
  fi
}

stage_smoke() {
  step "smoke: every method and generate on the tiny model, cuda"
  local t=fixtures/tiny v=fixtures/valid.txt
  smoke_run eqat quantize efficientqat --model $t --out /tmp/smoke-eqat --bits 2 --group 64 --calib $v --samples 32 \
      --seq 128 --epochs 1 --device cuda
  smoke_run eqat-eval eval --model /tmp/smoke-eqat --data $v --device cuda --max-tokens 32768 --json
  smoke_run vptq quantize vptq --model $t --out /tmp/smoke-vptq --vector-len 4 --codebook 256 --calib $v --samples 16 \
      --seq 128 --device cuda
  smoke_run vptq-eval eval --model /tmp/smoke-vptq --data $v --device cuda --max-tokens 32768 --json
  smoke_run lrqat quantize lrqat --model $t --out /tmp/smoke-lrqat --bits 4 --calib $v --steps 30 --device cuda
  smoke_run lrqat-eval eval --model /tmp/smoke-lrqat --data $v --device cuda --max-tokens 32768 --json
  smoke_run rtn quantize rtn --model $t --out /tmp/smoke-rtn --bits 4 --group 128 --device cuda
  smoke_run gen-fp generate --model $t --prompt "The kernel" --max-new-tokens 16 --device cuda --json
  smoke_run gen-int4 generate --model /tmp/smoke-rtn --prompt "The kernel" --max-new-tokens 16 --device cuda --json
}

# C++ tests only (the CUDA ones run here), with a short summary.
stage_ctest() {
  step "C++ tests (ctest, CUDA included)"
  ctest --test-dir build/native-cuda --output-on-failure -j4 --timeout 300 > "$RESULTS/ctest.log" 2>&1
  grep -E "tests passed|tests failed|\*\*\*Failed|Failed  |Timeout|SKIP" "$RESULTS/ctest.log" | head -30
  grep -q "100% tests passed" "$RESULTS/ctest.log" || status=1
}
