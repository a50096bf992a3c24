#!/usr/bin/env bash
# Build bpftool, libbpf and test_progs (with bpf_testmod.ko) against a built
# kernel.  Only test_progs: the other selftest binaries are not run here.
# usage: VARIANT=series|upstream FLAVOUR=debug|demo scripts/build-selftests.sh
set -euo pipefail
. "$(dirname "$0")/config.sh"
[ $# -eq 0 ] || { echo "usage: VARIANT=series|upstream FLAVOUR=debug|demo $0" >&2; exit 2; }
need make gcc clang llc
[ -f "$KOUT/vmlinux" ] || die "no $KOUT/vmlinux: build the kernel first (make kernel)"
[ -f "$KOUT/Module.symvers" ] || die "no $KOUT/Module.symvers: build the kernel's modules first (make kernel)"

tree_lock shared
mkdir -p "$STOUT"
# The Makefile links urandom_read against "liburandom_read.so" relative to
# the directory make runs in (the source directory), not OUTPUT.
ln -sfn "$STOUT/liburandom_read.so" "$SRC/tools/testing/selftests/bpf/liburandom_read.so"
run_logged "building bpftool, libbpf, test_progs for $VARIANT-$FLAVOUR" "$OUT/logs/selftests.log" \
	make -C "$SRC/tools/testing/selftests/bpf" -j"$JOBS" \
	OUTPUT="$STOUT" VMLINUX_BTF="$KOUT/vmlinux" KDIR="$KOUT" \
	"$STOUT/test_progs" "$BPFTOOL"
progress "test_progs: $STOUT/test_progs"
