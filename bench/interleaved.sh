#!/bin/bash
# Runs the same Google Benchmark filter on two or more builds of a benchmark, one after the other, round
# after round, so that a noisy machine slows each build alike; prints each run's median items per second.
# Usage: bench/interleaved.sh ROUNDS FILTER BINARY... (e.g. a copy of an older build's journal_bench)
set -euo pipefail
if (($# < 3)); then
  echo "usage: $0 ROUNDS FILTER BINARY..." >&2
  exit 2
fi
rounds=$1 filter=$2
shift 2
for ((round = 1; round <= rounds; ++round)); do
  for binary in "$@"; do
    printf '%s %s' "$round" "$binary"
    "$binary" --benchmark_filter="$filter" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>&1 |
      awk '/_median/ { sub(/.*items_per_second=/, ""); printf " %s", $1 }'
    echo
  done
done
