#!/usr/bin/env bash
# Installs what apexcore needs from Debian 12's packages; does nothing for what is already there.
# Usage: scripts/install-deps.sh        (as root, or with sudo available)
set -euo pipefail

packages=(
  g++ cmake make ccache pkg-config ca-certificates curl jq
  libboost1.81-dev libboost-url1.81-dev libboost-program-options1.81-dev
  libssl-dev libsqlite3-dev nlohmann-json3-dev
  libcairo2-dev  # the /stats chart (apexbot and the tests)
  libpq-dev postgresql  # the PostgreSQL store and its tests (each test run starts a private server)
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  python3 python3-discord
  dpkg-dev systemd  # scripts/check-package.sh: dpkg-shlibdeps for CPack, systemd-analyze verify
)
# Node.js for the discord.js conformance test: Debian's nodejs and npm, unless a Node.js with npm
# is already there (e.g. from NodeSource, whose nodejs package conflicts with Debian's npm).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are installed"
else
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "install-deps: missing packages (${missing[*]}) and not root; run as root" >&2
      exit 1
    fi
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# From npm (the only registry besides Debian's), at the versions package-lock.json pins, installed
# beside their tests, not into the system: discord.js for the conformance test, s3rver (a local
# S3-compatible server) for the S3 transcript store's test.
root="$(cd "$(dirname "$0")/.." && pwd)"
for js_dir in "$root/tests/conformance/discordjs" "$root/tests/s3"; do
  if [ ! -f "$js_dir/node_modules/.package-lock.json" ] || [ "$js_dir/package-lock.json" -nt "$js_dir/node_modules/.package-lock.json" ]; then
    echo "install-deps: npm ci in $js_dir"
    (cd "$js_dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
