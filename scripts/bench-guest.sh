#!/usr/bin/env bash
# One round of make bench, run inside the VM by scripts/bench.sh.  Prints
# "BENCH <figure> key=value..." lines; bench.sh collects them.
# usage: bench-guest.sh MODULE BPFTOOL RENO_OBJ CUBIC_OBJ REGBENCH
#   MODULE    st_bench.ko built against this kernel (tests/bench/st_bench.c)
#   RENO_OBJ  bpf_reno and bpf_reno_pure (tests/bench/bench_reno.bpf.c)
#   CUBIC_OBJ bpf_cubic, REGBENCH st_regbench (tests/bench/st_regbench.c)
# Environment: BENCH_ITERS, BENCH_OP_ROUNDS (st_bench), BENCH_CYCLES,
# BENCH_STRUCTS (st_regbench), BENCH_SECONDS, BENCH_DELAY (throughput).
set -euo pipefail
. "$(dirname "$0")/guest-netns.sh"
[ $# -eq 5 ] || { echo "usage: $0 MODULE BPFTOOL RENO_OBJ CUBIC_OBJ REGBENCH" >&2; exit 2; }
mod=$1
bpftool=$2
reno=$3
cubic=$4
regbench=$5
iters=${BENCH_ITERS:-20000}
op_rounds=${BENCH_OP_ROUNDS:-15}
cycles=${BENCH_CYCLES:-500}
structs=${BENCH_STRUCTS:-200}
secs=${BENCH_SECONDS:-10}
delay=${BENCH_DELAY:-5ms}

echo "BENCH kernel release=$(uname -r)"
if [ -e /proc/lockdep ] || [ -e /sys/kernel/debug/kmemleak ]; then
	echo "bench: this kernel has lockdep or kmemleak: not a release kernel" >&2
	exit 1
fi
unregister_all() {
	local id
	for id in $("$bpftool" struct_ops show | cut -d: -f1); do
		"$bpftool" struct_ops unregister id "$id" >/dev/null
	done
}

# The per-op cost: st_bench calls the selected algorithm's ops through
# icsk_ca_ops on a kernel TCP socket, as the stack does.
per_op() { # per_op CA
	dmesg -C
	insmod "$mod" ca="$1" iters="$iters" rounds="$op_rounds"
	rmmod st_bench
	dmesg | sed -n 's/.*st_bench: \(ca=\)/BENCH op \1/p'
}
"$bpftool" struct_ops register "$reno" >/dev/null
"$bpftool" struct_ops register "$cubic" >/dev/null
for ca in reno st_reno bpf_reno bpf_reno_pure cubic bpf_cubic; do
	per_op "$ca"
done
unregister_all

# Register + unregister, and what a registered struct keeps.
"$regbench" "$reno" cycles "$cycles" | sed 's/^regbench: /BENCH reg /'
# A first, smaller round takes the one-time allocations (slab caches
# growing, the shared scratch page) out of the figure; the pause lets its
# maps be freed before the round that counts.
"$regbench" "$reno" memory 20 >/dev/null
sleep 2
"$regbench" "$reno" memory "$structs" | sed 's/^regbench: /BENCH mem /'

# Throughput of bpf_cubic over cubic: two namespaces, veth, netem delay.
netns_pair 10.201.0 delay "$delay" limit 10000
"$bpftool" struct_ops register "$cubic" >/dev/null
port=5300
for ca in cubic bpf_cubic bpf_cubic cubic; do
	port=$((port + 1))
	ip netns exec srv iperf3 -s -D -1 -p $port >/dev/null
	sleep 0.5
	ip netns exec cli iperf3 -c 10.201.0.1 -p $port -C "$ca" -t "$secs" -J >/tmp/iperf.json
	python3 - "$ca" /tmp/iperf.json <<'PY'
import json, sys
j = json.load(open(sys.argv[2]))
got = j["end"].get("sender_tcp_congestion", "?")
if got != sys.argv[1]:
    sys.exit(f"bench: iperf3 ran {got}, not {sys.argv[1]}")
s = j["end"]["sum_sent"]
print(f"BENCH tput ca={got} mbit={s['bits_per_second'] / 1e6:.1f} retrans={s.get('retransmits', 0)}")
PY
done
unregister_all
