#!/usr/bin/env bash
# Formatting and static analysis of our own C++: clang-format must agree with every file, and clang-tidy
# (.clang-tidy at the root) must report nothing. Needs a configured build/ for compile_commands.json.
# clang-tidy keeps each clean result keyed on its exact input (scripts/tidy_cached.py), so a run after a
# small change checks only the files that change reaches; a first run on a machine checks them all.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run -Werror "${files[@]}"
echo "lint: clang-format clean (${#files[@]} files)"

[ -f build/compile_commands.json ] || cmake -S . -B build -G Ninja >/dev/null
mapfile -t sources < <(git ls-files '*.cpp' | grep -v '^fuzz/')
scripts/tidy_cached.py build "${sources[@]}"
echo "lint: clang-tidy clean (${#sources[@]} sources)"
