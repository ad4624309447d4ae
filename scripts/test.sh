#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test (CTest: unit, sqlite, Discord mapping,
# end-to-end with the real apexbot and apexcore-sandbox, install consumer) — first with the `ci`
# preset (optimised, warnings are errors), then with `asan` (AddressSanitizer + UBSan).
# Usage: scripts/test.sh [preset ...]        (default: ci asan)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(ci asan)
for preset in "${presets[@]}"; do
  echo "=== preset ${preset}: configure, build, test"
  cmake --preset "${preset}"
  cmake --build --preset "${preset}"
  ctest --preset "${preset}"
done
