#!/usr/bin/env bash
# Installs, from Debian 12's own archive, whatever the MesoStation build, tests and tools need and this
# machine lacks. Safe to run again: it installs nothing when everything is present.
set -euo pipefail

packages=(
  # toolchain and build
  g++ cmake ninja-build pkg-config git python3 ccache
  # libraries (headers and CMake/pkg-config files)
  libboost-dev libserialport-dev libopencv-dev libopencv-contrib-dev libsqlite3-dev sqlite3
  libimgui-dev libglfw3-dev libgl-dev fonts-dejavu-core libsodium-dev libssl-dev nlohmann-json3-dev libcli11-dev
  # tests, benchmarks, fuzzing and checks
  libgtest-dev libgmock-dev libbenchmark-dev clang clang-format clang-tidy libclang-rt-14-dev
  # the GUI under a virtual display: screenshots and end-to-end tests
  xvfb xdotool imagemagick
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages present" >&2
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root, or install sudo" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
