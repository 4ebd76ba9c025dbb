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
  run.py --build build --interactive pools --gdb 1234
                                     the same, stopped at reset until gdb
                                     attaches to the stub on that port
                                     (make debug), with or without a terminal
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import disk  # noqa: E402  (tests/qemu/disk.py)

UBOOT_BIN = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
# Where the uboot-board run leaves the files in RAM: qemu_arm64's
# ${kernel_addr_r}, and its ${pxefile_addr_r} (1 MiB free below the Image)
# for the overlay. QEMU's own DTB is at ${fdt_addr} (0x40000000).
UBOOT_IMAGE_ADDR = 0x40400000
UBOOT_OVERLAY_ADDR = 0x40300000
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")

# Where the loader shim runs put things (QEMU virt RAM starts at 0x40000000;
# the first MiB is left to QEMU).
SHIM_BASE = 0x40100000
SHIM_PARAMS = SHIM_BASE + 0x100
SHIM_DTB = 0x44000000

MACHINE_DEFAULT = "virt,iommu=smmuv3,gic-version=3"
# The soak run: how many operations (SOAK_OPS), from which seed (random unless SOAK_SEED
# is set), and its own hard timeout (README "Soak": the measured wall time).
SOAK_OPS = int(os.environ.get("SOAK_OPS", "100000"), 0)
SOAK_SEED = int(os.environ.get("SOAK_SEED", "0"), 0) or int.from_bytes(os.urandom(8), "little")
SOAK_TIMEOUT = 180
SUMMARY_RE = re.compile(r"selftest: summary: (\d+) passed, (\d+) failed, (\d+) skipped")
PROMPT_RE = r"fw> $"     # the console waits for a line
DTB = object()           # in a run's fdtput arguments: the DTB being edited


