#!/usr/bin/env bash
# make demo: boot the non-debug kernel and show a BPF congestion control
# registered through a struct_ops map, used by real TCP traffic, inspected
# with bpftool, and unregistered; then registered through a BPF link and
# replaced live while a transfer runs.
# usage: [VARIANT=series|upstream] scripts/demo.sh
set -euo pipefail
FLAVOUR=demo
. "$(dirname "$0")/config.sh"
[ $# -eq 0 ] || { echo "usage: [VARIANT=series|upstream] $0" >&2; exit 2; }

"$TOP/scripts/deps.sh"
"$TOP/scripts/build-kernel.sh"
# Only what the demo needs from the selftests: bpftool and two BPF objects.
mkdir -p "$STOUT"
run_logged "building bpftool and bpf_cubic/bpf_dctcp for $VARIANT-$FLAVOUR" "$OUT/logs/demo-objs.log" \
	make -C "$SRC/tools/testing/selftests/bpf" -j"$JOBS" \
	OUTPUT="$STOUT" VMLINUX_BTF="$KOUT/vmlinux" \
	"$BPFTOOL" "$STOUT/bpf_cubic.bpf.o" "$STOUT/bpf_dctcp.bpf.o" "$STOUT/tools/build/libbpf/libbpf.a"

# The live replacement's loader, against the in-tree libbpf and uapi.  The
# control (VARIANT=upstream) has no struct_ops links: its demo skips that part.
swap=none
if [ "$VARIANT" = series ]; then
	need gcc
	swap=$STOUT/st_swap
	gcc -O2 -Wall -Werror -I"$STOUT/tools/include" -I"$SRC/tools/include/uapi" \
		-o "$swap" "$TOP/tests/demo/st_swap.c" "$STOUT/tools/build/libbpf/libbpf.a" -lelf -lz ||
		die "building tests/demo/st_swap.c failed"
	# What the link moves to: a second implementation of bpf_cubic, the
	# selftests' source without HyStart and fast convergence, built with
	# the selftests' BPF flags.
	need clang sed
	sel=$SRC/tools/testing/selftests/bpf
	sed -e 's/^static int hystart = 1;/static int hystart = 0;/' \
		-e 's/^static int fast_convergence = 1;/static int fast_convergence = 0;/' \
		"$sel/progs/bpf_cubic.c" >"$STOUT/bpf_cubic_tuned.c"
	[ "$(diff "$sel/progs/bpf_cubic.c" "$STOUT/bpf_cubic_tuned.c" | grep -c '^>')" -eq 2 ] ||
		die "progs/bpf_cubic.c no longer has the hystart and fast_convergence settings the demo turns off"
	sys_inc=$(clang -v -E - </dev/null 2>&1 |
		sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
	# shellcheck disable=SC2086 # one flag per word
	clang -g -Werror -D__TARGET_ARCH_x86 -mlittle-endian -I"$STOUT/tools/include" -I"$sel" \
		-I"$sel/progs" -I"$SRC/tools/include/uapi" $sys_inc -O2 -target bpf -mcpu=v3 \
		-c "$STOUT/bpf_cubic_tuned.c" -o "$STOUT/bpf_cubic_tuned.bpf.o" ||
		die "building the tuned bpf_cubic failed"
fi

"$TOP/scripts/vm-run.sh" -t 900 -o "$BUILD/demo/$VARIANT" -- \
	"$TOP/scripts/demo-guest.sh" "$BPFTOOL" "$STOUT/bpf_cubic.bpf.o" "$swap" "$STOUT/bpf_cubic_tuned.bpf.o"
