#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test:
#   ci    optimised, warnings are errors: the whole CTest suite (unit, sqlite, PostgreSQL on a
#         private server the tests start, Discord mapping and hostile input, end-to-end with the
#         real apexbot, apexcore-sandbox and apexcore-rest-proxy, install consumer)
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer: the whole suite again
#   tsan  ThreadSanitizer: builds only apexbot, the sandbox and the e2e tests, and runs the
#         runtime on 4 I/O threads through a purchase plus the hardening/resilience e2e tests
#   package  after ci: the Conan recipe, a shared-library install with test_package, the Debian
#         packages installed and smoke-tested, the systemd unit verified (scripts/check-package.sh)
#   fuzz  clang + libFuzzer: every fuzz target for a fixed budget (scripts/fuzz.sh)
# Usage: scripts/test.sh [preset ...]        (default: ci package asan tsan fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(ci package asan tsan fuzz)
for preset in "${presets[@]}"; do
  start=$SECONDS
  if [ "$preset" = fuzz ]; then
    echo "=== preset fuzz: build the fuzz targets and run each (200000 runs or 60 s)"
    scripts/fuzz.sh 200000 60
  elif [ "$preset" = package ]; then
    echo "=== package: recipe, shared install + test_package, Debian packages, systemd unit"
    scripts/check-package.sh
  else
    echo "=== preset ${preset}: configure, build, test"
    cmake --preset "${preset}"
    cmake --build --preset "${preset}"
    ctest --preset "${preset}"
  fi
  echo "=== preset ${preset}: done in $((SECONDS - start)) s"
done
