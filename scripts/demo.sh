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
# Only what the demo needs from the selftests: bpftool, libbpf, bpf_cubic.
build_demo_objs demo-objs bpf_cubic.bpf.o

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
	sel=$SRC/tools/testing/selftests/bpf
	sed -e 's/^static int hystart = 1;/static int hystart = 0;/' \
		-e 's/^static int fast_convergence = 1;/static int fast_convergence = 0;/' \
		"$sel/progs/bpf_cubic.c" >"$STOUT/bpf_cubic_tuned.c"
	[ "$(diff "$sel/progs/bpf_cubic.c" "$STOUT/bpf_cubic_tuned.c" | grep -c '^>')" -eq 2 ] ||
		die "progs/bpf_cubic.c no longer has the hystart and fast_convergence settings the demo turns off"
	build_bpf_obj "$STOUT/bpf_cubic_tuned.c" "$STOUT/bpf_cubic_tuned.bpf.o"
fi

require_release_kernel "$KOUT/.config" "the demo"
progress "demo kernel: release build (no KASAN, lockdep or kmemleak in $KOUT/.config)"
res=$BUILD/demo/$VARIANT
guest_settings=$(guest_env DEMO_)
# shellcheck disable=SC2086 # one NAME=VALUE per word
"$TOP/scripts/vm-run.sh" -t 900 -o "$res" -- \
	env $guest_settings "$TOP/scripts/demo-guest.sh" "$BPFTOOL" "$STOUT/bpf_cubic.bpf.o" "$swap" "$STOUT/bpf_cubic_tuned.bpf.o"

# The picture: cwnd over time of the two transfers, from the guest's samples.
need gnuplot
for ca in cubic bpf_cubic; do
	[ -s "$res/cwnd-$ca.dat" ] || die "no cwnd samples for $ca in $res/cwnd-$ca.dat"
done
gnuplot <<EOF || die "gnuplot failed to draw $res/cwnd.png"
set terminal pngcairo size 900,500
set output '$res/cwnd.png'
set title 'cwnd over time, veth + netem ($VARIANT kernel, release build)'
set xlabel 'seconds into the transfer'
set ylabel 'cwnd (segments)'
set key bottom right
set grid
plot '$res/cwnd-cubic.dat' using 1:2 with linespoints title 'cubic (built in)', \
     '$res/cwnd-bpf_cubic.dat' using 1:2 with linespoints title 'bpf\_cubic (struct\_ops)'
EOF
progress "demo: cwnd over time drawn in ${res#"$TOP"/}/cwnd.png"
