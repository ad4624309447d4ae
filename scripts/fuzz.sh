#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan) and runs each one for a
# fixed budget from its seed corpus (tests/fuzz/corpus/<target>, plus Discord's payload fixtures
# for the Discord parsers). Fails on any crash, leak or UBSan report; the crashing input is kept
# in build/fuzz/artifacts/ (turn it into a regression test).
# Usage: scripts/fuzz.sh [runs-per-target] [max-seconds-per-target]   (defaults: 200000 and 60)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-200000}
seconds=${2:-60}
cmake --preset fuzz
cmake --build --preset fuzz

bin=build/fuzz/tests/fuzz
work=build/fuzz/corpus
artifacts=build/fuzz/artifacts
mkdir -p "$work" "$artifacts"
fixtures=tests/fixtures/discord
summary=()
for target in fuzz_money fuzz_custom_id fuzz_catalog_csv fuzz_order_reference fuzz_key_pattern \
              fuzz_gateway_frame fuzz_interaction fuzz_rest_response fuzz_endpoint_request fuzz_config \
              fuzz_guild_state; do
  seeds=()
  [ -d "tests/fuzz/corpus/$target" ] && seeds+=("tests/fuzz/corpus/$target")
  case "$target" in
    fuzz_gateway_frame|fuzz_interaction|fuzz_rest_response|fuzz_guild_state) seeds+=("$fixtures") ;;
  esac
  mkdir -p "$work/$target"
  log="$artifacts/$target.log"
  echo "=== $target: up to $runs runs or ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$bin/$target" -runs="$runs" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$artifacts/$target-" "$work/$target" "${seeds[@]}" >"$log" 2>&1; then
    tail -60 "$log"
    echo "fuzz: $target FAILED (input kept under $artifacts/)" >&2
    exit 1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  corpus=$(ls "$work/$target" | wc -l)
  summary+=("$target: $execs executions, corpus $corpus, 0 crashes")
done
printf '%s\n' "${summary[@]}"
echo "fuzz: ${#summary[@]} passed, 0 failed"
