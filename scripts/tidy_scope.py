#!/usr/bin/python3
"""Prints the C++ sources clang-tidy must check: those that a change since the last clean tree can reach.

Usage:
    scripts/tidy_scope.py BUILD_DIR            print the sources to check, one per line (and why, on stderr)
    scripts/tidy_scope.py --record BUILD_DIR   after a clean run of the whole tree: write .ci/tidy-clean

.ci/tidy-clean names the last commit whose whole tree clang-tidy found clean, with the clang-tidy version and
the hash of .clang-tidy that found it so. A file whose own text, whose headers (as the build's dependency log
lists them) and whose compile flags are unchanged since that commit gets the same answer from the same
clang-tidy and configuration, so only the others are checked. The whole tree is checked when the record is
missing or unreadable, names a commit this clone does not have, or was made with another clang-tidy or
.clang-tidy, and when a top-level CMake file changed (compile flags everywhere). A folder's CMakeLists.txt
that changed brings in every source below it. A header not in any dependency list (a new one, or a build not
yet built) is not trusted: every source is checked.
"""

import hashlib
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
RECORD = ROOT / ".ci" / "tidy-clean"


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def tidy_version():
    out = subprocess.run(["clang-tidy", "--version"], capture_output=True, text=True, check=True).stdout
    return " ".join(line.strip() for line in out.splitlines() if "version" in line.lower())


def config_hash():
    return hashlib.sha256((ROOT / ".clang-tidy").read_bytes()).hexdigest()


def read_record():
    if not RECORD.is_file():
        return None
    fields = {}
    for line in RECORD.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition(" ")
            fields[key] = value.strip()
    return fields if {"commit", "clang-tidy", "config"} <= fields.keys() else None


def all_sources():
    """The sources lint.sh checks: every tracked .cpp but the fuzz targets'."""
    return [s for s in git("ls-files", "*.cpp").stdout.split() if not s.startswith("fuzz/")]


def changed_files(commit):
    committed = git("diff", "--name-only", commit, "--")
    if committed.returncode != 0:
        return None
    untracked = git("ls-files", "--others", "--exclude-standard").stdout.split()
    return set(committed.stdout.split()) | set(untracked)


def dependencies(build_dir):
    """Each source's headers, from ninja's dependency log: {source: {header, ...}} in repository paths."""
    out = subprocess.run(["ninja", "-C", str(build_dir), "-t", "deps"], capture_output=True, text=True,
                         check=False).stdout
    deps, current = {}, None
    build = pathlib.Path(build_dir).resolve()
    for line in out.splitlines():
        if not line.strip():
            current = None
            continue
        if not line.startswith(" "):
            current = set()
            deps_key = line.split(":")[0]
            deps[deps_key] = current
            continue
        if current is None:
            continue
        path = (build / line.strip()).resolve()
        try:
            current.add(str(path.relative_to(ROOT)))
        except ValueError:
            pass  # a system header
    by_source = {}
    for headers in deps.values():
        sources = [h for h in headers if h.endswith(".cpp")]
        for source in sources:
            by_source.setdefault(source, set()).update(headers)
    return by_source


def scope(build_dir):
    sources = all_sources()
    record = read_record()
    if record is None:
        return sources, "no readable .ci/tidy-clean: the whole tree"
    if record["clang-tidy"] != tidy_version():
        return sources, f"clang-tidy is now '{tidy_version()}', the record's '{record['clang-tidy']}': the whole tree"
    if record["config"] != config_hash():
        return sources, ".clang-tidy changed since the record: the whole tree"
    changed = changed_files(record["commit"])
    if changed is None:
        return sources, f"this clone lacks commit {record['commit'][:12]}: the whole tree"
    if any(f in ("CMakeLists.txt", ".clang-tidy") or f.startswith("cmake/") for f in changed):
        return sources, "a top-level CMake file changed: the whole tree"
    folders = [str(pathlib.Path(f).parent) for f in changed if f.endswith("CMakeLists.txt")]
    headers = {f for f in changed if f.endswith(".hpp")}
    deps = dependencies(build_dir)
    known_headers = set().union(*deps.values()) if deps else set()
    unknown = sorted(h for h in headers if h not in known_headers)
    if unknown:
        return sources, f"{unknown[0]} is in no source's dependency list (new, or the build is not built): the whole tree"
    chosen = []
    for source in sources:
        if (source in changed or any(source.startswith(folder + "/") for folder in folders)
                or headers & deps.get(source, set()) or source not in deps):
            chosen.append(source)
    return chosen, (f"{len(chosen)} of {len(sources)} sources reached by {len(changed)} files changed since "
                    f"{record['commit'][:12]}")


def record():
    if git("status", "--porcelain", "--untracked-files=no").stdout.strip():
        print("tidy_scope: commit first: the record names a commit whose whole tree was checked", file=sys.stderr)
        return 2
    head = git("rev-parse", "HEAD").stdout.strip()
    RECORD.write_text(
        "# The last commit whose whole tree clang-tidy found clean, and what found it so (scripts/tidy_scope.py).\n"
        "# scripts/lint.sh checks only the sources a change since then can reach; written by\n"
        "# scripts/lint.sh --record after a clean run.\n"
        f"commit {head}\nclang-tidy {tidy_version()}\nconfig {config_hash()}\n")
    print(f"tidy_scope: recorded {head[:12]} as clean in {RECORD.relative_to(ROOT)}; commit that file")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--record":
        return record()
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    chosen, why = scope(argv[1])
    print(f"tidy_scope: {why}", file=sys.stderr)
    for source in chosen:
        print(source)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
