#!/usr/bin/env bash
# The demo itself, run inside the VM by scripts/demo.sh.
# usage: demo-guest.sh BPFTOOL BPF_CUBIC_OBJ
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BPFTOOL BPF_CUBIC_OBJ" >&2; exit 2; }
bpftool=$1
obj=$2
secs=${DEMO_SECONDS:-8}
delay=${DEMO_DELAY:-20ms}

step() { printf '\n==== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Kernel $(uname -r); congestion controls before registering"
run cat /proc/sys/net/ipv4/tcp_available_congestion_control

step "Two network namespaces joined by veth, $delay of delay each way (netem)"
ip netns add srv
ip netns add cli
ip link add veth-c netns cli type veth peer name veth-s netns srv
ip -n srv addr add 10.200.0.1/24 dev veth-s
ip -n cli addr add 10.200.0.2/24 dev veth-c
for ns in srv cli; do
	ip -n $ns link set lo up
	ip -n $ns link set veth-${ns:0:1} up
	ip netns exec $ns tc qdisc add dev veth-${ns:0:1} root netem delay "$delay" limit 10000
done

step "Register bpf_cubic: one BPF_MAP_TYPE_STRUCT_OPS map update"
run "$bpftool" struct_ops register "$obj"
run cat /proc/sys/net/ipv4/tcp_available_congestion_control

ip netns exec srv iperf3 -s -D -1 -p 5201 >/dev/null
ip netns exec srv iperf3 -s -D -1 -p 5202 >/dev/null
sleep 1

transfer() { # transfer CA PORT
	ip netns exec cli iperf3 -c 10.200.0.1 -p "$2" -C "$1" -t "$secs" -J >"/tmp/iperf-$1.json"
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
echo
echo "demo: bpf_cubic registered, carried traffic, and is gone again."
