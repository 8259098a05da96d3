#!/usr/bin/python3
"""Runs clang-tidy on each source, skipping those whose exact input was already found clean on this machine.

Usage:
    scripts/tidy_cached.py [--tidy-arg=ARG ...] BUILD_DIR SOURCE...    (each ARG is passed on to clang-tidy)

clang-tidy 14 walks every header a file includes (Boost.Asio, OpenCV, nlohmann/json), so a full run takes
tens of minutes on 2 cores, most of it re-checking inputs that did not change. Like ccache, this keys each
clean result on everything clang-tidy reads: its version, .clang-tidy, the extra arguments, the file's
compile command and the file as clang preprocesses it (every header's text and path inlined). The
repository's root is replaced by a placeholder in the key, so clones in other folders share results. Only a clean result is kept: a file
with a finding is checked again on every run, and a changed header changes the key of each file that
includes it. The cache is MESO_LINT_CACHE (default ~/.cache/mesostation/clang-tidy); deleting it is safe.

Exit status: 0 when every file is clean, 1 when any has a finding (printed), 2 on a usage or setup error.
"""

import concurrent.futures
import hashlib
import json
import os
import pathlib
import shlex
import subprocess
import sys

TIDY_ARGS = ["--quiet", "--extra-arg=-Wno-unknown-warning-option"]


def compile_args(entry):
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    return args, entry["directory"]


def preprocess_command(args, names, source):
    # names: the spellings of the source in args, dropped there so it is given once, at the end
    """The file's own compile command, run by clang++ to print the preprocessed text instead."""
    out, skip = ["clang++"], False
    for arg in args[1:]:
        if skip:
            skip = False
            continue
        if arg == "-o":
            skip = True
            continue
        if arg == "-c" or arg in names:
            continue
        out.append(arg)
    return out + ["-Wno-unknown-warning-option", "-w", "-E", source]


def key_for(root, tidy_identity, args, directory, names, source):
    preprocessed = subprocess.run(preprocess_command(args, names, source), cwd=directory, capture_output=True, check=False)
    if preprocessed.returncode != 0:
        return None  # clang-tidy will report why; nothing to key on
    digest = hashlib.sha256(tidy_identity)
    digest.update(" ".join(args).replace(root, "@ROOT@").encode())
    digest.update(preprocessed.stdout.replace(root.encode(), b"@ROOT@"))
    return digest.hexdigest()


def check(root, build_dir, cache, tidy_identity, tidy_args, entries, source):
    absolute = str(pathlib.Path(root, source))
    entry = entries.get(absolute)
    if entry is None:
        return source, False, f"{source}: not in {build_dir}/compile_commands.json (reconfigure the build)\n", False
    args, directory = compile_args(entry)
    key = key_for(root, tidy_identity, args, directory, {entry["file"], absolute}, absolute)
    if key is not None and (cache / key).exists():
        return source, True, "", True
    tidy = subprocess.run(["clang-tidy", "-p", build_dir, *tidy_args, absolute], capture_output=True, text=True,
                          check=False)
    clean = tidy.returncode == 0 and not tidy.stdout.strip()
    if clean and key is not None:
        (cache / key).touch()
    return source, clean, tidy.stdout + (tidy.stderr if not clean else ""), False


def main(argv):
    extra = [a.removeprefix("--tidy-arg=") for a in argv[1:] if a.startswith("--tidy-arg=")]
    argv = argv[:1] + [a for a in argv[1:] if not a.startswith("--tidy-arg=")]
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    root = str(pathlib.Path(__file__).resolve().parent.parent)
    build_dir = argv[1]
    database = pathlib.Path(root, build_dir, "compile_commands.json")
    if not database.is_file():
        print(f"tidy_cached: {database} is missing: configure the build first", file=sys.stderr)
        return 2
    entries = {str(pathlib.Path(e["directory"], e["file"]).resolve()): e for e in json.loads(database.read_text())}
    cache = pathlib.Path(os.environ.get("MESO_LINT_CACHE", pathlib.Path.home() / ".cache/mesostation/clang-tidy"))
    cache.mkdir(parents=True, exist_ok=True)
    version = subprocess.run(["clang-tidy", "--version"], capture_output=True, check=True).stdout
    tidy_args = TIDY_ARGS + extra
    tidy_identity = version + pathlib.Path(root, ".clang-tidy").read_bytes() + "\0".join(extra).encode()

    failed, cached = [], 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        jobs = [pool.submit(check, root, build_dir, cache, tidy_identity, tidy_args, entries, s) for s in argv[2:]]
        for job in concurrent.futures.as_completed(jobs):
            source, clean, output, from_cache = job.result()
            cached += from_cache
            if not clean:
                failed.append(source)
                sys.stdout.write(output)
    print(f"clang-tidy: {len(argv) - 2 - len(failed)} clean ({cached} of them unchanged since a clean run), "
          f"{len(failed)} with findings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
