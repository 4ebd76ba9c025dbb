#!/usr/bin/env python3
"""`make check`: cppcheck and clang-tidy over the firmware's C sources.

    CHECK_CFLAGS='<the image's compile flags, for clang>' \
    CPPCHECK_FLAGS='<-I and -D for cppcheck>' \
        scripts/check.py [--jobs N] [--log FILE] SRC.c...

The Makefile passes FW_SRCS's C files (minus CHECK_EXCLUDE) and the flags,
through the environment so that quoting survives. Configuration lives in the
tree: .clang-tidy (checks, with the reason for each one left out) and
scripts/cppcheck-suppressions.txt (one reason per suppression).

Prints every finding as `file:line: [tool check] message`, then one line
`check: cppcheck + clang-tidy, N findings, M files, S s`; the exit status is 1
if there was a finding or a tool failed, 0 otherwise.
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SUPPRESSIONS = os.path.join(HERE, "cppcheck-suppressions.txt")

# clang-tidy: "path:line:col: warning: text [check-name]"
TIDY_RE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):\d+: (?:warning|error): "
                     r"(?P<msg>.*) \[(?P<check>[\w.,+-]+)\]$")
# cppcheck, with --template below.
CPPCHECK_TEMPLATE = "{file}:{line}: [cppcheck {id}] {severity}: {message}"


def rel(path):
    path = os.path.normpath(os.path.join(ROOT, path))
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def run_tidy(src, cflags):
    cmd = ["clang-tidy", "--quiet", src, "--"] + cflags
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    found = []
    for line in p.stdout.splitlines():
        m = TIDY_RE.match(line)
        if m:
            check = m.group("check").replace(",-warnings-as-errors", "")
            found.append("%s:%s: [clang-tidy %s] %s" % (rel(m.group("file")), m.group("line"),
                                                        check, m.group("msg")))
    # A file clang could not parse is a failure even without a finding line.
    failed = p.returncode != 0 and not found
    return src, found, failed, p.stdout + p.stderr


def run_cppcheck(srcs, flags, jobs):
    cmd = ["cppcheck", "--quiet", "--std=c11", "--platform=unix64", "--language=c",
           "--enable=warning,portability,performance", "--inline-suppr",
           "--suppressions-list=" + SUPPRESSIONS, "--error-exitcode=1",
           "-j", str(jobs), "--template=" + CPPCHECK_TEMPLATE] + flags + srcs
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    found = sorted({line for line in p.stderr.splitlines() if "[cppcheck " in line})
    failed = p.returncode != 0 and not found
    return found, failed, p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--log", help="also write the full tool output here")
    ap.add_argument("srcs", nargs="+")
    a = ap.parse_args()

    for tool in ("clang-tidy", "cppcheck"):
        if not shutil.which(tool):
            print("check: %s not found (scripts/setup.sh installs it)" % tool)
            print("check: cppcheck + clang-tidy, tool missing")
            return 1
    cflags = shlex.split(os.environ.get("CHECK_CFLAGS", ""))
    cppflags = shlex.split(os.environ.get("CPPCHECK_FLAGS", ""))
    # Largest first, so that no long file is left for the end of the pool.
    srcs = sorted(set(a.srcs), key=lambda f: (-os.path.getsize(os.path.join(ROOT, f)), f))
    start = time.monotonic()
    findings, failures, log = [], [], []

    found, failed, out = run_cppcheck(srcs, cppflags, a.jobs)
    findings += found
    log.append("# cppcheck\n" + out)
    if failed:
        failures.append("cppcheck")

    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        for src, found, failed, out in ex.map(lambda s: run_tidy(s, cflags), srcs):
            findings += found
            log.append("# clang-tidy %s\n%s" % (src, out))
            if failed:
                failures.append("clang-tidy " + src)

    # A finding in a header shows up once per file that includes it.
    findings = sorted(set(findings))
    for f in findings:
        print(f)
    for f in failures:
        print("check: %s failed without a finding; see %s" % (f, a.log or "--log"))
    if a.log:
        os.makedirs(os.path.dirname(os.path.abspath(a.log)), exist_ok=True)
        with open(a.log, "w") as f:
            f.write("\n".join(log))
    print("check: cppcheck + clang-tidy, %d finding%s, %d files, %.0f s%s" %
          (len(findings), "" if len(findings) == 1 else "s", len(srcs),
           time.monotonic() - start, "; tool errors" if failures else ""))
    return 1 if findings or failures else 0


if __name__ == "__main__":
    sys.exit(main())