def run_defs():
    """The run matrix. Keys:
    machine   -M value; devices: extra QEMU args; append: bootargs
    boot      'kernel' (QEMU -kernel), 'uboot' (-bios u-boot.bin -kernel,
              U-Boot's own booti), or 'shim' (loader shim, see shim.S)
    dtb       for 'shim': how to derive the DTB from QEMU's own ('good',
              'corrupt', 'truncated', 'no-stdout', 'no-memory', 'none')
    load      for 'shim': Image load address
    expect    'pass', 'fail' (verdict FAIL, exit status 1), 'crash'
    disks     block devices to attach: list of dict(kind='virtio'|'nvme',
              size=bytes, iommu=True); each image gets tests/qemu/disk.py's
              pattern and is checked byte by byte after QEMU exits (the
              write region must be updated when the log says a write test
              of that device passed: 'blk: PASS write <name>'). An nvme
              disk may have namespaces=[dict(size=, block_size=, ms=,
              nsid=, must_write=)] instead of size: one nvme-ns (and image)
              each, nvme<C>n<NSID> to the firmware (see disk_images())
    must      regexes the log must contain; console: lines to type at the
              prompt after boot (then 'poweroff' ends the run)
    must_not  regexes the log must not contain
    cpu, smp  -cpu / -smp values (default max / 1); None leaves them out
    board_dts for boards other than virt: tests/qemu/NAME.dts, compiled and
              edited by the fdtput argument lists in 'fdtput' (DTB stands for
              the file), is the -dtb
    end       'kill': a "-console" run ends by killing QEMU after its steps
              (for boards without PSCI), not with 'poweroff'
    steps     a function(build) returning [(keys, regex or [regexes])]: the
              keys are typed as they are (say "\r" for Enter), then the output
              that follows them (CRs dropped) must match every regex before
              the next step is typed; "-console" runs end with 'poweroff'
              (see run_steps())
    timeout   this run's hard timeout in seconds, when longer than --timeout
    announce  a line the runner prints before the run (the soak's seed)
    """
    edu = ["-device", "edu"]
    edu2 = ["-device", "edu", "-device", "edu"]
    # The SMMU/PCI matrix: SMMU on/off, GICv3/v2, PCIe coherent or not, 28/32-bit edu.
    smmu_must = [r"smmu: /smmuv3@[0-9a-f]+: SMMUv3", r"selftest: PASS edu\.streaming_roundtrip",
                 r"selftest: PASS edu\.devices_are_isolated",
                 # Hostile devices (README "Hardening"): overflow, detach, unused streams.
                 r"smmu: overflow round 2: .* [1-9]\d* lost, [1-9]\d* overflow reports",
                 r"event queue overflow: events lost",
                 r"selftest: PASS smmu\.event_queue_overflow_recovers",
                 r"-> stream 0x[0-9a-f]+, blocked \(detached: STE aborts\)",
                 r"selftest: PASS smmu\.detached_device_is_blocked",
                 r"selftest: PASS smmu\.unused_streams_abort"]
    # A device that fails to reset (nvme.reset_failure, virtio.blk_reset_failure):
    # what did not happen, named; the device given up with its DMA stopped; refused.
    nvme_reset_failure = [
        r"error: nvme0: controller not ready: CSTS\.RDY still 0 20 ms after CC\.EN was set to 1",
        r"error: nvme0: the controller did not come back after the reset \(error -110\): "
        r"marked unusable",
        r"error: nvme0: controller did not stop: CSTS\.RDY still 1 20 ms after CC\.EN was set "
        r"to 0",
        r"error: nvme0: the controller did not stop \(error -110\): marked unusable; bus "
        r"mastering is off, so its DMA has stopped",
        r"error: nvme0: read of blocks 0\.\.7 refused: the controller is unusable"]
    vblk_reset_failure = [
        r"error: virtio: vblk0 \(0000:00:\d\d\.0\): device status still 0x[0-9a-f]{2} 20 ms "
        r"after the reset: the device did not reset",
        r"error: virtio-blk: vblk0: could not restart the device \(error -110\): further "
        r"requests are refused; bus mastering is off, so its DMA has stopped",
        r"error: virtio-blk: vblk0: read of sectors 0\.\.2 \(1536 bytes\) refused: the device "
        r"failed and could not be restarted"]
    # `blk read vblk0 1` on the runner's pattern disk: the header, the first line, 31 more.
    vblk0_block1 = (r"vblk0: block 1\.\.1 \(byte 0x200\):\n"
                    r"00000200  1e 25 2c 33 3a 41 48 4f 56 5d 64 6b 72 79 "
                    r"80 87  \|\.%,3:AHOV\]dkry\.\.\|\n(0000[0-9a-f]{4} .*\n){31}")
    return {
        "default": dict(boot="kernel", devices=edu2, expect="pass",
                        must=[r"entered at EL1", r"model \"linux,dummy-virt\"",
                              r"ram: 0x0040000000\.\.0x005fffffff", r"2-level stream table",
                              r"smmu: pci 0000:00:02\.0 -> stream 0x10, translated",
                              r"selftest: PASS pci\.edu_registers"]
                        + smmu_must),
        # Functions behind root ports and a PCIe-to-PCI bridge: bus numbers,
        # windows, INTx swizzle, and stream IDs in other level-2 stream tables.
        "pci-bridges": dict(boot="kernel", expect="pass",
                            devices=["-device", "pcie-root-port,id=rp1,chassis=1",
                                     "-device", "edu,bus=rp1",
                                     "-device", "pcie-root-port,id=rp2,chassis=2,slot=1",
                                     "-device", "pcie-pci-bridge,id=pb,bus=rp2",
                                     "-device", "edu,bus=pb,addr=3"],
                            must=[r"smmu: pci 0000:01:00\.0 -> stream 0x100, translated",
                                  r"pci: 0000:03:03\.0 .*stream 0x300 \(DMA requester ID 0x0300",
                                  r"selftest: PASS pci\.edu_registers"] + smmu_must),
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
                            r"selftest: PASS dma\.bounce_restricted",
                            # every injection site reached (README "Fault injection")
                            r"inject: coherent [1-9]\d* points? \(\d+ taken by a fallback pool\), "
                            r"iova [1-9]\d*, pgtable [1-9]\d*, bounce [1-9]\d*: all recovered"]),
        "noncoherent": dict(boot="kernel", devices=edu2, overlay="qemu-virt-noncoherent",
                            noncoherent_pcie=True, expect="pass",
                            must=[r"selftest: PASS dma\.pools_from_dt"] + smmu_must),
        "smmu-gicv2": dict(boot="kernel", machine="virt,gic-version=2,iommu=smmuv3",
                           devices=edu2, expect="pass", must=[r"irq: GICv2"] + smmu_must),
        "smmu-linear": dict(boot="kernel", devices=edu2, expect="pass",
                            append="selftest.exit smmu.strtab=linear smmu.ril=off",
                            must=[r"linear stream table", r"coherent, event interrupt",
                                  r"selftest: PASS edu\.no_stale_translation_after_unmap"]
                            + smmu_must),
        # The DT puts the second edu (RID 0x18) on stream 0x10018, beyond the
        # SMMU's 16 SIDSIZE bits: not attached, blocked, its DMA refused.
        "smmu-sid-range": dict(boot="kernel", expect="pass",
                               devices=["-device", "edu,dma_mask=0xffffffff",
                                        "-device", "edu,dma_mask=0xffffffff"],
                               append="selftest.exit edu.dma_bits=32 selftest.only=pci,edu,smmu",
                               iommu_map=[(0x0, 0x0, 0x18), (0x18, 0x10018, 0x8),
                                          (0x20, 0x20, 0xffe0)],
                               must=[r"stream 0x10018 is beyond the 16 stream ID bits in use",
                                     r"pci 0000:00:03\.0 not attached: the SMMU aborts its stream "
                                     r"and the DMA layer refuses its mappings; bus mastering off",
                                     # edu's probe asks for bus mastering: refused
                                     r"pci: error: 0000:00:03\.0: bus mastering refused: the "
                                     r"IOMMU blocks its DMA",
                                     r"edu: 0000:00:03\.0 .*DMA blocked by the IOMMU \(not attached\)",
                                     r"smmu: unattached 0000:00:03\.0: Bus Master Enable clear "
                                     r"\(COMMAND 0x[0-9a-f]{4}\), set refused",
                                     r"dma-debug: pci 0000:00:03\.0: DMA refused: the IOMMU blocks",
                                     r"smmu: unattached 0000:00:03\.0: DMA to 0x[0-9a-f]+: edu says",
                                     r"selftest: PASS smmu\.unattached_function_refused",
                                     r"selftest: PASS smmu\.detached_device_is_blocked"]),
        "nosmmu-dma32": dict(boot="kernel", machine="virt,gic-version=3",
                             devices=["-device", "edu,dma_mask=0xffffffff"], expect="pass",
                             append="selftest.exit edu.dma_bits=32",
                             must=[r"32-bit DMA mask, .*direct DMA",
                                   r"selftest: PASS edu\.streaming_roundtrip",
                                   r"selftest: PASS edu\.coherent_roundtrip"]),
        "nosmmu-dma28": dict(boot="kernel", machine="virt,gic-version=3", devices=edu,
                             expect="pass",
                             must=[r"28-bit DMA mask, .*direct DMA",
                                   r"dma-debug: pci 0000:00:02\.0: .*(out of reach|cannot reach).*mask 0xfffffff",
                                   r"selftest: PASS edu\.unreachable_refused"]),
        "noncoherent-nosmmu": dict(boot="kernel", machine="virt,gic-version=3",
                                   devices=["-device", "edu,dma_mask=0xffffffff"],
                                   overlay="qemu-virt-noncoherent", noncoherent_pcie=True,
                                   append="selftest.exit edu.dma_bits=32", expect="pass",
                                   must=[r"selftest: PASS edu\.streaming_roundtrip",
                                         r"selftest: PASS edu\.coherent_roundtrip"]),
        # NVMe (always DMAs through the SMMU when there is one), then without the SMMU.
        # Ends at the console: `nvme` shows the controller after the self-tests.
        "nvme": dict(boot="kernel", expect="pass-console", append="",
                     console=["nvme", "blk reset nvme0n1"],
                     disks=[dict(kind="nvme", size=1 << 20)],
                     must=[r"nvme0: 0000:00:\d\d\.0 1b36:0010 NVMe \d\.\d, \"QEMU NVMe Ctrl\" "
                           r"serial fwtest0 .*completion interrupt INTID \d+, behind the SMMU",
                           r"blk: nvme0n1: 2048 blocks of 512 bytes \(1 MiB\)",
                           r"selftest: PASS nvme\.identify", r"selftest: PASS nvme\.prp_list",
                           r"selftest: PASS nvme\.prp_rule_violation",
                           r"selftest: PASS nvme\.error_status",
                           r"selftest: PASS nvme\.timeout_recovers",
                           r"selftest: PASS nvme\.completion_interrupt",
                           r"selftest: PASS nvme\.reset_failure", *nvme_reset_failure,
                           r"fw> nvme\nnvme0: 0000:00:\d\d\.0 1b36:0010 \"QEMU NVMe Ctrl\" "
                           r"serial fwtest0 .*\n  CAP 0x[0-9a-f]{16}: MQES \d+, .*\n"
                           r"  interrupt: INTx, INTID \d+: \d+ taken, \d+ with completions, "
                           r"0 not ours\n  admin queue 0: 32 entries, .*\n  I/O queue 1: 32 "
                           r"entries, .*\n  nvme0n1: namespace 1, LBA format 0, 2048 blocks of "
                           r"512 bytes \(1 MiB\)\n  commands \d+, .* timeouts 3, resets 7, "
                           r"lost interrupts 0\n",
                           r"fw> blk reset nvme0n1\nnvme0: controller reset; usable again\n"
                           r"blk: nvme0n1: reset; usable again\n"]),
        "nvme-nosmmu": dict(boot="kernel", machine="virt,gic-version=3", expect="pass",
                            disks=[dict(kind="nvme", size=1 << 20)],
                            must=[r"nvme0: .* serial fwtest0 .*direct DMA",
                                  r"selftest: PASS nvme\.prp_list",
                                  r"selftest: PASS nvme\.prp_rule_violation",
                                  r"selftest: PASS nvme\.timeout_recovers",
                                  r"selftest: PASS nvme\.reset_failure", *nvme_reset_failure]),
        # One controller, three namespaces: 512-byte and 4 KiB blocks (both block
        # devices, each image checked), and one with metadata the driver skips.
        "nvme-multi": dict(boot="kernel", expect="pass",
                           disks=[dict(kind="nvme", namespaces=[
                               dict(size=1 << 20), dict(size=2 << 20, block_size=4096),
                               dict(size=1 << 20, ms=8, must_write=False)])],
                           must=[r"nvme0: .* serial fwtest0 .*, 2 namespace\(s\) used \(NN 256\)",
                                 r"warning: nvme0n3: namespace 3 skipped: LBA format \d+ carries 8 "
                                 r"bytes of metadata per block: not supported",
                                 r"nvme0n1: namespace 1, LBA format 0: 2048 blocks of 512 bytes",
                                 r"nvme0n2: namespace 2, LBA format \d+: 512 blocks of 4096 bytes",
                                 r"blk: nvme0n1: 2048 blocks of 512 bytes \(1 MiB\)",
                                 r"blk: nvme0n2: 512 blocks of 4096 bytes \(2 MiB\)",
                                 r"warning: nvme0: namespace 2 and any later ones not registered: "
                                 r"at most 1 block device\(s\) per controller",
                                 r"selftest: PASS nvme\.identify",
                                 r"selftest: PASS nvme\.namespaces",
                                 r"selftest: PASS blk\.read_pattern",
                                 r"blk: PASS write nvme0n1\n", r"blk: PASS write nvme0n2\n",
                                 r"selftest: PASS blk\.write_pattern",
                                 r"selftest: PASS blk\.bad_requests"],
                           must_not=[r"blk: nvme0n3"]),
        # virtio-blk (modern PCI, iommu_platform=on) through the SMMU, then
        # without one; the image is checked byte by byte after each run.
        "virtio-blk": dict(boot="kernel", expect="pass",
                           disks=[dict(kind="virtio", size=1 << 20)],
                           must=[r"virtio-blk: 0000:00:\d\d\.0 vblk0: 2048 sectors, features "
                                 r"(\w+ )*VERSION_1 ACCESS_PLATFORM.*, completion interrupt, "
                                 r"behind the SMMU",
                                 r"blk: vblk0: 2048 blocks of 512 bytes \(1 MiB\)",
                                 r"selftest: PASS blk\.read_pattern",
                                 r"selftest: PASS blk\.write_pattern", r"blk: PASS write vblk0",
                                 r"selftest: PASS blk\.bad_requests",
                                 r"error: blk: vblk0: read of blocks 2048\.\.2048: the device "
                                 r"has 2048",
                                 r"error: blk: vblk0: read of 17 segments: 1\.\.16 allowed",
                                 r"error: blk: vblk0: read of 513 bytes: not a whole number",
                                 r"selftest: PASS virtio\.blk_bound",
                                 r"selftest: PASS virtio\.blk_features",
                                 r"selftest: PASS virtio\.blk_ring_through_smmu",
                                 r"selftest: PASS virtio\.blk_completion_irq",
                                 r"selftest: PASS virtio\.blk_error_status",
                                 r"virtio-blk: vblk0: read of sectors 2048\.\.2048 \(512 bytes\): "
                                 r"device status IOERR",
                                 r"selftest: PASS virtio\.blk_timeout_recovers",
                                 r"virtio-blk: vblk0: read of sectors 0\.\.2 \(1536 bytes\) not "
                                 r"completed after 50 ms",
                                 r"selftest: PASS virtio\.blk_dma_fault_recovers",
                                 r"DMA to IOVA 0xff80000 faulted in the SMMU: F_TRANSLATION",
                                 r"virtio-blk: vblk0: device reset and restarted",
                                 r"selftest: PASS virtio\.blk_reset_failure", *vblk_reset_failure]),
        # PCIe not coherent: the ring in Normal-NC memory, the data cleaned and
        # invalidated around each request (unaligned segments: partial lines).
        "virtio-blk-noncoherent": dict(boot="kernel", overlay="qemu-virt-noncoherent",
                                       noncoherent_pcie=True, expect="pass",
                                       disks=[dict(kind="virtio", size=1 << 20)],
                                       must=[r"virtio-blk: 0000:00:\d\d\.0 vblk0: .*behind the SMMU",
                                             r"blk: PASS write vblk0",
                                             r"selftest: PASS virtio\.blk_ring_through_smmu",
                                             r"selftest: PASS virtio\.blk_dma_fault_recovers"]),
        # The blk console command on a virtio disk (after the boot self-tests).
        "virtio-blk-console": dict(boot="kernel", expect="pass-console", append="",
                                   disks=[dict(kind="virtio", size=1 << 20)],
                                   console=["blk", "blk read vblk0 1", "blk read vblk0 0x7ff 1",
                                            "blk read vblk0 2048", "blk read nosuch 0",
                                            "blk read vblk0 x", "blk read vblk0 0 99",
                                            "blk frob", "blk reset vblk0", "blk read vblk0 1",
                                            "blk reset nosuch", "blk reset"],
                                   must=[r"\nvblk0  1 MiB, 2048 blocks of 512 bytes, pci "
                                         # the self-test's 2 writes, and the soak's
                                         r"0000:00:02\.0\n  reads \d+ \(.*\), writes \d+ "
                                         r"\(.*\), flushes \d+, errors \d+\n",
                                         r"\n" + vblk0_block1,
                                         r"\nvblk0: block 2047\.\.2047 \(byte 0xffe00\):\n",
                                         r"blk read vblk0 2048\nerror: blk: vblk0: read of blocks "
                                         r"2048\.\.2048: the device has 2048\nblk: failed: ERANGE",
                                         r"blk: no block device 'nosuch'; devices: vblk0\n"
                                         r"blk: failed: ENODEV",
                                         r"blk: 'x' is not a block number\nusage: blk \[read "
                                         r"<name> <lba> \[count\] \| reset <name>\]",
                                         r"blk: count '99' is not 1\.\.16\nusage: blk",
                                         r"blk frob\nusage: blk",
                                         # the reset, then the data is still read right
                                         r"fw> blk reset vblk0\nvirtio-blk: vblk0: device reset "
                                         r"and restarted\nblk: vblk0: reset; usable again\n"
                                         r"fw> blk read vblk0 1\n" + vblk0_block1,
                                         r"fw> blk reset nosuch\nblk: no block device 'nosuch'; "
                                         r"devices: vblk0\nblk: failed: ENODEV",
                                         r"fw> blk reset\nusage: blk \[read",
                                         r"selftest: PASS blk\.reset_without_op"]),
        "virtio-blk-nosmmu": dict(boot="kernel", machine="virt,gic-version=3", expect="pass",
                                  disks=[dict(kind="virtio", size=1 << 20)],
                                  must=[r"virtio-blk: 0000:00:\d\d\.0 vblk0: .*direct DMA",
                                        r"blk: PASS write vblk0",
                                        r"selftest: PASS blk\.bad_requests",
                                        r"selftest: PASS virtio\.blk_error_status",
                                        r"selftest: PASS virtio\.blk_timeout_recovers",
                                        r"selftest: PASS virtio\.blk_reset_failure",
                                        *vblk_reset_failure]),
        # make bench only: deterministic instruction counts need -icount.
        "bench": dict(boot="kernel", devices=edu, overlay="qemu-virt-pools", expect="pass",
                      extra=["-icount", "shift=0"], bench=True,
                      append="selftest.exit selftest.only=cache.bench_clean,dma.bench_map,"
                             "dma.bench_alloc,smmu.bench_map",
                      must=[r"selftest: PASS cache\.bench_clean", r"selftest: PASS dma\.bench_map",
                            r"bench: alloc_trace coherent-small ", r"bench: alloc_trace coherent-large ",
                            r"bench: alloc_trace dmapool-64 ", r"bench: alloc_trace dmapool-48 ",
                            r"bench: alloc_full coherent-small ",
                            r"selftest: PASS dma\.bench_alloc", r"selftest: PASS smmu\.bench_map"]),
        # make bench only: the DMA layer's share of a block request, per driver.
        "bench-blk": dict(boot="kernel", expect="pass", extra=["-icount", "shift=0"], bench=True,
                          disks=[dict(kind="virtio", size=1 << 20, must_write=False),
                                 dict(kind="nvme", size=1 << 20, must_write=False)],
                          append="selftest.exit selftest.only=blk.bench_dma",
                          must=[r"bench: blk_dma vblk0 size=4096 ",
                                r"bench: blk_dma vblk0 size=65536 ",
                                r"bench: blk_dma nvme0n1 size=4096 ",
                                r"bench: blk_dma nvme0n1 size=65536 ",
                                r"selftest: PASS blk\.bench_dma"]),
        # The console, driven through the serial port: line editing, history,
        # every built-in command, bad input (see console_steps()).
        "console": dict(boot="kernel", devices=edu, overlay="qemu-virt-pools", append="",
                        expect="pass-console", steps=console_steps,
                        must=[r"selftest: PASS shell\.dma_lists_live",
                              r"shell: the dma listing with two live records:\n"
                              r"/dma-test/coherent-nomap-pool \(coherent, mask \d+ bits, "
                              r"pool dma-pool@50000000\):\n"
                              r"  coherent dma 0x0050000000  phys 0x0050000000  8192 bytes\n"
                              r"  single   dma 0x[0-9a-f]{10}  phys 0x[0-9a-f]{10}  3000 bytes "
                              r"to-device\n"]),
        # A board user's U-Boot session: files already in RAM (as `load mmc` or
        # `tftp` would leave them), the pools overlay applied with U-Boot's fdt
        # commands, booti (see uboot_board_steps()).
        "uboot-board": dict(boot="uboot-board", devices=edu, expect="pass", append=None,
                            steps=uboot_board_steps,
                            must=[r"=> booti \$\{kernel_addr_r\} - \$\{fdt_addr\}",
                                  r"image: 0x0000000040400000\.\.",
                                  r"dtb: 0x[0-9a-f]+ \(from loader, x0\)",
                                  r"selftest: PASS dma\.pools_from_dt",
                                  r"selftest: PASS dma\.bounce_restricted"],
                            must_not=[r"libfdt fdt_\w+\(\): FDT_ERR", r"Usage:"]),
        # The same image on another board: QEMU's npcm845-evb (Cortex-A35 x4,
        # GIC-400, 16550 UARTs 4 bytes apart), from tests/qemu/npcm845-evb.dts.
        # 32-bit registers with the divisor programmed from clock-frequency,
        # the console typed at over the 16550; then byte registers with the
        # divisor left alone. The board has no PSCI: the console run is killed.
        "board-16550": dict(boot="kernel", machine="npcm845-evb", cpu=None, smp=None,
                            board_dts="npcm845-evb", append="", expect="pass-console",
                            steps=board_console_steps, end="kill",
                            must=[r"entered at EL2, running at EL1",
                                  r"model \"QEMU npcm845-evb\"",
                                  r"ram: 0x0000000000\.\.0x001fffffff \(512 MiB\)",
                                  r"irq: GICv2 at 0xdfff9000"]),
        "board-16550-byte": dict(boot="kernel", machine="npcm845-evb", cpu=None, smp=None,
                                 board_dts="npcm845-evb", expect="pass",
                                 fdtput=[["-t", "i", DTB, "/ahb/apb/serial@0", "reg-io-width", "1"],
                                         ["-d", DTB, "/ahb/apb/serial@0", "clock-frequency"]],
                                 must=[r"model \"QEMU npcm845-evb\"",
                                       r"selftest: PASS irq\.timer_ppi_level"]),
        # Memory protection and the stack protector (README "Hardening"): a
        # no-map carveout that must fault, and a CPU and DT without entropy,
        # so the guard stays the fixed fallback and says so.
        "protect": dict(boot="kernel", machine=MACHINE_DEFAULT + ",dtb-randomness=off",
                        cpu="cortex-a57", devices=edu, overlay="qemu-virt-protect",
                        expect="pass",
                        must=[r"stack-protector: warning: no entropy \(no /chosen/rng-seed",
                              r"selftest: PASS protect\.nomap_region_unmapped",
                              r"selftest: PASS protect\.stack_guard_seeded",
                              r"selftest: PASS protect\.canary_in_frame",
                              # no fallback pool here: injected coherent failures fail the call
                              r"inject: coherent [1-9]\d* points?, iova [1-9]\d*, "
                              r"pgtable [1-9]\d*, bounce 0: all recovered"]),
        # A smashed canary (protect.stack_smash_detected) must end in a crash report.
        "smash": dict(boot="kernel", append="selftest.exit selftest.smash selftest.only=protect",
                      expect="crash",
                      must=[r"stack-protector: guard seeded from /chosen/rng-seed .*RNDR",
                            r"selftest: PASS protect\.stack_guard_seeded",
                            r"\*\*\* CRASH: stack smashing detected",
                            r"selftest: FAIL protect\.stack_smash_detected: crashed"]),
        "crash": dict(boot="kernel", append="selftest.exit selftest.crash", expect="crash",
                      must=[r"\*\*\* CRASH: synchronous \(SP_EL0\) exception at EL1",
                            r"data abort, same EL: translation fault, level \d \(write\)",
                            r"FAR  0x0000000000000008",
                            r"selftest: FAIL boot\.deliberate_crash: crashed"]),
        # The soak (README "Soak"): 100000 random DMA operations over two edus,
        # a virtio-blk and an NVMe disk behind the SMMU and the pools overlay's
        # devices, every byte checked, then nothing leaked. A new seed each
        # time unless SOAK_SEED is set; the disks must come back unchanged.
        "soak": dict(boot="kernel", devices=edu2, overlay="qemu-virt-pools", expect="pass",
                     timeout=SOAK_TIMEOUT, announce="seed 0x%x (SOAK_SEED=0x%x replays it)"
                     % (SOAK_SEED, SOAK_SEED),
                     disks=[dict(kind="virtio", size=1 << 20, must_write=False),
                            dict(kind="nvme", size=1 << 20, must_write=False)],
                     append="selftest.exit selftest.only=soak soak.ops=%d soak.seed=0x%x"
                     % (SOAK_OPS, SOAK_SEED),
                     must=[r"soak: seed 0x%x, %d operations over \d+ devices \(2 edu, 2 disks\)"
                           % (SOAK_SEED, SOAK_OPS),
                           r"soak: %d operations \(alloc [1-9]\d*, free [1-9]\d*, map [1-9]\d*, "
                           r"unmap [1-9]\d*, map_sg [1-9]\d*, unmap_sg [1-9]\d*, sync [1-9]\d*, "
                           r"pool_create [1-9]\d*, pool_alloc [1-9]\d*, pool_free [1-9]\d*, "
                           r"pool_destroy [1-9]\d*, edu [1-9]\d*, blk_read [1-9]\d*, "
                           r"blk_write [1-9]\d*\), 0 leaks, 0 corruptions, seed 0x%x"
                           % (SOAK_OPS, SOAK_SEED),
                           r"selftest: PASS soak\.random_ops"]),
    }


