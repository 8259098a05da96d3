#!/usr/bin/python3
"""Turns Google Benchmark JSON output into a Markdown table with each benchmark's ratio to its baselines.

Usage:
    build-release/bench/protocols_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \\
        --benchmark_out=bench.json --benchmark_out_format=json
    /usr/bin/python3 scripts/bench_table.py bench.json          # or: ... --benchmark_format=json | bench_table.py

Naming convention (bench/protocols_bench.cpp follows it):
    BM_<Family><Operation>/<case>       a measured operation, e.g. BM_MesogunDecode/status
    BM_Baseline_<Family><Kind>/<case>   a baseline on the same bytes, e.g. BM_Baseline_MesogunCrc32c/status
<Family> is the first capitalised word (Mesogun, Pen). A benchmark's baselines are the BM_Baseline_ rows with
the same <Family> and the same <case>. A baseline whose <Kind> is "Memcpy" is the copy floor; any other kind
is the family's checksum (CRC-32C for mesogun, the NMEA XOR for pen), the one pass over the bytes that a
decoder cannot avoid. Ratios are time per operation divided by the baseline's, so 4.0x means "takes four
times as long as the baseline"; the checksum baseline itself is compared with the copy floor.

With repetitions, the median aggregate is used; without, the median of the runs of the same name.
Times are CPU time per iteration, the time items/s and MB/s are computed from. MB is 10^6 bytes.
"""

import json
import re
import statistics
import sys

NAME = re.compile(r"^BM_(?P<baseline>Baseline_)?(?P<family>[A-Z][a-z0-9]*)(?P<what>[A-Za-z0-9_]*)/(?P<case>.+)$")
COPY_KIND = "Memcpy"
TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def load(paths):
    if not paths:
        return json.load(sys.stdin)
    merged = None
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if merged is None:
            merged = data
        else:
            merged["benchmarks"].extend(data["benchmarks"])
    return merged


def pick_runs(benchmarks):
    """One entry per benchmark: the median aggregate if there is one, else the median of the plain runs."""
    medians, runs = {}, {}
    for entry in benchmarks:
        name = entry.get("run_name", entry["name"])
        if entry.get("run_type") == "aggregate":
            if entry.get("aggregate_name") == "median":
                medians[name] = entry
        else:
            runs.setdefault(name, []).append(entry)
    order = []
    for entry in benchmarks:
        name = entry.get("run_name", entry["name"])
        if name not in order:
            order.append(name)
    picked = {}
    for name in order:
        if name in medians:
            picked[name] = medians[name]
        elif name in runs:
            group = runs[name]
            entry = dict(group[0])
            for key in ("cpu_time", "real_time", "items_per_second", "bytes_per_second"):
                values = [run[key] for run in group if key in run]
                if values:
                    entry[key] = statistics.median(values)
            picked[name] = entry
    return order, picked, bool(medians)


def si(value):
    for factor, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if value >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.3g}"


def ns_text(ns):
    return f"{ns:,.0f}" if ns >= 1000 else f"{ns:.3g}"


def ratio_text(time_ns, baseline):
    if baseline is None or baseline <= 0:
        return ""
    return f"{time_ns / baseline:.1f}x" if time_ns / baseline >= 10 else f"{time_ns / baseline:.2f}x"


def main(argv):
    data = load(argv[1:])
    order, picked, aggregated = pick_runs(data["benchmarks"])

    rows = []
    for name in order:
        entry = picked.get(name)
        if entry is None:
            continue
        match = NAME.match(name)
        parts = match.groupdict() if match else {"baseline": None, "family": "", "what": name, "case": ""}
        time_ns = entry.get("cpu_time", 0.0) * TO_NS.get(entry.get("time_unit", "ns"), 1.0)
        rows.append({"name": name, "entry": entry, "time_ns": time_ns, **parts})

    checksum, copy = {}, {}
    for row in rows:
        if row["baseline"]:
            key = (row["family"], row["case"])
            (copy if row["what"] == COPY_KIND else checksum)[key] = row["time_ns"]

    # Each measured operation sits next to its baselines: grouped by family, then case, in run order.
    first_seen = {}
    for index, row in enumerate(rows):
        first_seen.setdefault(row["family"], index)
        first_seen.setdefault((row["family"], row["case"]), index)
    rows.sort(key=lambda r: (first_seen[r["family"]], first_seen[(r["family"], r["case"])],
                             bool(r["baseline"]), r["what"] == COPY_KIND))

    print("| Benchmark | Time/op (ns) | Items/s | MB/s | vs checksum | vs memcpy |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        entry = row["entry"]
        if entry.get("error_occurred"):
            print(f"| `{row['name']}` | error: {entry.get('error_message', '')} | | | | |")
            continue
        key = (row["family"], row["case"])
        is_copy = row["baseline"] and row["what"] == COPY_KIND
        vs_checksum = "" if row["baseline"] else ratio_text(row["time_ns"], checksum.get(key))
        vs_copy = "" if is_copy else ratio_text(row["time_ns"], copy.get(key))
        items = si(entry["items_per_second"]) if "items_per_second" in entry else ""
        mbytes = f"{entry['bytes_per_second'] / 1e6:,.1f}" if "bytes_per_second" in entry else ""
        print(f"| `{row['name']}` | {ns_text(row['time_ns'])} | {items} | {mbytes} | {vs_checksum} | {vs_copy} |")

    context = data.get("context", {})
    load_avg = ", ".join(f"{x:.2f}" for x in context.get("load_avg", []))
    how = "median of the repetitions" if aggregated else "median of the runs"
    print()
    print(f"_{how}; CPU time; {context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz; "
          f"load average {load_avg or '?'}; run {context.get('date', '?')}._")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
