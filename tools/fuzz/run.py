#!/usr/bin/env python3
"""Run the DTB fuzzer (BUILD/fuzz/fuzz_dtb) and summarise it in one line.

    run.py --build BUILD --time SECONDS [--seeds DIR]    (make fuzz)
    run.py --build BUILD --runs N [--seeds DIR]           (make test's bounded run)

A timed run grows BUILD/fuzz/corpus, kept between runs. A bounded run starts
from the seeds alone (BUILD/fuzz/corpus-test is emptied first) with a fixed
-seed, so the same tree does the same executions every time. Either way a
crash, a hang (-timeout) or a sanitizer report leaves the input as
BUILD/fuzz/crash-* (timeout-*, oom-*, leak-*), the whole log in
BUILD/fuzz/fuzz.log, and fails the run; reproduce it with
`BUILD/fuzz/fuzz_dtb BUILD/fuzz/crash-...`.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import time

ARTIFACT_KINDS = ("crash-", "timeout-", "oom-", "leak-")
TIMEOUT_S = 10          # one input: a hang if slower (inputs take ~20 ms)
MAX_LEN = 64 * 1024     # QEMU's packed DTB is ~10 KiB
TEST_SEED = 1


def artifacts(outdir):
    return {f for k in ARTIFACT_KINDS for f in glob.glob(os.path.join(outdir, k + "*"))}


def stat(out, name):
    m = re.search(r"^stat::%s:\s+(\d+)" % name, out, re.M)
    return int(m.group(1)) if m else 0


def run(build, seeds, runs=None, seconds=None):
    """Returns (ok, summary, details)."""
    outdir = os.path.join(build, "fuzz")
    binary = os.path.join(outdir, "fuzz_dtb")
    if not os.access(binary, os.X_OK):
        return False, "no fuzzer binary %s" % binary, ""
    nseeds = len([f for f in os.listdir(seeds) if not f.startswith(".")])
    if runs is not None:
        corpus = os.path.join(outdir, "corpus-test")
        shutil.rmtree(corpus, ignore_errors=True)
        limit = ["-runs=%d" % runs, "-seed=%d" % TEST_SEED]
    else:
        corpus = os.path.join(outdir, "corpus")
        limit = ["-max_total_time=%d" % seconds]
    os.makedirs(corpus, exist_ok=True)
    before = artifacts(outdir)
    cmd = [binary, "-max_len=%d" % MAX_LEN, "-timeout=%d" % TIMEOUT_S, "-rss_limit_mb=2048",
           "-print_final_stats=1", "-artifact_prefix=" + outdir + "/"] + limit + [corpus, seeds]
    start = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace")
    elapsed = time.monotonic() - start
    log = os.path.join(outdir, "fuzz.log")
    with open(log, "w") as f:
        f.write(" ".join(cmd) + "\n" + p.stdout)
    new = sorted(artifacts(outdir) - before)
    execs = stat(p.stdout, "number_of_executed_units")
    added = stat(p.stdout, "new_units_added")
    crashes = len(new)
    if p.returncode != 0 and not crashes:
        crashes = 1  # died without leaving an input (should not happen)
    ok = p.returncode == 0 and not new
    summary = "%d executions, %d crash%s; %d seeds, %d new inputs, %.0f s, %d exec/s" % (
        execs, crashes, "" if crashes == 1 else "es", nseeds, added, elapsed,
        execs / elapsed if elapsed > 0 else 0)
    details = ""
    if not ok:
        lines = p.stdout.splitlines()
        first = next((i for i, l in enumerate(lines)
                      if re.search(r"ERROR: |runtime error|broken promise|deadly signal|timeout",
                                   l)), max(0, len(lines) - 20))
        details = "\n".join(["log: " + log] + ["input: " + n for n in new] +
                            lines[first:first + 20])
    return ok, summary, details


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--seeds", help="seed directory (default BUILD/fuzz/seeds)")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--time", type=int, help="seconds to fuzz")
    g.add_argument("--runs", type=int, help="executions (deterministic)")
    a = ap.parse_args()
    seeds = a.seeds or os.path.join(a.build, "fuzz", "seeds")
    print("fuzz: %s, seeds %s" % ("%d s" % a.time if a.time else "%d runs" % a.runs, seeds),
          flush=True)
    ok, summary, details = run(a.build, seeds, runs=a.runs, seconds=a.time)
    corpus = os.path.join(a.build, "fuzz", "corpus")
    if a.time and os.path.isdir(corpus):
        summary += ", corpus %s: %d inputs" % (corpus, len(os.listdir(corpus)))
    print("fuzz: %s %s" % ("PASS" if ok else "FAIL", summary))
    if details:
        print("  | " + details.replace("\n", "\n  | "))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
