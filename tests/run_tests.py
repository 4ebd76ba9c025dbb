#!/usr/bin/env python3
"""`make test`: host unit tests, a bounded fuzz run, `make check`, then the
QEMU runs; one closing line.

Every cmocka test case counts as one test, every QEMU run as one test, the
fuzz run and `make check` one each.
The last line is "N passed, N failed"; the exit status is non-zero if
anything failed.
"""
import argparse
import glob
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "qemu"))
import run as qemu_run  # noqa: E402

# The bounded fuzz run of `make test` (tools/fuzz/run.py): a fixed number of
# executions from the seeds with a fixed -seed, so it does the same work
# every time (about 20-25 s on two cores).
FUZZ_TEST_RUNS = 15000


def host_tests(build):
    npass = nfail = 0
    bins = sorted(glob.glob(os.path.join(build, "tests", "host", "test_*")))
    bins = [b for b in bins if os.access(b, os.X_OK) and not b.endswith(".d")]
    if not bins:
        print("host: no test binaries under %s/tests/host" % build)
        return 0, 1
    for b in bins:
        name = os.path.basename(b)[len("test_"):]
        env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="stdout")
        p = subprocess.run([b], capture_output=True, text=True, env=env, timeout=600)
        out = p.stdout + p.stderr
        ok_m = re.search(r"\[  PASSED  \] (\d+) test", out)
        bad_m = re.search(r"\[  FAILED  \] (\d+) test", out)
        passed = int(ok_m.group(1)) if ok_m else 0
        failed = int(bad_m.group(1)) if bad_m else 0
        if p.returncode != 0 and failed == 0:
            failed = 1  # crashed or sanitizer abort before cmocka's summary
        print("host: %-10s %s (%d passed, %d failed)" %
              (name, "PASS" if failed == 0 else "FAIL", passed, failed), flush=True)
        if failed:
            for line in out.splitlines():
                if "FAIL" in line or "ERROR" in line or "error" in line.lower():
                    print("  | " + line)
        npass += passed
        nfail += failed
    return npass, nfail


def hlt_count(elf):
    objdump = os.environ.get("CROSS_COMPILE", "aarch64-linux-gnu-") + "objdump"
    out = subprocess.run([objdump, "-d", elf], capture_output=True, text=True, check=True).stdout
    return len(re.findall(r"\thlt\t", out))


def image_tests(build):
    """Images for hardware never execute HLT; the QEMU image does (semihosting)."""
    board = os.path.join(build, "board", "firmware.elf")
    qemu = os.path.join(build, "firmware.elf")
    nb, nq = hlt_count(board), hlt_count(qemu)
    ok = nb == 0 and nq > 0
    print("image: board-no-hlt   %s (board image: %d HLT, qemu image: %d HLT)" %
          ("PASS" if ok else "FAIL", nb, nq), flush=True)
    return int(ok), int(not ok)


def tool_tests(build):
    """dtbcheck: clean DTB -> exit 0; broken DTB -> exit 1 naming node and rule."""
    tool = os.path.join(build, "tools", "dtbcheck")
    fx = os.path.join(build, "tests", "fixtures", "dt")
    cases = [("rmem-good", 0, r"Problems: 0"),
             ("rmem-flags", 1, r"/reserved-memory/\S+: no-map and reusable are mutually exclusive"),
             ("rmem-overlap", 1, r"overlaps /reserved-memory/")]
    npass = nfail = 0
    for name, want_rc, pattern in cases:
        p = subprocess.run([tool, os.path.join(fx, name + ".dtb")], capture_output=True, text=True)
        ok = p.returncode == want_rc and re.search(pattern, p.stdout + p.stderr) is not None
        print("tool: dtbcheck %-12s %s (exit %d, expected %d)" %
              (name, "PASS" if ok else "FAIL", p.returncode, want_rc), flush=True)
        if not ok:
            print("  | " + "\n  | ".join((p.stdout + p.stderr).splitlines()[-10:]))
        npass += ok
        nfail += not ok
    return npass, nfail


def fuzz_test(build):
    """The DTB fuzzer (tools/fuzz/), bounded: any crash, hang or sanitizer
    report fails it and leaves the input under BUILD/fuzz/."""
    # tools/fuzz/run.py, by path: `run` is already tests/qemu/run.py.
    spec = importlib.util.spec_from_file_location(
        "fuzz_run", os.path.join(os.path.dirname(HERE), "tools", "fuzz", "run.py"))
    fuzz_run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz_run)
    ok, summary, details = fuzz_run.run(build, os.path.join(build, "fuzz", "seeds"),
                                        runs=FUZZ_TEST_RUNS)
    print("fuzz: fuzz_dtb       %s (%s)" % ("PASS" if ok else "FAIL", summary), flush=True)
    if details:
        print("  | " + details.replace("\n", "\n  | "))
    return int(ok), int(not ok)


