#!/usr/bin/env bash
# Formatting and static analysis of our own C++: clang-format must agree with every file, and clang-tidy
# (.clang-tidy at the root) must report nothing. Needs a configured build/ for compile_commands.json, and a
# built one for the headers each source includes.
#
#   scripts/lint.sh            clang-tidy on the sources a change since the last clean tree can reach
#                              (.ci/tidy-clean, scripts/tidy_scope.py); the whole tree when the record is
#                              missing, or clang-tidy or .clang-tidy changed since it
#   scripts/lint.sh --full     clang-tidy on every source
#   scripts/lint.sh --record   as the default, then, when clean, record HEAD in .ci/tidy-clean (commit it)
#
# Each clean result is also kept keyed on its exact input (scripts/tidy_cached.py), so a run after a small
# change checks only the files that change reaches even among those in scope.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
  "" | --full | --record) ;;
  *) echo "usage: scripts/lint.sh [--full | --record]" >&2; exit 2 ;;
esac

mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run -Werror "${files[@]}"
echo "lint: clang-format clean (${#files[@]} files)"

[ -f build/compile_commands.json ] || cmake -S . -B build -G Ninja >/dev/null
if [ "$mode" = --full ]; then
  mapfile -t scoped < <(git ls-files '*.cpp' | grep -v '^fuzz/')
else
  # Not a process substitution: a scope that cannot be worked out must fail the lint, not check nothing.
  scope=$(scripts/tidy_scope.py build)
  mapfile -t scoped <<<"$scope"
fi
# Tests get every check but the static analyzer, whose path search through GoogleTest's macros costs three
# to five times the rest of a test file's checks (grid_planner_test.cpp: 68 s against 13 s).
sources=()
tests=()
for f in "${scoped[@]}"; do
  [ -n "$f" ] || continue
  case "$f" in
    tests/*) tests+=("$f") ;;
    *) sources+=("$f") ;;
  esac
done
status=0
if [ ${#sources[@]} -gt 0 ]; then scripts/tidy_cached.py build "${sources[@]}" || status=1; fi
if [ ${#tests[@]} -gt 0 ]; then
  scripts/tidy_cached.py --tidy-arg=--checks=-clang-analyzer-* build "${tests[@]}" || status=1
fi
[ $status -eq 0 ] || { echo "lint: clang-tidy found problems (above)" >&2; exit 1; }
echo "lint: clang-tidy clean (${#sources[@]} sources, ${#tests[@]} test files in scope)"
if [ "$mode" = --record ]; then scripts/tidy_scope.py --record build; fi
