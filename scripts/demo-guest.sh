#!/usr/bin/env bash
# The demo itself, run inside the VM by scripts/demo.sh.
# usage: demo-guest.sh BPFTOOL BPF_CUBIC_OBJ ST_SWAP SECOND_OBJ
#   ST_SWAP "none" skips the live replacement (and SECOND_OBJ, the
#   implementation the link moves to).
set -euo pipefail
. "$(dirname "$0")/guest-netns.sh"
[ $# -eq 4 ] || { echo "usage: $0 BPFTOOL BPF_CUBIC_OBJ ST_SWAP SECOND_OBJ" >&2; exit 2; }
bpftool=$1
obj=$2
swap=$3
obj2=$4
secs=${DEMO_SECONDS:-8}
# Where the cwnd samples go: the results directory vm-run.sh mounts.
plots=${DEMO_PLOTS:-/mnt/out}
delay=${DEMO_DELAY:-20ms}
# A bottleneck with a short queue, so that the windows meet losses and the
# cwnd picture shows each algorithm's response to them.
rate=${DEMO_RATE:-100mbit}
limit=${DEMO_LIMIT:-300}

step() { printf '\n==== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Kernel $(uname -r); congestion controls before registering"
run cat /proc/sys/net/ipv4/tcp_available_congestion_control

step "Two network namespaces joined by veth, $delay of delay each way, $rate with a $limit packet queue (netem)"
netns_pair 10.200.0 delay "$delay" rate "$rate" limit "$limit"

step "Register bpf_cubic: one BPF_MAP_TYPE_STRUCT_OPS map update"
run "$bpftool" struct_ops register "$obj"
run cat /proc/sys/net/ipv4/tcp_available_congestion_control

ip netns exec srv iperf3 -s -D -1 -p 5201 >/dev/null
ip netns exec srv iperf3 -s -D -1 -p 5202 >/dev/null
sleep 1

# The congestion window of the transfer to PORT every 0.2 s, as "seconds
# cwnd" lines in FILE: the largest cwnd ss shows to that port (iperf3's
# control connection stays at its initial window).
sample_cwnd() { # sample_cwnd PORT FILE
	local t0
	t0=$(date +%s%N)
	while :; do
		ip netns exec cli ss -tin dst 10.200.0.1 dport = :"$1" |
			awk -v t="$((($(date +%s%N) - t0) / 1000000))" '
			{ for (i = 1; i <= NF; i++) if ($i ~ /^cwnd:/) { split($i, a, ":"); if (a[2] > m) m = a[2] } }
			END { if (m) printf "%.2f %d\n", t / 1000, m }'
		sleep 0.2
	done >"$2"
}
transfer() { # transfer CA PORT
	local sampler
	sample_cwnd "$2" "$plots/cwnd-$1.dat" &
	sampler=$!
	ip netns exec cli iperf3 -c 10.200.0.1 -p "$2" -C "$1" -t "$secs" -J >"/tmp/iperf-$1.json"
	kill "$sampler"
	wait "$sampler" 2>/dev/null || true
}
step "TCP transfer with the built-in cubic (${secs}s)"
transfer cubic 5201
step "TCP transfer with bpf_cubic (${secs}s); ss while it runs"
transfer bpf_cubic 5202 &
pid=$!
sleep $((secs / 2))
ip netns exec cli ss -tin dst 10.200.0.1 | head -n 5
wait $pid

step "Side by side"
python3 - /tmp/iperf-cubic.json /tmp/iperf-bpf_cubic.json <<'PY'
import json, sys
print(f"{'algorithm':<12} {'Mbit/s':>10} {'MBytes':>10} {'retrans':>8}")
for path in sys.argv[1:]:
    j = json.load(open(path))
    ca = j["end"].get("sender_tcp_congestion", "?")
    s = j["end"]["sum_sent"]
    print(f"{ca:<12} {s['bits_per_second'] / 1e6:>10.1f} {s['bytes'] / 2**20:>10.1f} {s.get('retransmits', 0):>8}")
PY

step "bpftool struct_ops show"
run "$bpftool" struct_ops show
step "bpftool map show (the struct_ops map)"
id=$("$bpftool" struct_ops show | awk -F: '/bpf_cubic|cubic/ {print $1; exit}')
run "$bpftool" map show id "$id"
step "bpftool map dump: refcnt, state (1 = INUSE) and the members, program ids in the function pointers"
run "$bpftool" map dump id "$id"

step "Unregister: one map delete"
run "$bpftool" struct_ops unregister id "$id"
run cat /proc/sys/net/ipv4/tcp_available_congestion_control
run "$bpftool" struct_ops show
if grep -qw bpf_cubic /proc/sys/net/ipv4/tcp_available_congestion_control; then
	echo "bpf_cubic is still registered" >&2
	exit 1
fi

if [ "$swap" = none ]; then
	echo
	echo "demo: bpf_cubic registered, carried traffic, and is gone again (this kernel has no struct_ops links)."
	exit 0
fi

step "Through a BPF link: register bpf_cubic, then replace it while a transfer runs"
echo "(tests/demo/st_swap: two implementations of bpf_cubic, each its own BPF_F_LINK map,"
echo " programs and trampolines: the selftests' bpf_cubic, then the same source without"
echo " HyStart and fast convergence; the link moves to the second with BPF_LINK_UPDATE)"
pin=/sys/fs/bpf/demo_cubic_link
mkfifo /tmp/swap.in
"$swap" "$obj" "$obj2" "$pin" </tmp/swap.in >/tmp/swap.out 2>&1 &
swap_pid=$!
exec 9>/tmp/swap.in
for _ in $(seq 100); do grep -q registered /tmp/swap.out && break; sleep 0.1; done
cat /tmp/swap.out
run "$bpftool" link show
ip netns exec srv iperf3 -s -D -1 -p 5203 >/dev/null
sleep 1
ip netns exec cli iperf3 -c 10.200.0.1 -p 5203 -C bpf_cubic -t "$secs" -J >/tmp/iperf-live.json &
pid=$!
sleep $((secs / 2))
echo "-- replacing, $((secs / 2)) s into the transfer"
echo >&9
for _ in $(seq 100); do grep -q 'now registers' /tmp/swap.out && break; sleep 0.1; done
tail -n 1 /tmp/swap.out
run "$bpftool" link show
run cat /proc/sys/net/ipv4/tcp_available_congestion_control
wait $pid
python3 - /tmp/iperf-live.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
s = j["end"]["sum_sent"]
iv = [i["sum"]["bits_per_second"] / 1e6 for i in j["intervals"]]
print(f"transfer across the replacement: {s['bits_per_second'] / 1e6:.1f} Mbit/s, "
      f"{s['bytes'] / 2**20:.1f} MBytes, {s.get('retransmits', 0)} retransmits")
print("per second, Mbit/s: " + " ".join(f"{x:.0f}" for x in iv))
if min(iv) <= 0:
    sys.exit("a second without traffic")
PY
echo >&9
exec 9>&-
wait $swap_pid
step "Unregister: unpin the link (its last reference)"
run rm "$pin"
run cat /proc/sys/net/ipv4/tcp_available_congestion_control
if grep -qw bpf_cubic /proc/sys/net/ipv4/tcp_available_congestion_control; then
	echo "bpf_cubic is still registered" >&2
	exit 1
fi
echo
echo "demo: bpf_cubic registered, carried traffic, was replaced live through its link, and is gone again."
