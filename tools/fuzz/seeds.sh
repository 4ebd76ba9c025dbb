#!/bin/sh
# Seed corpus for tools/fuzz/fuzz_dtb: every DTB the project builds.
#
#   tools/fuzz/seeds.sh BUILD_DIR OUT_DIR [--qemu-runs]
#
#   1. tests/fixtures/dt/*.dts (malformed ones included), dts/*.dts and
#      tests/qemu/*.dts, compiled; the inputs kept from earlier findings
#      (tests/fixtures/fuzz/*.dtb) as they are;
#   2. QEMU virt's own DTB (dumpdtb) for the machines the QEMU runs use:
#      SMMUv3 + GICv3 with two edus, GICv2, EL2, PCIe bridges; packed;
#   3. each dts/*.dtso overlay (BUILD_DIR/dts/*.dtbo) applied to each of
#      those, as a board user would (fdtoverlay);
#   4. with --qemu-runs, also every DTB the QEMU runs left in
#      BUILD_DIR/qemu/ (including the corrupt and truncated ones): `make
#      fuzz` adds them; `make test` does not, so that its bounded run does
#      not depend on which QEMU runs happened before.
#
# The same tree and QEMU give the same seeds, so `make test`'s fuzz run
# (-seed, -runs) is repeatable. Files are named after their source.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR OUT_DIR [--qemu-runs]" >&2; exit 2; }
O=$1
OUT=$2
QEMU_RUNS=${3:-}
DTC=${DTC:-dtc}
QEMU=${QEMU:-qemu-system-aarch64}

rm -rf "$OUT"
mkdir -p "$OUT"
TMP="$OUT/.tmp"
mkdir -p "$TMP"

say() { printf 'seeds: %s\n' "$*" >&2; }

# 1. Sources in the tree.
for f in tests/fixtures/dt/*.dts dts/*.dts tests/qemu/*.dts; do
	[ -f "$f" ] || continue
	name=$(printf '%s' "${f%.dts}" | tr '/' '-')
	"$DTC" -q -I dts -O dtb -o "$OUT/$name.dtb" "$f" 2>/dev/null ||
		say "$f does not compile; skipped"
done
for f in tests/fixtures/fuzz/*.dtb; do
	[ -f "$f" ] && cp "$f" "$OUT/fuzz-$(basename "$f")"
done

# 2. QEMU's own DTBs, packed (dumpdtb pads to 1 MiB).
dump() {
	name=$1
	shift
	if "$QEMU" -M "$1,dumpdtb=$TMP/$name.raw" -cpu max -m 512M -display none \
		$2 >/dev/null 2>&1 &&
		"$DTC" -q -I dtb -O dtb -o "$OUT/qemu-$name.dtb" "$TMP/$name.raw"; then
		return 0
	fi
	say "QEMU could not dump the DTB of $1; skipped"
	rm -f "$OUT/qemu-$name.dtb"
}
if command -v "$QEMU" >/dev/null 2>&1; then
	dump smmu-gicv3 "virt,iommu=smmuv3,gic-version=3" "-device edu -device edu"
	dump gicv2 "virt,gic-version=2" "-device edu"
	dump el2 "virt,virtualization=on,iommu=smmuv3,gic-version=3" "-device edu"
	dump bridges "virt,iommu=smmuv3,gic-version=3" \
		"-device pcie-root-port,id=rp1,chassis=1 -device edu,bus=rp1 \
		 -device pcie-root-port,id=rp2,chassis=2,slot=1 \
		 -device pcie-pci-bridge,id=pb,bus=rp2 -device edu,bus=pb,addr=3"
else
	say "$QEMU not found: no QEMU DTBs"
fi

# 3. Overlays applied to QEMU's DTBs and to the built-in one.
for ovl in "$O"/dts/*.dtbo; do
	[ -f "$ovl" ] || continue
	o=$(basename "$ovl" .dtbo)
	for base in "$OUT"/qemu-*.dtb "$OUT"/dts-*.dtb; do
		[ -f "$base" ] || continue
		b=$(basename "$base" .dtb)
		fdtoverlay -i "$base" -o "$OUT/ovl-$b+$o.dtb" "$ovl" 2>/dev/null ||
			rm -f "$OUT/ovl-$b+$o.dtb"
	done
done

# 4. What the QEMU runs booted (make fuzz only).
if [ "$QEMU_RUNS" = --qemu-runs ]; then
	for f in "$O"/qemu/*.dtb; do
		[ -f "$f" ] || continue
		name=run-$(basename "$f" .dtb)
		"$DTC" -q -I dtb -O dtb -o "$OUT/$name.dtb" "$f" 2>/dev/null ||
			head -c 65536 "$f" >"$OUT/$name.dtb"
	done
fi

rm -rf "$TMP"
say "$(ls "$OUT" | wc -l) seeds in $OUT"
