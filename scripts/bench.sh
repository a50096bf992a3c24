#!/usr/bin/env bash
# make bench: the cost of struct_ops on release kernels, ours (VARIANT=series)
# beside the control (VARIANT=upstream), in one table.
#
# Both kernels are the demo flavour (no KASAN, lockdep, kmemleak).  Each
# round boots one, then the other (the order alternates), and runs
# scripts/bench-guest.sh: per-op cost of native reno/cubic, st_reno (reno
# compiled into the bench module) and BPF bpf_reno/bpf_reno_pure/bpf_cubic
# (tests/bench/st_bench.c, a module calling the ops through icsk_ca_ops), register + unregister latency and memory per
# registered struct (tests/bench/st_regbench.c), TCP throughput of bpf_cubic
# over cubic.
#
# usage: scripts/bench.sh
# Environment: BENCH_ROUNDS (default 3) and bench-guest.sh's BENCH_*
# settings, passed to the guest.
set -euo pipefail
FLAVOUR=demo
VARIANT=series # the tools; both variants' kernels are built below
. "$(dirname "$0")/config.sh"
[ $# -eq 0 ] || { echo "usage: $0" >&2; exit 2; }
rounds=${BENCH_ROUNDS:-3}
guest_settings=$(guest_env BENCH_)
res=$BUILD/bench
bench=$TOP/tests/bench

"$TOP/scripts/deps.sh"
need gcc python3
rm -rf "$res"
mkdir -p "$res"

# One kernel, bpftool, bpf_cubic and the bench module per variant.
for v in series upstream; do
	(
		VARIANT=$v
		. "$TOP/scripts/config.sh"
		"$TOP/scripts/build-kernel.sh"
		build_demo_objs bench-objs bpf_cubic.bpf.o
		require_release_kernel "$KOUT/.config" "make bench"
		rm -rf "$OUT/bench-mod"
		mkdir -p "$OUT/bench-mod"
		cp "$bench/Kbuild" "$bench/st_bench.c" "$OUT/bench-mod/"
		run_logged "building tests/bench/st_bench.ko against $v-$FLAVOUR" "$OUT/logs/bench-mod.log" \
			make -C "$SRC" O="$KOUT" CC="ccache gcc" M="$OUT/bench-mod" -j"$JOBS" modules
	)
done
# The BPF reno and the registration tool: CO-RE and raw bpf(), one build
# for both kernels.
build_bpf_obj "$bench/bench_reno.bpf.c" "$STOUT/bench_reno.bpf.o"
gcc -O2 -Wall -Werror -I"$STOUT/tools/include" -I"$SRC/tools/include/uapi" \
	-o "$STOUT/st_regbench" "$bench/st_regbench.c" "$STOUT/tools/build/libbpf/libbpf.a" -lelf -lz ||
	die "building tests/bench/st_regbench.c failed"

guest() { # guest VARIANT DIR
	local o=$BUILD/out/$1-$FLAVOUR rc=0
	# shellcheck disable=SC2086 # one NAME=VALUE per word
	VARIANT=$1 "$TOP/scripts/vm-run.sh" -q -K -t 1200 -o "$2" -- \
		env $guest_settings "$TOP/scripts/bench-guest.sh" "$o/bench-mod/st_bench.ko" "$o/selftests/tools/sbin/bpftool" \
		"$STOUT/bench_reno.bpf.o" "$o/selftests/bpf_cubic.bpf.o" "$STOUT/st_regbench" || rc=$?
	[ $rc -eq 0 ] || die "bench round in $2 failed (exit $rc); see $2/output.log"
	grep '^BENCH ' "$2/output.log" | sed "s/^BENCH /$1 /" >>"$res/raw.txt"
}
order=(series upstream)
for ((r = 1; r <= rounds; r++)); do
	for v in "${order[@]}"; do
		progress "bench: round $r of $rounds, $v"
		guest "$v" "$res/$v-$r"
	done
	order=("${order[1]}" "${order[0]}")
done
python3 "$TOP/scripts/bench-report.py" "$res/raw.txt" | tee "$res/report.txt"
progress "bench: table in ${res#$TOP/}/report.txt, raw figures in ${res#$TOP/}/raw.txt"
