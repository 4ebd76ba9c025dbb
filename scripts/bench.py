#!/usr/bin/env python3
"""`make bench`: allocator instruction counts under callgrind, PASS/FAIL.

Runs tools/bench/bench_alloc under valgrind's callgrind with collection
switched on only inside buddy_alloc/buddy_free/dma_pool_alloc/
dma_pool_free (--toggle-collect; the real mm/dmapool.c, blockpool's fast
paths inlined); the program dumps callgrind's counters
after every measured call (CALLGRIND_DUMP_STATS_AT, "op <trace> <a|f> <id>"),
so each dump's "summary:" is the exact instruction count of one call.
Counts are deterministic: same binary, same trace, same numbers.

A pair is the allocation of one object plus its free. dma_pool targets
apply to the fast path: pairs whose allocation did not take a new chunk
(those are listed separately as "grow").

With --iova-bin, tools/bench/bench_iova runs the same way with collection
on inside iova_alloc/iova_free (the buddy calls under them included): its
fast path is a pair served by the per-order caches at both ends (pairs
that touched the buddy are listed separately as "slow").

Usage: bench.py --bin build/tools/bench/bench_alloc
                [--iova-bin build/tools/bench/bench_iova] [--out DIR]
Exit status is 1 if any target fails or the run breaks.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys

FUNCS = ["buddy_alloc", "buddy_free", "dma_pool_alloc", "dma_pool_free"]
IOVA_FUNCS = ["iova_alloc", "iova_free"]

# (trace prefix, metric, limit)
TARGETS = [
    ("coherent", "pair_mean", 300),
    ("coherent", "pair_worst", 1000),
    ("coherent", "span_live", 1.2),
    ("dmapool", "fast_pair_worst", 30),
    ("iova-fast", "fast_pair_worst", 100),
    ("iova-mixed", "fast_pair_worst", 100),
]

# Pairs left out of fast_pair_worst, by the line that names them.
NOT_FAST = {"grow": "grow pairs (new chunk)", "slow": "slow pairs (buddy)"}


def run(binary, out_dir, funcs=FUNCS, name="bench"):
    if not shutil.which("valgrind"):
        sys.exit("bench: valgrind not found (apt-get install valgrind)")
    os.makedirs(out_dir, exist_ok=True)
    cg = os.path.join(out_dir, "callgrind.out." + name)
    cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
           "--combine-dumps=yes", "--dump-line=no", "--compress-strings=no",
           "--callgrind-out-file=" + cg]
    cmd += ["--toggle-collect=" + f for f in funcs]
    cmd.append(binary)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        sys.exit("bench: %s failed (exit %d)" % (binary, p.returncode))
    return p.stdout, cg


def parse_dumps(cg):
    """{(trace, op, id): instructions} from the combined callgrind file."""
    costs = {}
    tag = None
    trig = re.compile(r"^desc: Trigger: Client Request: op (\S+) ([af]) (\d+)$")
    with open(cg) as f:
        for line in f:
            m = trig.match(line)
            if m:
                tag = (m.group(1), m.group(2), int(m.group(3)))
            elif line.startswith("desc: Trigger:"):
                tag = None
            elif line.startswith("summary:") and tag is not None:
                if tag in costs:
                    sys.exit("bench: duplicate dump %r" % (tag,))
                costs[tag] = int(line.split()[1])
                tag = None
    return costs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--iova-bin")
    ap.add_argument("--out", default="build/bench")
    a = ap.parse_args()

    runs = [run(a.bin, a.out)]
    if a.iova_bin:
        runs.append(run(a.iova_bin, a.out, IOVA_FUNCS, "bench-iova"))
    frag, costs, cache = {}, {}, {}
    excluded = {k: collections.defaultdict(set) for k in NOT_FAST}
    for stdout, cg in runs:
        for line in stdout.splitlines():
            w = line.split()
            if w and w[0] == "frag":
                frag[w[1]] = (int(w[2]), int(w[3]), int(w[4]), int(w[5]))
            elif w and w[0] in NOT_FAST:
                excluded[w[0]][w[1]].add(int(w[2]))
            elif w and w[0] == "cache":
                cache[w[1]] = tuple(int(x) for x in w[2:5])
        costs.update(parse_dumps(cg))

    rows, failed = [], 0
    print("Allocator benchmark: callgrind instruction counts of the HOST build "
          "(x86-64 instructions, gcc -O2), not AArch64.")
    print("Pair = alloc + free of one object; call instruction excluded, ret included.\n")
    hdr = "%-15s %6s %9s %9s %9s %9s %9s %9s %9s" % (
        "trace", "pairs", "alloc", "free", "pair", "pair", "fast", "span/", "req/")
    hdr2 = "%-15s %6s %9s %9s %9s %9s %9s %9s %9s" % (
        "", "", "mean", "mean", "mean", "worst", "worst", "live", "live")
    print(hdr)
    print(hdr2)
    results = {}
    for trace in sorted(frag):
        n = frag[trace][3]
        al = [costs.get((trace, "a", i)) for i in range(n)]
        fr = [costs.get((trace, "f", i)) for i in range(n)]
        if None in al or None in fr:
            sys.exit("bench: missing dumps for %s" % trace)
        pairs = [x + y for x, y in zip(al, fr)]
        not_fast = set().union(*(e[trace] for e in excluded.values()))
        fast = [pairs[i] for i in range(n) if i not in not_fast]
        span, live, req, _ = frag[trace]
        r = {
            "pair_mean": sum(pairs) / n,
            "pair_worst": max(pairs),
            "fast_pair_worst": max(fast) if fast else None,
            "span_live": span / live if live else None,
        }
        results[trace] = r
        print("%-15s %6d %9.1f %9.1f %9.1f %9d %9s %9s %9s" % (
            trace, n, sum(al) / n, sum(fr) / n, r["pair_mean"], r["pair_worst"],
            "-" if r["fast_pair_worst"] is None else r["fast_pair_worst"],
            "%.3f" % r["span_live"] if live else "-",
            "%.3f" % (req / live) if live else "-"))
        for kind, label in NOT_FAST.items():
            if excluded[kind][trace]:
                g = [pairs[i] for i in sorted(excluded[kind][trace])]
                print("%-15s %6d %s: mean %.1f worst %d" % (
                    "", len(g), label, sum(g) / len(g), max(g)))
        if trace in cache:
            print("%-15s %6s cache hits %d, misses %d, flushes %d" % (
                ("", "") + cache[trace]))
    print()
    for prefix, metric, limit in TARGETS:
        for trace, r in sorted(results.items()):
            if not trace.startswith(prefix):
                continue
            v = r[metric]
            ok = v is not None and v <= limit
            failed += not ok
            print("%-4s %-15s %-16s %10s <= %s" % (
                "PASS" if ok else "FAIL", trace, metric,
                ("%.3f" % v) if isinstance(v, float) else v, limit))
    print("\nspan/live: highest address in use (from the pool base) over peak live block bytes;")
    print("req/live: peak page-rounded requested bytes over peak live block bytes "
          "(power-of-two rounding, the API's contract).")
    print("callgrind data: %s" % ", ".join(cg for _, cg in runs))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