def check_test(build):
    """`make check` (cppcheck + clang-tidy) as one test: no finding passes."""
    # MAKEFLAGS from `make test` carries the caller's variables (SETUP_STAMP...).
    p = subprocess.run(["make", "--no-print-directory", "O=" + build, "check"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    out = p.stdout + p.stderr
    m = re.search(r"^check: (cppcheck \+ clang-tidy, .*)$", out, re.M)
    summary = m.group(1) if m else "no summary line from make check"
    ok = p.returncode == 0 and m is not None
    print("check: static         %s (%s)" % ("PASS" if ok else "FAIL", summary), flush=True)
    if not ok:
        for line in out.splitlines()[-30:]:
            print("  | " + line)
    return int(ok), int(not ok)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def debug_test(build):
    """`make debug`: QEMU waits for gdb; gdb-multiarch attaches, loads the
    ELF's symbols at the load address it prints, and stops in boot_main."""
    port = free_port()
    elf = os.path.join(build, "firmware.elf")
    log_path = os.path.join(build, "qemu", "make-debug.log")
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    log = open(log_path, "w")
    # MAKEFLAGS from `make test` carries the caller's variables (SETUP_STAMP...).
    proc = subprocess.Popen(["make", "--no-print-directory", "O=" + build, "debug",
                             "GDB_PORT=%d" % port], stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    why, out = "", ""
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            why = "no gdb stub on port %d (make debug exited %s)" % (port, proc.poll())
        if not why:
            # The line make debug printed, plus: stop in boot_main, show where, quit QEMU.
            printed = open(log_path).read()
            m = re.search(r"^  (gdb-multiarch .*)$", printed, re.M)
            if not m:
                why = "make debug printed no gdb-multiarch command line"
        if not why:
            cmd = [a.strip("'") for a in re.findall(r"'[^']*'|\S+", m.group(1))]
            cmd = [cmd[0], "-nx", "-batch"] + cmd[1:] + [
                "-ex", "break boot_main", "-ex", "continue", "-ex", "info symbol $pc",
                "-ex", "kill"]
            g = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            out = g.stdout + g.stderr
            if not re.search(r"Breakpoint 1, 0x[0-9a-f]+ in boot_main|Breakpoint 1, boot_main",
                             out) or not re.search(r"^boot_main in section \.text", out, re.M):
                why = "gdb did not stop in boot_main"
    except (OSError, subprocess.TimeoutExpired) as e:
        why = str(e)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        log.write("\n# gdb:\n" + out)
        log.close()
    print("debug: make-debug     %s%s" % ("PASS" if not why else "FAIL",
                                         " (gdb stopped in boot_main)" if not why else ": " + why),
          flush=True)
    if why:
        print("  log: " + log_path)
        for line in open(log_path, errors="replace").read().splitlines()[-15:]:
            print("  | " + line)
    return int(not why), int(bool(why))


def qemu_tests(build, timeout):
    npass = nfail = 0
    defs = qemu_run.run_defs()
    for name, r in defs.items():
        if r.get("bench"):
            continue  # make bench runs these
        if r.get("announce"):
            print("qemu: %-14s %s" % (name, r["announce"]), flush=True)
        ok, why, summ = qemu_run.run_one(build, name, r, timeout)
        guest = " [guest: %s passed, %s failed, %s skipped]" % summ if summ else ""
        print("qemu: %-14s %s%s%s" % (name, "PASS" if ok else "FAIL", guest,
                                      "" if ok else ": " + why), flush=True)
        if not ok:
            log = os.path.join(build, "qemu", name + ".log")
            print("  log: " + log)
            for line in open(log, errors="replace").read().splitlines()[-15:]:
                print("  | " + line)
        npass += ok
        nfail += not ok
    return npass, nfail


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default="build")
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--host-only", action="store_true")
    ap.add_argument("--qemu-only", action="store_true")
    a = ap.parse_args()
    npass = nfail = 0
    if not a.qemu_only:
        p, f = host_tests(a.build)
        print("host unit tests: %d passed, %d failed\n" % (p, f))
        npass += p
        nfail += f
    if not a.host_only and not a.qemu_only:
        for test in (fuzz_test, check_test):
            p, f = test(a.build)
            npass += p
            nfail += f
    if not a.host_only:
        p, f = tool_tests(a.build)
        npass += p
        nfail += f
        p, f = image_tests(a.build)
        npass += p
        nfail += f
        p, f = debug_test(a.build)
        npass += p
        nfail += f
        p, f = qemu_tests(a.build, a.timeout)
        print("qemu runs: %d passed, %d failed\n" % (p, f))
        npass += p
        nfail += f
    print("%d passed, %d failed" % (npass, nfail))
    return 0 if nfail == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