P = r"\nfw> $"          # a command's output ends with the prompt back
BS = "\x7f"              # what a terminal sends for Backspace
UP, DOWN = "\x1b[A", "\x1b[B"


def console_steps(build):
    """What the console run types, and what must follow each input."""
    del build
    return [
        ("", r"verdict: PASS\nconsole ready; type 'help'\nfw> $"),
        # help lists every built-in command, sorted, with its usage.
        ("help\r", [r"^help\n  bench .*\n(.*\n)*  dma .*\n(.*\n)*  dtb \[path\|alias\] .*\n"
                    r"(.*\n)*  help .*\n(.*\n)*  mem .*\n(.*\n)*  pools .*\n(.*\n)*  poweroff .*\n"
                    r"(.*\n)*  reset .*\n(.*\n)*  selftest \[suite\|suite\.name\|all\] .*\n"
                    r"(.*\n)*keys: Backspace .*" + P]),
        # Bad input: a clear message and the prompt back.
        ("frobnicate\r", r"^frobnicate\nunknown command 'frobnicate'; type 'help' for the list"
         + P),
        ("mem x\r", r"^mem x\nusage: mem" + P),
        ("dtb / extra\r", r"^dtb / extra\nusage: dtb \[path\|alias\]" + P),
        ("dtb /nonexistent\r", r"^dtb /nonexistent\ndtb: no node '/nonexistent' "
         r"\(FDT_ERR_NOTFOUND\).*\ndtb: failed: ENOENT" + P),
        ("selftest nosuch\r", r"^selftest nosuch\nselftest: no suite or test named 'nosuch'; "
         r"suites:( \w+)* boot( \w+)*\nselftest: failed: ENOENT" + P),
        ("a b c d e f g h i\r", r"^a b c d e f g h i\ntoo many arguments \(at most 8 words\)"
         + P),
        # Ctrl-U erases the line.
        ("garbage\x15help\r", r"^garbage(\x08 \x08){7}help\n  bench (.*\n)*fw> $"),
        # Backspace and DEL edit the line: "dtbx" -> "dtb", "/chosem" -> "/chosen".
        ("dtbx" + BS + " /chosem\x08n\r",
         r"^dtbx\x08 \x08 /chosem\x08 \x08n\n/chosen \{\n(.*\n)*"
         r"\tstdout-path = \"/pl011@9000000\";\n(.*\n)*\};" + P),
        # Ctrl-C abandons the line: nothing runs, nothing enters the history.
        ("mem\x03", r"^mem\^C" + P),
        # History: Up recalls the last line; Up x3 then Down (SS3 form) walks it,
        # each recall erasing what was shown.
        (UP + "\r", r"^dtb /chosen\n/chosen \{\n(.*\n)*\};" + P),
        (UP + UP + UP + "\x1bOB\r", r"^dtb /chosen(\x08 \x08){11}help(\x08 \x08){4}"
         r"a b c d e f g h i(\x08 \x08){17}help\n  bench (.*\n)*fw> $"),
        ("\x1b[1;5C" + DOWN + "dma\r", r"^\x07dma\n((\S.* \((non-)?coherent, mask \d+ bits.*\):|"
         r"  (coherent|single|page|sg) +dma 0x[0-9a-f]+  phys 0x[0-9a-f]+  .*)\n)*"
         r"\d+ live DMA mappings and coherent allocations \(dma-debug\), \d+ reports so far" + P),
        # The memory map, to scale, with every pool's use.
        ("mem\r", [r"^mem\nRAM 0x0040000000\.\.0x005fffffff 512 MiB, one column = 8 MiB, "
                   r"'\.' = RAM nothing claims \(\d+(\.\d)? MiB\)\n",
                   # To scale: the DTB at 0x48000000 is 128 MiB in, column 16.
                   r"\n  \|I\.{15}D\.+\w\.\wH+N\w\|\n",
                   r"\n I  firmware image +0x0040200000  \d+(\.\d)? [KM]iB +code data stacks\n",
                   r"\n D  dtb +0x0048000000  \d+(\.\d)? KiB +from loader\n",
                   r"\n \w  dma-pool@50000000 +0x0050000000  1 MiB +pool no-map \(static\) +"
                   r"\[\.{10}\] +0% used 0 B of 1 MiB\n",
                   r"\n \w  linux,cma +0x005f800000  8 MiB +pool reusable cma \(dynamic\) +\[",
                   r"\n \w  restricted@51400000 +0x0051400000  1 MiB +restricted \(static\) +\[",
                   r"\n S  swiotlb +0x0040400000  4 MiB +bounce buffer +\[",
                   r"\n N  fw-nc-pool +0x[0-9a-f]{10}  2 MiB +pool firmware normal-nc +\[",
                   r"\n H  firmware RAM +0x[0-9a-f]{10}  \d+ MiB +page allocator +\[#\.{9}\] +"
                   r"\d+% used \d+(\.\d)? [KM]iB of \d+ MiB\n",
                   r"\nMMIO and holes \(CPU map\):\n(.*\n)*    pl011 +0x0009000000  4 KiB +"
                   r"mmio device-nGnRE\n", P]),
        ("pools\r", [r"\ndma-pool@50000000: 0x0050000000\.\.0x00500fffff 1 MiB, pool no-map "
                     r"\(static\)\n    \[[#.]{10}\] used \d+ [KM]?i?B, free \d+ [KM]?i?B, "
                     r"largest free block \d+ [KM]?i?B\n    devices: "
                     r"(/dma-test/coherent-nomap-pool, /dma-test/noncoherent-nomap-pool|"
                     r"/dma-test/noncoherent-nomap-pool, /dma-test/coherent-nomap-pool)\n",
                     r"\ndma-default@51000000: .* pool no-map default \(static\)\n.*\n"
                     r"    devices: /dma-test/coherent-dma-default\n",
                     r"\nrestricted@51400000: .* restricted \(static\)\n.*\n"
                     r"    devices: /dma-test/restricted\n",
                     r"\nlinux,cma: .* pool reusable cma \(dynamic\)\n",
                     r"\nfw-nc-pool: .* firmware normal-nc",
                     r"\nswiotlb: .* default bounce buffer\n",
                     r"\n7 pools; \d+ firmware blocks borrowed from reusable pools" + P]),
        ("dtb\r", [r"^dtb\n/ \{\n", r"\n\tmodel = \"linux,dummy-virt\";\n",
                   r"\n\tchosen \{ \.\.\. \};\n", r"\n\treserved-memory \{ \.\.\. \};\n",
                   r"\n\};" + P]),
        ("dtb /reserved-memory/restricted@51400000\r",
         [r"\n/reserved-memory/restricted@51400000 \{\n(\t.*\n)*\};" + P,
          r"\n\tcompatible = \"restricted-dma-pool\";\n",
          r"\n\treg = <0x0 0x51400000 0x0 0x100000>;\n"]),
        ("selftest shell\r", r"selftest: PASS shell\.registry\n(.*\n)*"
         r"selftest: summary: \d+ passed, 0 failed, \d+ skipped" + P),
        # Every *.bench_* self-test, and nothing else.
        ("bench\r", [r"^bench\nbench: (\w+\.bench_\w+,)*\w+\.bench_\w+ \(.*\)\n"
                     r"(selftest: (PASS|SKIP) \w+\.bench_\w+.*\n)+selftest: summary: \d+ passed, "
                     r"0 failed, \d+ skipped" + P,
                     r"\nselftest: \w+ cache\.bench_clean", r"\nselftest: \w+ dma\.bench_map"]),
        # PCI functions and the SMMU's view of them.
        ("pci\r", [r"^pci\npci: 0000:00:00\.0 1b36:0008 class 060000",
                   r"\npci: 0000:00:02\.0 1234:11e8 class 00ff00 bar0 0x[0-9a-f]+ \(1 MiB, mem32\) "
                   r"INTA -> GIC SPI \d+, stream 0x10" + P]),
        ("pci x\r", r"^pci x\nusage: pci" + P),
        ("smmu\r", [r"^smmu\n/smmuv3@9050000: base 0x9050000, CR0 0xd, GERROR (0x[01])/\1, 2-level",
                    r"\n  cmdq: 256 entries, PROD 0x[0-9a-f]+ CONS 0x[0-9a-f]+; evtq: 128 entries",
                    r"\n  commands \d+, syncs \d+, command errors \d+, events \d+, overflows \d+, "
                    r"global errors \d+\n",
                    r"\n  stream 0x0010 pci 0000:00:02\.0 +asid \d+, \d+ maps, \d+ unmaps.*" + P]),
        ("smmu ste 0x10\r", r"\n  STE 0x10: V 1, Config 5 \(stage 1\), S1ContextPtr 0x[0-9a-f]+\n"
         r"    [0-9a-f]{16} [0-9a-f]{16} [0-9a-f]{16} [0-9a-f]{16}\n" r"    [0-9a-f]{16}.*" + P),
        ("smmu ste 0x7\r", r"\n  STE 0x7: V 1, Config 0 \(abort\)"),
        ("smmu ste 0x5000\r", r"\n  stream 0x5000: no STE \(level-1 descriptor invalid\): aborts" + P),
        ("smmu ste 0x1000000\r", r"\n  stream 0x1000000: no STE \(beyond the stream table\): aborts"
         + P),
        ("smmu ste zz\r", r"^smmu ste zz\nsmmu: 'zz' is not a stream ID\nusage: smmu \[faults \| ste <stream-id>\]" + P),
        ("smmu faults\r", r"^smmu faults(\n  #\d+ F_\w+ .* stream 0x10 IOVA 0x[0-9a-f]+ "
         r"(read|write))+" + P),
        # The soak at the prompt: a replay by count and seed, and bad input.
        ("soak 300 0x1234\r", [r"^soak 300 0x1234\nsoak: seed 0x1234, 300 operations over \d+ "
                               r"devices \(1 edu, 0 disks\)\n",
                               r"\nsoak: 300 operations \(alloc \d+, .*\), 0 leaks, 0 corruptions, "
                               r"seed 0x1234\n",
                               r"\nreplay: bootargs soak\.seed=0x1234 soak\.ops=300 \(console: "
                               r"soak 300 0x1234\)" + P]),
        ("soak 0\r", r"^soak 0\nsoak: '0' is not a number of operations above 0\nusage: soak "
         r"\[ops\] \[seed\]" + P),
        ("soak 10 0xzz\r", r"^soak 10 0xzz\nsoak: '0xzz' is not a seed \(decimal, or hex with "
         r"0x\)\nusage: soak \[ops\] \[seed\]" + P),
        # PSCI SYSTEM_RESET: the firmware boots again, to the prompt.
        ("reset\r", r"^reset\n(.*\n)*fw \S+ \(qemu image\), entered at EL1(.*\n)*"
         r"verdict: PASS\nconsole ready; type 'help'" + P),
    ]


