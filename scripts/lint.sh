#!/usr/bin/env bash
# Formatting and static analysis of our own C++: clang-format must agree with every file, and clang-tidy
# (.clang-tidy at the root) must report nothing. Needs a configured build/ for compile_commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run -Werror "${files[@]}"
echo "lint: clang-format clean (${#files[@]} files)"

[ -f build/compile_commands.json ] || cmake -S . -B build -G Ninja >/dev/null
mapfile -t sources < <(git ls-files '*.cpp' | grep -v '^fuzz/')
printf '%s\n' "${sources[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p build --quiet --extra-arg=-Wno-unknown-warning-option 2>/dev/null
echo "lint: clang-tidy clean (${#sources[@]} sources)"
