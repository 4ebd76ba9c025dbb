#!/bin/sh
# Install everything the build and the tests need on Debian bookworm.
#
# Idempotent: a tool that is already there is not installed again, so
# `make run` and `make test` call this on every invocation at no cost.
#
#   scripts/setup.sh [BUILD_DIR]
#
# Host packages come from Debian (QEMU 10 from bookworm-backports, because
# bookworm's 7.2 SMMUv3 model is too lenient, see shared DESIGN.md). The
# target's libfdt is Debian's arm64 libfdt-dev, downloaded into
# BUILD_DIR/sysroot without touching the host's dpkg architectures.
set -eu

O=${1:-build}
SYSROOT="$O/sysroot"
QEMU_MIN_MAJOR=10

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	SUDO=no
fi

as_root() {
	[ "$SUDO" = no ] && die "need root to run '$*': run this script as root or install sudo"
	$SUDO "$@"
}

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this setup supports Debian bookworm only"

UPDATED=
apt_update() {
	[ -n "$UPDATED" ] && return 0
	say "apt-get update"
	# An unreachable third-party source must not stop us: the Debian
	# archive is what we need, and apt-get install reports what is missing.
	as_root apt-get update -qq || say "apt-get update reported errors (continuing)"
	UPDATED=1
}

have_pkg() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

qemu_major() {
	command -v qemu-system-aarch64 >/dev/null 2>&1 || { echo 0; return; }
	qemu-system-aarch64 --version | sed -n 's/^QEMU emulator version \([0-9]*\).*/\1/p'
}

# 1. Plain Debian packages. clang + libclang-rt-dev: the libFuzzer harness
# (make fuzz, and make test's bounded run); clang-tidy, cppcheck: make check.
PKGS="gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu device-tree-compiler
libcmocka-dev libfdt-dev u-boot-qemu gcc make python3 ca-certificates valgrind
gdb-multiarch clang libclang-rt-dev clang-tidy cppcheck"
MISSING=
for p in $PKGS; do
	have_pkg "$p" || MISSING="$MISSING $p"
done
if [ -n "$MISSING" ]; then
	apt_update
	say "installing:$MISSING"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $MISSING >/dev/null
fi

# 2. QEMU 10 from bookworm-backports.
if [ "$(qemu_major)" -lt "$QEMU_MIN_MAJOR" ]; then
	BP=/etc/apt/sources.list.d/bookworm-backports.sources
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		say "adding bookworm-backports to apt sources ($BP)"
		as_root sh -c "cat > $BP" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
		UPDATED=
	fi
	apt_update
	say "installing qemu-system-arm from bookworm-backports"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		-t bookworm-backports qemu-system-arm >/dev/null
	[ "$(qemu_major)" -ge "$QEMU_MIN_MAJOR" ] ||
		die "qemu-system-aarch64 $(qemu_major).x installed, need >= $QEMU_MIN_MAJOR (bookworm-backports)"
fi

# 3. arm64 libfdt for the target, unpacked under the build dir.
if [ ! -f "$SYSROOT/usr/lib/aarch64-linux-gnu/libfdt.a" ]; then
	mkdir -p "$SYSROOT/apt-lists/partial" "$SYSROOT/debs"
	LISTS=$(cd "$SYSROOT/apt-lists" && pwd)
	DEBS=$(cd "$SYSROOT/debs" && pwd)
	mkdir -p "$SYSROOT/apt-cache/archives/partial"
	CACHE=$(cd "$SYSROOT/apt-cache" && pwd)
	APTO="-o APT::Architecture=arm64 -o APT::Architectures=arm64 -o Dir::State::Lists=$LISTS
	      -o Dir::Cache=$CACHE -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
	say "fetching Debian's arm64 libfdt-dev into $SYSROOT"
	# Lists and downloads land in our own folders: the host's dpkg
	# architectures and package state are not changed.
	apt-get $APTO -qq update 2>/dev/null || say "arm64 list update reported errors (continuing)"
	(cd "$DEBS" && apt-get $APTO -qq download libfdt-dev libfdt1) ||
		die "could not download arm64 libfdt-dev (is deb.debian.org reachable?)"
	for d in "$DEBS"/*.deb; do
		dpkg-deb -x "$d" "$SYSROOT"
	done
	[ -f "$SYSROOT/usr/lib/aarch64-linux-gnu/libfdt.a" ] ||
		die "arm64 libfdt-dev unpacked but has no libfdt.a"
fi
exit 0
