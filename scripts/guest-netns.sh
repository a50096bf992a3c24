# shellcheck shell=bash
# Sourced by the guest scripts (demo, bench); never run.

# Two network namespaces, srv (NET.1) and cli (NET.2), joined by veth, with
# netem on both ends: every argument after NET is netem's.
# usage: netns_pair NET NETEM_ARG...    e.g. netns_pair 10.200.0 delay 20ms
netns_pair() {
	local net=$1 ns
	shift
	ip netns add srv
	ip netns add cli
	ip link add veth-c netns cli type veth peer name veth-s netns srv
	ip -n srv addr add "$net.1/24" dev veth-s
	ip -n cli addr add "$net.2/24" dev veth-c
	for ns in srv cli; do
		ip -n $ns link set lo up
		ip -n $ns link set "veth-${ns:0:1}" up
		ip netns exec $ns tc qdisc add dev "veth-${ns:0:1}" root netem "$@"
	done
}
