#!/bin/sh
# The image relocates itself with R_AARCH64_RELATIVE only (boot/head.S):
# fail the build if the linker left any other dynamic relocation (NONE
# entries are padding the start-up code skips).
#   check-relocs.sh READELF ELF
set -eu
bad=$("$1" -rW "$2" | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_/ && $3 != "R_AARCH64_RELATIVE" && $3 != "R_AARCH64_NONE" { print $3 }' | sort -u)
if [ -n "$bad" ]; then
	echo "error: $2 has relocations the start-up code cannot apply: $bad" >&2
	exit 1
fi