def board_console_steps(build):
    """Typing at the console of the board-16550 run: input through the 16550."""
    del build
    return [
        ("", r"verdict: PASS\nconsole ready; type 'help'\nfw> $"),
        ("dtb serial0\r", [r"^dtb serial0\n/ahb/apb/serial@0 \{\n(\t.*\n)*\};" + P,
                           r"\n\tcompatible = \"nuvoton,npcm845-uart\", \"ns16550a\";\n",
                           r"\n\treg-shift = <0x2>;\n"]),
        ("mem\r", [r"^mem\nRAM 0x0000000000\.\.0x001fffffff 512 MiB",
                   r"\n    ns16550 +0x00f0000000  4 KiB +mmio device-nGnRE\n", P]),
        # No /psci in this DT: both commands say so and fail, the console stays.
        ("poweroff\r", r"^poweroff\npoweroff: PSCI SYSTEM_OFF unavailable: the DT has no "
         r"/psci\npoweroff: failed: ENODEV" + P),
        ("reset\r", r"^reset\nreset: PSCI SYSTEM_RESET unavailable: the DT has no "
         r"/psci\nreset: failed: ENODEV" + P),
    ]


def board_dtb(build, name, r):
    """tests/qemu/BOARD.dts compiled, then edited with the run's fdtput lists."""
    outdir = os.path.join(build, "qemu")
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, name + ".dtb")
    sh(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", path,
        os.path.join(os.path.dirname(os.path.abspath(__file__)), r["board_dts"] + ".dts")])
    for args in r.get("fdtput", []):
        sh(["fdtput"] + [path if a is DTB else a for a in args])
    return path


