#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) in build-fuzz/ and runs each decoder's fuzzer for SECONDS
# (default 60), starting from a scratch copy of the committed seeds so the repository's corpus never changes.
# Exits non-zero when a fuzzer finds a crash, a sanitizer report or a violated property; the input that
# triggered it is left in build-fuzz/artifacts/<target>/ (replay: build-fuzz/fuzz/<target> <file>).
#
# Usage: scripts/fuzz.sh [SECONDS]
#        scripts/fuzz.sh --build-only      configure and build build-fuzz/, run nothing (CI builds it early)
set -euo pipefail

build_only=false
if [[ "${1:-}" == --build-only ]]; then
  build_only=true
  shift
fi
seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS]   (a positive whole number; default 60)" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-fuzz"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
  -DMESO_BUILD_FUZZ=ON -DMESO_SANITIZE=address,undefined -DMESO_BUILD_TESTS=OFF -DMESO_BUILD_BENCH=OFF
cmake --build "$build" --target fuzz_mesogun_decoder fuzz_pen_decoder
$build_only && exit 0

# The decoders' fuzzers run side by side (each is single-threaded), then each log is judged.
pids=()
for decoder in mesogun pen; do
  target="fuzz_${decoder}_decoder"
  corpus="$build/corpus-scratch/$decoder"
  artifacts="$build/artifacts/$target"
  rm -rf "$corpus" "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  cp "$root/fuzz/corpus/$decoder"/* "$corpus/"
  echo "== $target: ${seconds}s, log in $build/$target.log"
  # halt_on_error and abort_on_error make every sanitizer report fatal, so libFuzzer saves the input.
  (
    ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1" \
    UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1" \
      "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$corpus" >"$build/$target.log" 2>&1
  ) &
  pids+=($!)
done

status=0
summary=()
i=0
for decoder in mesogun pen; do
  target="fuzz_${decoder}_decoder"
  artifacts="$build/artifacts/$target"
  log="$build/$target.log"
  set +e
  wait "${pids[$i]}"
  rc=$?
  set -e
  i=$((i + 1))

  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
  cov="$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1 || true)"
  found="$(find "$artifacts" -type f | head -n 5)"
  if [[ $rc -ne 0 ]] || [[ -n "$found" ]] ||
    grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
    status=1
    summary+=("$target: FAILED (exit $rc); see $log")
    grep -E -m 5 'ERROR:|runtime error:|SUMMARY:|Test unit written' "$log" >&2 || true
    [[ -n "$found" ]] && echo "inputs kept: $found" >&2
  else
    summary+=("$target: ok, ${runs:-?} runs, ${rate:-?} exec/s, ${cov:-no coverage line}")
  fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
