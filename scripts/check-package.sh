#!/usr/bin/env bash
# Packaging checks (docs/packaging.md), run by scripts/test.sh after the ci preset:
#   1. the Conan recipe and its test_package compile (there is no Conan client on Debian 12);
#   2. apexcore built with the options the recipe passes, as shared libraries, installed, and
#      test_package built against that install with a C++17 default (as a default GCC profile
#      would) and run; the static build is consume.test_package in the ci preset;
#   3. the Debian packages made by CPack from build/ci: listed, apexbot installed with apt-get,
#      `apexbot --version` and `apexbot --check-config` on the packaged config, the systemd unit
#      checked by `systemd-analyze verify`, then the package purged again.
# Usage: scripts/check-package.sh            (after `cmake --build --preset ci`; as root for step 3)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
work="$root/build/package"
rm -rf "$work"
mkdir -p "$work"

echo "--- 1. conanfile.py and test_package/conanfile.py compile"
PYTHONPYCACHEPREFIX="$work/pycache" python3 -m py_compile conanfile.py test_package/conanfile.py
version=$(sed -n 's/^  VERSION \([0-9.]*\)$/\1/p' CMakeLists.txt)
echo "version $version (CMakeLists.txt, read by the recipe's set_version)"

echo "--- 2. shared libraries with the recipe's options, installed; test_package against them"
cmake -S . -B "$work/shared" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
  -DAPEXCORE_BUILD_TESTS=OFF -DAPEXCORE_BUILD_EXAMPLES=OFF -DAPEXCORE_INSTALL=ON -DAPEXCORE_WITH_DISCORD=ON \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build "$work/shared" -j2 >"$work/shared-build.log" 2>&1 || { cat "$work/shared-build.log"; exit 1; }
cmake --install "$work/shared" --prefix "$work/stage-shared" >/dev/null
sonames=""
for lib in "$work"/stage-shared/lib/libapexcore_*.so; do
  soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  expected="$(basename "$lib").${version%.*}"
  if [ "$soname" != "$expected" ]; then echo "$lib: SONAME '$soname', expected '$expected'" >&2; exit 1; fi
  sonames="$sonames $soname"
done
echo "sonames:$sonames"
cmake -S test_package -B "$work/test_package-shared" -DCMAKE_PREFIX_PATH="$work/stage-shared" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_STANDARD=17 -DCMAKE_CXX_EXTENSIONS=ON >/dev/null
cmake --build "$work/test_package-shared" -j2 >"$work/test_package-build.log" 2>&1 || { cat "$work/test_package-build.log"; exit 1; }
LD_LIBRARY_PATH="$work/stage-shared/lib" "$work/test_package-shared/test_package"

echo "--- 3. Debian packages from build/ci"
(cd build/ci && cpack -G DEB -B "$work/debs" >/dev/null)
for deb in "$work"/debs/*.deb; do
  echo "$(basename "$deb"):"
  dpkg-deb --field "$deb" Package Version Depends | sed 's/^/  /'
  # Every file, except that the headers are counted rather than listed.
  dpkg-deb --contents "$deb" | awk '{print "  " $6 ($7 ? " " $7 " " $8 : "")}' | grep -v '/$' | grep -v '/usr/include/' || true
  headers=$(dpkg-deb --contents "$deb" | grep -c '/usr/include/.*\.hpp$' || true)
  if [ "$headers" -gt 0 ]; then echo "  ./usr/include/apexcore/… ($headers headers)"; fi
done
if [ "$(id -u)" -ne 0 ]; then
  echo "check-package: not root; the apexbot package was built but not installed" >&2
  exit 0
fi
bot_deb=$(ls "$work"/debs/apexbot_*.deb)
dev_deb=$(ls "$work"/debs/libapexcore-dev_*.deb)
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "$bot_deb" "$dev_deb" >/dev/null
trap 'apt-get purge -y -qq apexbot libapexcore-dev >/dev/null 2>&1 || true' EXIT
# The development package, installed: test_package finds it under /usr with no hint at all.
cmake -S test_package -B "$work/test_package-deb" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/test_package-deb" -j2 >"$work/test_package-deb.log" 2>&1 || { cat "$work/test_package-deb.log"; exit 1; }
echo "test_package against the installed libapexcore-dev: $("$work/test_package-deb/test_package")"
apexbot --version | grep -qx "apexbot $version"
echo "installed: $(apexbot --version)"
apexbot --config /etc/apexbot/apexbot.json --check-config | sed 's/^/  /'
apexcore-rest-proxy --help > "$work/rest-proxy-help.txt"
grep -q "^apexcore-rest-proxy: forwards" "$work/rest-proxy-help.txt"
echo "installed: apexcore-rest-proxy"
apexcore-admin --help > "$work/admin-help.txt"
grep -q "^usage: apexcore-admin migrate --from" "$work/admin-help.txt"
echo "installed: apexcore-admin"
systemd-analyze verify --man=no /usr/lib/systemd/system/apexbot.service
echo "systemd-analyze verify apexbot.service: no problems"
echo "check-package: ok"
