#!/usr/bin/env python3
"""QEMU runs of the firmware: boot, read the serial console, judge.

Each run has a hard timeout and keeps its serial log under
BUILD/qemu/NAME.log. A run passes when the console shows what the run
expects (by default: the self-test summary with 0 failed, "verdict: PASS"
and QEMU exit status 0).

  run.py --build build [RUN ...]     run the named runs (default: all)
  run.py --build build --list        list runs
  run.py --build build --interactive default
                                     boot one configuration on this terminal
                                     (no selftest.exit: the console stays)
"""
import argparse
import os
import re
import select
import signal
import struct
import subprocess
import sys
import time

UBOOT_BIN = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")

# Where the loader shim runs put things (QEMU virt RAM starts at 0x40000000;
# the first MiB is left to QEMU).
SHIM_BASE = 0x40100000
SHIM_PARAMS = SHIM_BASE + 0x100
SHIM_DTB = 0x44000000

MACHINE_DEFAULT = "virt,iommu=smmuv3,gic-version=3"
SUMMARY_RE = re.compile(r"selftest: summary: (\d+) passed, (\d+) failed, (\d+) skipped")
PROMPT = "fw> "


def run_defs():
    """The run matrix. Keys:
    machine   -M value; devices: extra QEMU args; append: bootargs
    boot      'kernel' (QEMU -kernel), 'uboot' (-bios u-boot.bin -kernel,
              U-Boot's own booti), or 'shim' (loader shim, see shim.S)
    dtb       for 'shim': how to derive the DTB from QEMU's own ('good',
              'corrupt', 'truncated', 'no-stdout', 'no-memory', 'none')
    load      for 'shim': Image load address
    expect    'pass', 'fail' (verdict FAIL, exit status 1), 'crash'
    must      regexes the log must contain; console: lines to type at the
              prompt after boot (then 'poweroff' ends the run)
    """
    edu = ["-device", "edu"]
    return {
        "default": dict(boot="kernel", devices=edu, expect="pass",
                        must=[r"entered at EL1", r"model \"linux,dummy-virt\"",
                              r"ram: 0x0040000000\.\.0x005fffffff"]),
        "el2": dict(boot="kernel", machine="virt,virtualization=on,iommu=smmuv3,gic-version=3",
                    devices=edu, expect="pass", must=[r"entered at EL2, running at EL1"]),
        "gicv2": dict(boot="kernel", machine="virt,gic-version=2", devices=edu, expect="pass"),
        "uboot": dict(boot="uboot", devices=edu, expect="pass",
                      must=[r"U-Boot 20\d\d", r"## Flattened Device Tree blob at",
                            r"entered at EL1", r"dtb: 0x[0-9a-f]+ \(from loader, x0\)"]),
        "loadaddr": dict(boot="shim", dtb="good", load=0x5fa00000, devices=edu, expect="pass",
                         must=[r"image: 0x000000005fa00000\.\."]),
        "dtb-none": dict(boot="shim", dtb="none", expect="pass-console",
                         must=[r"x0 is 0: no DTB passed; using the built-in DTB",
                               r"built-in fallback"]),
        "dtb-corrupt": dict(boot="shim", dtb="corrupt", expect="fail-console",
                            must=[r"corrupt or truncated DTB: FDT_ERR_BADSTRUCTURE",
                                  r"FAIL boot: loader's DTB unusable"]),
        "dtb-truncated": dict(boot="shim", dtb="truncated", expect="fail-console",
                              must=[r"corrupt or truncated DTB: FDT_ERR_",
                                    r"FAIL boot: loader's DTB unusable"]),
        "dtb-badmagic": dict(boot="shim", dtb="badmagic", expect="fail-console",
                             must=[r"does not point at a DTB header"]),
        "dtb-no-stdout": dict(boot="shim", dtb="no-stdout", expect="fail-console",
                              must=[r"DTB has no usable /chosen/stdout-path"]),
        "dtb-no-memory": dict(boot="shim", dtb="no-memory", expect="fail-console",
                              must=[r"DTB has no usable /memory node"]),
        "pools": dict(boot="kernel", devices=edu, overlay="qemu-virt-pools", expect="pass",
                      must=[r"selftest: PASS dma\.pools_from_dt",
                            r"selftest: PASS dma\.bounce_restricted"]),
        "noncoherent": dict(boot="kernel", devices=edu, overlay="qemu-virt-noncoherent",
                            noncoherent_pcie=True, expect="pass",
                            must=[r"selftest: PASS dma\.pools_from_dt"]),
        # make bench only: deterministic instruction counts need -icount.
        "bench": dict(boot="kernel", devices=edu, overlay="qemu-virt-pools", expect="pass",
                      extra=["-icount", "shift=0"], bench=True,
                      append="selftest.exit selftest.only=cache.bench_clean,dma.bench_map",
                      must=[r"selftest: PASS cache\.bench_clean", r"selftest: PASS dma\.bench_map"]),
        "crash": dict(boot="kernel", append="selftest.exit selftest.crash", expect="crash",
                      must=[r"\*\*\* CRASH: synchronous \(SP_EL0\) exception at EL1",
                            r"data abort, same EL: translation fault, level \d \(write\)",
                            r"FAR  0x0000000000000008",
                            r"selftest: FAIL boot\.deliberate_crash: crashed"]),
    }


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def make_dtb(build, name, kind, machine):
    """QEMU's own DTB for @machine (dumpdtb), changed as @kind says."""
    outdir = os.path.join(build, "qemu")
    base = os.path.join(outdir, "virt-%s.dtb" % re.sub(r"[^a-z0-9]+", "_", machine))
    if not os.path.exists(base):
        sh([QEMU, "-M", machine + ",dumpdtb=" + base, "-cpu", "max", "-m", "512M",
            "-display", "none"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = os.path.join(outdir, name + ".dtb")
    # dumpdtb pads to 1 MiB; re-emit compactly so "truncated" loses content.
    sh(["dtc", "-q", "-I", "dtb", "-O", "dtb", "-o", path, base])
    if kind in ("good", "no-memory", "no-stdout"):
        sh(["fdtput", "-t", "s", path, "/chosen", "bootargs", "selftest.exit"])
    if kind == "no-stdout":
        sh(["fdtput", "-d", path, "/chosen", "stdout-path"])
    if kind == "no-memory":
        out = subprocess.run(["fdtget", "-l", path, "/"], capture_output=True, text=True).stdout
        for node in out.split():
            if node.startswith("memory"):
                sh(["fdtput", "-r", path, "/" + node])
    blob = bytearray(open(path, "rb").read())
    if kind == "corrupt":
        # The structure block's first tag (FDT_BEGIN_NODE of the root)
        # becomes an invalid tag: the header still checks out.
        off = struct.unpack(">I", blob[8:12])[0]
        blob[off:off + 4] = struct.pack(">I", 0xF)
    elif kind == "truncated":
        # Only the first half arrives; the header still claims the whole.
        blob = blob[: len(blob) // 2]
    elif kind == "badmagic":
        blob[0:4] = b"\x00\x00\x00\x00"
    open(path, "wb").write(blob)
    return path


def overlay_dtb(build, name, r, machine):
    """QEMU's DTB with dts/OVERLAY.dtso applied (fdtoverlay), as a board user would."""
    outdir = os.path.join(build, "qemu")
    os.makedirs(outdir, exist_ok=True)
    base = os.path.join(outdir, "base-%s.dtb" % name)
    sh([QEMU, "-M", machine + ",dumpdtb=" + base, "-cpu", "max", "-m", "512M",
        "-display", "none"] + r.get("devices", []),
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = os.path.join(outdir, name + ".dtb")
    sh(["fdtoverlay", "-i", base, "-o", path,
        os.path.join(build, "dts", r["overlay"] + ".dtbo")])
    if r.get("noncoherent_pcie"):
        # libfdt overlays cannot delete a property: drop dma-coherent here.
        pcie = subprocess.run(["fdtget", "-l", path, "/"], capture_output=True,
                              text=True).stdout.split()
        for node in pcie:
            if node.startswith("pcie@"):
                subprocess.run(["fdtput", "-d", path, "/" + node, "dma-coherent"],
                               stderr=subprocess.DEVNULL)
    # The firmware's own checker must find nothing wrong with what we boot.
    chk = subprocess.run([os.path.join(build, "tools", "dtbcheck"), path],
                         capture_output=True, text=True)
    with open(os.path.join(outdir, name + ".dtbcheck"), "w") as f:
        f.write(chk.stdout + chk.stderr)
    if chk.returncode != 0:
        raise RuntimeError("dtbcheck found problems in %s (see %s.dtbcheck)" % (path, name))
    return path


def qemu_cmd(build, name, r, interactive=False):
    machine = r.get("machine", MACHINE_DEFAULT)
    image = os.path.join(build, "Image")
    cmd = [QEMU, "-M", machine, "-cpu", "max", "-m", "512M", "-smp", "1",
           "-semihosting-config", "enable=on,target=native"]
    if interactive:
        cmd += ["-nographic"]
    else:
        cmd += ["-display", "none", "-monitor", "none", "-serial", "stdio"]
    cmd += r.get("devices", []) + r.get("extra", [])
    append = r.get("append", "" if interactive else "selftest.exit")
    if r.get("overlay"):
        cmd += ["-dtb", overlay_dtb(build, name, r, machine)]
    if r["boot"] == "kernel":
        cmd += ["-kernel", image]
        if append:
            cmd += ["-append", append]
    elif r["boot"] == "uboot":
        cmd += ["-bios", UBOOT_BIN, "-kernel", image]
        if append:
            cmd += ["-append", append]
    elif r["boot"] == "shim":
        shim = os.path.join(build, "tests", "qemu", "shim.bin")
        dtb_addr = 0
        if r["dtb"] != "none":
            dtb = make_dtb(build, name, r["dtb"], machine)
            cmd += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (dtb, SHIM_DTB)]
            dtb_addr = SHIM_DTB
        load = r.get("load", 0x48000000)
        cmd += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (image, load),
                "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (shim, SHIM_BASE),
                "-device", "loader,addr=0x%x,data=0x%x,data-len=8" % (SHIM_PARAMS, dtb_addr),
                "-device", "loader,addr=0x%x,data=0x%x,data-len=8" % (SHIM_PARAMS + 8, load),
                "-device", "loader,addr=0x%x,cpu-num=0" % SHIM_BASE]
    return cmd


def run_one(build, name, r, timeout):
    """Run one configuration; return (ok, reason, guest_summary)."""
    os.makedirs(os.path.join(build, "qemu"), exist_ok=True)
    log_path = os.path.join(build, "qemu", name + ".log")
    cmd = qemu_cmd(build, name, r)
    with open(log_path, "w") as log:
        log.write("# " + " ".join(cmd) + "\n")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    out = b""
    deadline = time.monotonic() + timeout
    typed = False
    timed_out = False
    expect = r["expect"]
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
        text = out.decode("utf-8", "replace")
        # Runs that end at the console: type the commands, then power off.
        if not typed and text.endswith(PROMPT) and expect.endswith("-console"):
            for line in r.get("console", []) + ["poweroff"]:
                proc.stdin.write((line + "\r").encode())
                proc.stdin.flush()
            typed = True
    if timed_out:
        os.killpg(proc.pid, signal.SIGKILL)
    try:
        rc = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        rc = proc.wait()
    text = out.decode("utf-8", "replace")
    with open(log_path, "a") as log:
        log.write(text)
        log.write("\n# exit status %s%s\n" % (rc, " (killed at timeout)" if timed_out else ""))

    m = None
    for m in SUMMARY_RE.finditer(text):
        pass
    summary = m.groups() if m else None
    missing = [p for p in r.get("must", []) if not re.search(p, text)]
    if timed_out:
        return False, "timed out after %ds" % timeout, summary
    if missing:
        return False, "log lacks /%s/" % missing[0], summary
    if summary is None:
        return False, "no self-test summary on the console (exit status %d)" % rc, None
    failed = int(summary[1])
    if expect in ("pass", "pass-console"):
        if failed or "verdict: PASS" not in text:
            return False, "%d self-test(s) failed" % failed, summary
        if expect == "pass" and rc != 0:
            return False, "QEMU exit status %d, expected 0" % rc, summary
    elif expect in ("fail", "fail-console"):
        if not failed or "verdict: FAIL" not in text:
            return False, "expected a failing verdict", summary
        if expect == "fail" and rc != 1:
            return False, "QEMU exit status %d, expected 1" % rc, summary
    elif expect == "crash":
        if rc != 2:
            return False, "QEMU exit status %d, expected 2 (crash)" % rc, summary
    return True, "", summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--interactive", metavar="RUN")
    ap.add_argument("runs", nargs="*")
    a = ap.parse_args()
    defs = run_defs()
    if a.list:
        for n, r in defs.items():
            print("%-14s boot=%s expect=%s" % (n, r["boot"], r["expect"]))
        return 0
    if a.interactive:
        r = defs[a.interactive]
        if sys.stdin.isatty():
            cmd = qemu_cmd(a.build, a.interactive, r, interactive=True)
            print("+ " + " ".join(cmd) + "\n(Ctrl-A X quits QEMU)", flush=True)
            os.execvp(cmd[0], cmd)
        # No terminal: boot once, show the console, exit with the verdict.
        ok, why, _ = run_one(a.build, a.interactive, r, a.timeout)
        sys.stdout.write(open(os.path.join(a.build, "qemu", a.interactive + ".log")).read())
        print("qemu %s: %s%s" % (a.interactive, "PASS" if ok else "FAIL", "" if ok else ": " + why))
        return 0 if ok else 1
    names = a.runs or list(defs)
    unknown = [n for n in names if n not in defs]
    if unknown:
        print("unknown run(s): %s; valid: %s" % (" ".join(unknown), " ".join(defs)), file=sys.stderr)
        return 2
    npass = nfail = 0
    for n in names:
        t0 = time.monotonic()
        ok, why, summ = run_one(a.build, n, defs[n], a.timeout)
        guest = " [guest: %s passed, %s failed, %s skipped]" % summ if summ else ""
        print("qemu: %s %s (%.1fs)%s%s" % ("PASS" if ok else "FAIL", n, time.monotonic() - t0,
                                         guest, "" if ok else ": " + why), flush=True)
        if not ok:
            log = os.path.join(a.build, "qemu", n + ".log")
            print("  log: %s; last lines:" % log)
            for line in open(log, errors="replace").read().splitlines()[-15:]:
                print("  | " + line)
        npass += ok
        nfail += not ok
    print("qemu runs: %d passed, %d failed" % (npass, nfail))
    return 0 if nfail == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
