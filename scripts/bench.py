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

With --guest-log, the "bench: alloc_trace" lines that the image's
dma.bench_alloc self-test printed under QEMU -icount shift=0 (tests/qemu/
run.py's "bench" run) give the same traces (include/mm/alloc_trace.h) in
AArch64 instructions, counted the same way (PMU INST_RETIRED around one
call: call instruction excluded, ret included); they are checked against
the same targets, and every coherent/dmapool trace with a target must be
there. Its "bench: alloc_full" lines (dma_alloc_coherent +
dma_free_coherent, zeroing included) are shown, not checked.

Usage: bench.py --bin build/tools/bench/bench_alloc
                [--iova-bin build/tools/bench/bench_iova]
                [--guest-log build/qemu/bench.log] [--out DIR]
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

HOST, GUEST = "x86-64", "AArch64"

# (trace prefix, metric, limit, architectures it applies to)
TARGETS = [
    ("coherent", "pair_mean", 300, (HOST, GUEST)),
    ("coherent", "pair_worst", 1000, (HOST, GUEST)),
    ("coherent", "span_live", 1.2, (HOST, GUEST)),
    ("dmapool", "fast_pair_worst", 30, (HOST, GUEST)),
    ("iova-fast", "fast_pair_worst", 100, (HOST,)),
    ("iova-mixed", "fast_pair_worst", 100, (HOST,)),
]

GUEST_RE = re.compile(r"^bench: (alloc_trace|alloc_full) (\S+) ((?:\w+=\S+ ?)+)$")

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


def parse_guest(path):
    """{"alloc_trace"|"alloc_full": {trace: fields}} from the image's log."""
    out = {"alloc_trace": {}, "alloc_full": {}}
    try:
        f = open(path, errors="replace")
    except OSError as e:
        sys.exit("bench: guest log %s: %s (did the QEMU bench run start?)" % (path, e.strerror))
    with f:
        for line in f:
            m = GUEST_RE.match(line.rstrip("\r\n"))
            if not m:
                continue
            kv = dict(w.split("=", 1) for w in m.group(3).split())
            try:
                out[m.group(1)][m.group(2)] = {
                    k: (float(v) if "." in v else int(v)) for k, v in kv.items()}
            except ValueError:
                sys.exit("bench: %s: malformed line %r" % (path, line.rstrip()))
    return out


def guest_result(g):
    """The host's result keys (and the table's columns) from a guest line."""
    n = g["pairs"]
    return {
        "pairs": n, "alloc_mean": g["alloc_mean"], "free_mean": g["free_mean"],
        "pair_mean": g["pair_mean"], "pair_worst": g["pair_worst"],
        "fast_pair_worst": g["fast_worst"] if g["grow"] < n else None,
        "span_live": g["span"] / g["live"] if g["live"] else None,
        "req_live": g["req"] / g["live"] if g["live"] else None,
        "extra": (["%-15s %-7s %6d %s: mean %.1f worst %d" % (
            "", "", g["grow"], NOT_FAST["grow"], g["grow_mean"], g["grow_worst"])]
            if g["grow"] else []),
    }


def fmt(v):
    return "-" if v is None else "%.3f" % v if isinstance(v, float) else str(v)


def print_row(trace, arch, r):
    print("%-15s %-7s %6d %9.1f %9.1f %9.1f %9d %9s %9s %9s" % (
        trace, arch, r["pairs"], r["alloc_mean"], r["free_mean"], r["pair_mean"],
        r["pair_worst"], fmt(r["fast_pair_worst"]), fmt(r["span_live"]), fmt(r["req_live"])))
    for line in r["extra"]:
        print(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--iova-bin")
    ap.add_argument("--guest-log")
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

    results = {HOST: {}, GUEST: {}}
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
        extra = []
        for kind, label in NOT_FAST.items():
            if excluded[kind][trace]:
                g = [pairs[i] for i in sorted(excluded[kind][trace])]
                extra.append("%-15s %-7s %6d %s: mean %.1f worst %d" % (
                    "", "", len(g), label, sum(g) / len(g), max(g)))
        if trace in cache:
            extra.append("%-15s %-7s %6s cache hits %d, misses %d, flushes %d" % (
                ("", "", "") + cache[trace]))
        results[HOST][trace] = {
            "pairs": n, "alloc_mean": sum(al) / n, "free_mean": sum(fr) / n,
            "pair_mean": sum(pairs) / n, "pair_worst": max(pairs),
            "fast_pair_worst": max(fast) if fast else None,
            "span_live": span / live if live else None,
            "req_live": req / live if live else None, "extra": extra,
        }
    full = {}
    if a.guest_log:
        guest = parse_guest(a.guest_log)
        results[GUEST] = {t: guest_result(g) for t, g in guest["alloc_trace"].items()}
        full = {t: guest_result(g) for t, g in guest["alloc_full"].items()}

    print("Allocator benchmark: instruction counts of one call (call instruction excluded, "
          "ret included).")
    print("  %-7s callgrind over the host build (gcc -O2), tools/bench/*.c" % HOST)
    if a.guest_log:
        print("  %-7s PMU INST_RETIRED in the image under QEMU -icount shift=0 "
              "(dma.bench_alloc, %s)" % (GUEST, a.guest_log))
    print("Pair = alloc + free of one object; same traces on both "
          "(include/mm/alloc_trace.h).\n")
    print("%-15s %-7s %6s %9s %9s %9s %9s %9s %9s %9s" % (
        "trace", "arch", "pairs", "alloc", "free", "pair", "pair", "fast", "span/", "req/"))
    print("%-15s %-7s %6s %9s %9s %9s %9s %9s %9s %9s" % (
        "", "", "", "mean", "mean", "mean", "worst", "worst", "live", "live"))
    for trace in sorted(set(results[HOST]) | set(results[GUEST])):
        for arch in (HOST, GUEST):
            if trace in results[arch]:
                print_row(trace, arch, results[arch][trace])
    if full:
        print("\nInformational, no target: dma_alloc_coherent + dma_free_coherent for a "
              "coherent device\n(%s, zeroing and pool fall-through included, dma-debug off):"
              % GUEST)
        for trace in sorted(full):
            print_row(trace, GUEST, full[trace])

    failed = 0
    print("\n%-4s %-15s %-16s %14s %14s   %s" % ("", "trace", "metric", HOST, GUEST, "target"))
    for prefix, metric, limit, archs in TARGETS:
        for trace in sorted(t for t in results[HOST] if t.startswith(prefix)):
            cells, ok = [], True
            for arch in (HOST, GUEST):
                r = results[arch].get(trace)
                if arch not in archs or (arch == GUEST and not a.guest_log):
                    cells.append("-")
                    continue
                v = r[metric] if r else None
                good = v is not None and v <= limit
                ok &= good
                cells.append("%s %s" % (fmt(v) if r else "missing", "ok" if good else "FAIL"))
            failed += not ok
            print("%-4s %-15s %-16s %14s %14s   <= %s" % (
                "PASS" if ok else "FAIL", trace, metric, cells[0], cells[1], limit))
    print("\nspan/live: highest address in use (from the pool base) over peak live block bytes;")
    print("req/live: peak page-rounded requested bytes over peak live block bytes "
          "(power-of-two rounding, the API's contract).")
    print("callgrind data: %s" % ", ".join(cg for _, cg in runs))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