def uboot_has_fdt_apply():
    """Whether this U-Boot was built with CONFIG_OF_LIBFDT_OVERLAY."""
    return b"fdt apply" in open(UBOOT_BIN, "rb").read()


def uboot_board_steps(build):
    """A board user at U-Boot's prompt: stop autoboot, add the pools, booti."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "scripts"))
    import dtbo2fdt  # noqa: E402
    dtbo = os.path.join(build, "dts", "qemu-virt-pools.dtbo")
    if uboot_has_fdt_apply():
        overlay = ["fdt apply 0x%x" % UBOOT_OVERLAY_ADDR]
    else:
        # Debian's qemu_arm64 U-Boot has no `fdt apply`: the same change as
        # fdt mknode/set commands (scripts/dtbo2fdt.py, README).
        overlay = dtbo2fdt.commands(dtbo2fdt.parse(open(dtbo, "rb").read()))
    steps = [("", r"Hit any key to stop autoboot"), (" ", r"=> $")]
    for c in (["setenv bootargs selftest.exit", "fdt addr ${fdt_addr}", "fdt resize 8192"] +
              overlay):
        # Nothing but the echo (and fdt addr's note) may come back: no error.
        steps.append((c + "\r", r"^" + re.escape(c) + r"\n(Working FDT set to \w+\n)?=> $"))
    steps.append(("booti ${kernel_addr_r} - ${fdt_addr}\r", r"verdict: PASS\n"))
    return steps


class Steps:
    """Types each step's keys, then waits for the output after them to match."""

    def __init__(self, steps):
        self.steps = steps
        self.i = 0
        self.mark = None   # where in the output the current step's keys went in

    def done(self):
        return self.i == len(self.steps)

    def advance(self, proc, clean):
        while self.i < len(self.steps):
            keys, want = self.steps[self.i]
            if self.mark is None:
                self.mark = len(clean)
                if keys:
                    try:
                        proc.stdin.write(keys.encode("latin-1"))
                        proc.stdin.flush()
                    except OSError:
                        return
            wants = [] if want is None else [want] if isinstance(want, str) else want
            # No re.S: "." stays on one line, so "(.*\n)*" spans lines
            # without backtracking blow-ups on partial output.
            if not all(re.search(w, clean[self.mark:]) for w in wants):
                return
            self.i += 1
            self.mark = None

    def why(self, clean):
        keys, want = self.steps[self.i]
        wants = [want] if isinstance(want, str) else want
        miss = next(w for w in wants if not re.search(w, clean[self.mark or 0:]))
        return "step %d/%d: after typing %r the output lacks /%s/; it was: %r" % (
            self.i + 1, len(self.steps), keys, miss, clean[self.mark or 0:][-400:])


# Where QEMU -kernel puts an arm64 Image whose header says text_offset 0, on
# virt: RAM base + 2 MiB (every virt run's banner says "image: 0x40200000").
QEMU_KERNEL_LOAD = 0x40200000


def gdb_command(elf, port, extra=()):
    """gdb-multiarch attached to QEMU's stub, with @elf's symbols where the image runs."""
    q = lambda s: "'%s'" % s  # noqa: E731
    return (["gdb-multiarch", "-q", "-ex", q("target remote :%d" % port),
             "-ex", q("symbol-file -o 0x%x %s" % (QEMU_KERNEL_LOAD, elf))] +
            [a for e in extra for a in ("-ex", q(e))])


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


def iommu_map_dtb(build, name, r, machine):
    """QEMU's DTB whose PCIe host iommu-map is r["iommu_map"]: (RID base, stream base, count)
    entries, all to the SMMU node. QEMU's SMMU still takes the stream from the RID."""
    outdir = os.path.join(build, "qemu")
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, name + ".dtb")
    sh([QEMU, "-M", machine + ",dumpdtb=" + path, "-cpu", "max", "-m", "512M",
        "-display", "none"] + r.get("devices", []),
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    nodes = subprocess.run(["fdtget", "-l", path, "/"], capture_output=True,
                           text=True, check=True).stdout.split()
    pcie = "/" + next(n for n in nodes if n.startswith("pcie@"))
    smmu = "/" + next(n for n in nodes if n.startswith("smmuv3@"))
    phandle = subprocess.run(["fdtget", "-t", "u", path, smmu, "phandle"], capture_output=True,
                             text=True, check=True).stdout.strip()
    cells = [str(v) for rid, sid, n in r["iommu_map"] for v in (rid, phandle, sid, n)]
    sh(["fdtput", "-t", "u", path, pcie, "iommu-map"] + cells)
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


def disk_path(build, name, i, d):
    return os.path.join(build, "qemu", "%s-disk%d-%s.img" % (name, i, d["kind"]))


def disk_images(build, name, r):
    """Every image of the run's disks, as dicts: what (for messages), path,
    size, must_write, name (the block device whose 'blk: PASS write' line
    says the write region changed; None: any), drive (QEMU drive id), and
    for an NVMe namespace nsid, block_size, ms. A disk with 'namespaces'
    has one image per namespace, named nvme<C>n<NSID> (C counts the NVMe
    disks before it)."""
    images, nvme = [], 0
    for i, d in enumerate(r.get("disks", [])):
        if d["kind"] not in ("virtio", "nvme"):
            raise ValueError("unknown disk kind %r" % d["kind"])
        if "namespaces" not in d:
            images.append(dict(what="disk %d (%s)" % (i, d["kind"]), disk=i,
                               path=disk_path(build, name, i, d), size=d["size"],
                               must_write=d.get("must_write", True), name=d.get("name"),
                               drive="disk%d" % i))
        for k, ns in enumerate(d.get("namespaces", [])):
            nsid = ns.get("nsid", k + 1)
            images.append(dict(what="disk %d (nvme) namespace %d" % (i, nsid), disk=i,
                               path=os.path.join(build, "qemu", "%s-disk%d-nvme-ns%d.img" %
                                                 (name, i, nsid)),
                               size=ns["size"], must_write=ns.get("must_write", True),
                               name="nvme%dn%d" % (nvme, nsid), drive="disk%dns%d" % (i, nsid),
                               nsid=nsid, block_size=ns.get("block_size"), ms=ns.get("ms")))
        nvme += d["kind"] == "nvme"
    return images


def disk_args(build, name, r):
    """Fresh pattern images for the run's disks, and the QEMU arguments."""
    args = []
    images = disk_images(build, name, r)
    for img in images:
        disk.make(img["path"], img["size"])
        args += ["-drive", "file=%s,if=none,id=%s,format=raw,cache=writethrough" %
                 (img["path"], img["drive"])]
    for i, d in enumerate(r.get("disks", [])):
        drive = "disk%d" % i
        if d["kind"] == "virtio":
            extra = ",disable-legacy=on,iommu_platform=on" if d.get("iommu", True) else \
                ",disable-legacy=on"
            args += ["-device", "virtio-blk-pci,drive=%s%s" % (drive, extra)]
        elif "namespaces" not in d:
            args += ["-device", "nvme,drive=%s,serial=fwtest%d" % (drive, i)]
        else:
            # QEMU's NVMe subsystem model: the controller, then one nvme-ns per namespace.
            args += ["-device", "nvme,id=nvme%d,serial=fwtest%d" % (i, i)]
            for img in (m for m in images if m["disk"] == i):
                dev = "nvme-ns,drive=%s,bus=nvme%d,nsid=%d" % (img["drive"], i, img["nsid"])
                if img["block_size"]:
                    dev += ",logical_block_size=%d,physical_block_size=%d" % (
                        img["block_size"], img["block_size"])
                if img["ms"]:
                    dev += ",ms=%d" % img["ms"]
                args += ["-device", dev]
    return args


def verify_disks(build, name, r, text):
    """Every byte of every disk image, after QEMU exited. Return a problem or None."""
    for img in disk_images(build, name, r):
        written = bool(re.search(r"blk: PASS write %s\b" % re.escape(img["name"]), text)) \
            if img["name"] else bool(re.search(r"blk: PASS write ", text))
        ok, msg = disk.verify(img["path"], img["size"], written)
        with open(os.path.join(build, "qemu", name + ".log"), "a") as log:
            log.write("# %s: %s\n" % (img["what"], msg))
        if not ok:
            return "%s: %s" % (img["what"], msg)
        if img["must_write"] and not written:
            return "%s: the firmware's write test did not pass" % img["what"]
    return None


def qemu_cmd(build, name, r, interactive=False):
    machine = r.get("machine", MACHINE_DEFAULT)
    image = os.path.join(build, "Image")
    cmd = [QEMU, "-M", machine, "-m", "512M", "-semihosting-config", "enable=on,target=native"]
    if r.get("cpu", "max"):
        cmd += ["-cpu", r.get("cpu", "max")]
    if r.get("smp", "1"):
        cmd += ["-smp", r.get("smp", "1")]
    if interactive:
        cmd += ["-nographic"]
    else:
        cmd += ["-display", "none", "-monitor", "none", "-serial", "stdio"]
    cmd += r.get("devices", []) + r.get("extra", [])
    cmd += disk_args(build, name, r)
    append = r.get("append", "" if interactive else "selftest.exit")
    if r.get("overlay"):
        cmd += ["-dtb", overlay_dtb(build, name, r, machine)]
    if r.get("board_dts"):
        cmd += ["-dtb", board_dtb(build, name, r)]
    if r.get("iommu_map"):
        cmd += ["-dtb", iommu_map_dtb(build, name, r, machine)]
    if r["boot"] == "kernel":
        cmd += ["-kernel", image]
        if append:
            cmd += ["-append", append]
    elif r["boot"] == "uboot":
        cmd += ["-bios", UBOOT_BIN, "-kernel", image]
        if append:
            cmd += ["-append", append]
    elif r["boot"] == "uboot-board":
        # What `load mmc 0:1 ...` or `tftp` would leave in RAM; QEMU's DTB is
        # at ${fdt_addr} already (with -bios, QEMU puts it at the bottom of RAM).
        dtbo = os.path.join(build, "dts", "qemu-virt-pools.dtbo")
        cmd += ["-bios", UBOOT_BIN,
                "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (image, UBOOT_IMAGE_ADDR),
                "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (dtbo, UBOOT_OVERLAY_ADDR)]
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
    """Run one configuration (@timeout seconds, or the run's own 'timeout' if
    longer); return (ok, reason, guest_summary)."""
    timeout = max(timeout, r.get("timeout", 0))
    os.makedirs(os.path.join(build, "qemu"), exist_ok=True)
    log_path = os.path.join(build, "qemu", name + ".log")
    cmd = qemu_cmd(build, name, r)
    with open(log_path, "w") as log:
        log.write("# " + " ".join(cmd) + "\n")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    out = b""
    deadline = time.monotonic() + timeout
    timed_out = False
    expect = r["expect"]
    # Runs that end at the console type their steps (or just wait for the
    # prompt), then power off.
    steps = r["steps"](build) if r.get("steps") else None
    if expect.endswith("-console"):
        if steps is None:
            steps = [("", PROMPT_RE)] + [(line + "\r", PROMPT_RE) for line in r.get("console", [])]
        if r.get("end") != "kill":
            steps = steps + [("poweroff\r", None)]
    driver = Steps(steps) if steps else None
    broken = None
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
        clean = out.decode("utf-8", "replace").replace("\r", "")
        broken = next((p for p in r.get("must_not", []) if re.search(p, clean)), None)
        if broken:
            break  # fail fast: waiting for the next step is pointless
        if driver:
            driver.advance(proc, clean)
            if driver.done() and r.get("end") == "kill":
                break
    if timed_out or broken or (driver and driver.done() and r.get("end") == "kill"):
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
    text = text.replace("\r", "")

    m = None
    for m in SUMMARY_RE.finditer(text):
        pass
    summary = m.groups() if m else None
    missing = [p for p in r.get("must", []) if not re.search(p, text)]
    if broken:
        return False, "log contains /%s/" % broken, summary
    if driver and not driver.done():
        return False, driver.why(text), summary
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
    problem = verify_disks(build, name, r, text)
    if problem:
        return False, problem, summary
    return True, "", summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--interactive", metavar="RUN")
    ap.add_argument("--gdb", metavar="PORT", type=int,
                    help="with --interactive: QEMU waits for gdb on PORT (-S -gdb)")
    ap.add_argument("runs", nargs="*")
    a = ap.parse_args()
    defs = run_defs()
    if a.list:
        for n, r in defs.items():
            print("%-14s boot=%s expect=%s" % (n, r["boot"], r["expect"]))
        return 0
    if a.interactive and a.gdb:
        r = defs[a.interactive]
        cmd = qemu_cmd(a.build, a.interactive, r, interactive=True)
        cmd += ["-S", "-gdb", "tcp::%d" % a.gdb]
        elf = os.path.join(a.build, "firmware.elf")
        print("+ " + " ".join(cmd) + "\n"
              "QEMU is stopped at reset, waiting for gdb on port %d. In another terminal:\n"
              "  %s\n"
              "The image is linked at 0 and runs where QEMU loaded it (0x%x), so its\n"
              "symbols are loaded with that offset (README: Debugging with gdb).\n"
              "Ctrl-A X quits QEMU." % (a.gdb, " ".join(gdb_command(elf, a.gdb)), QEMU_KERNEL_LOAD),
              flush=True)
        os.execvp(cmd[0], cmd)
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
        if defs[n].get("announce"):
            print("qemu: %s: %s" % (n, defs[n]["announce"]), flush=True)
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
