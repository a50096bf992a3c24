#!/usr/bin/env bash
# The trinity part of make stress, run inside the debug VM by
# scripts/stress.sh: Debian's trinity fuzzes the bpf syscall (as root, so
# that it reaches struct_ops maps) for a bounded time while a BPF
# congestion control registered through a struct_ops map carries TCP
# traffic; then the traffic must have moved and the algorithm must
# unregister.
# usage: stress-trinity-guest.sh BPFTOOL BPF_CUBIC_OBJ SECONDS SEED [quick]
#   quick: no sockets, pipes and other fds made up front (trinity spends
#   most of a minute making them on the debug guest): the bpf calls start
#   at once, for make check's short slice.
set -euo pipefail
[ $# -eq 4 ] || [ $# -eq 5 ] || { echo "usage: $0 BPFTOOL BPF_CUBIC_OBJ SECONDS SEED [quick]" >&2; exit 2; }
bpftool=$1
obj=$2
secs=$3
seed=$4
fds=testfile
[ "${5:-}" = quick ] && fds=sockets,pipes,perf,epoll,eventfd,pseudo,timerfd,testfile,memfd,drm
ca=bpf_cubic

"$bpftool" struct_ops register "$obj" >/dev/null
grep -qw $ca /proc/sys/net/ipv4/tcp_available_congestion_control ||
	{ echo "trinity: $ca did not register" >&2; exit 1; }

# Traffic through the algorithm for as long as trinity runs (loopback).
iperf3 -s -D -1 -p 5201 >/dev/null
for _ in $(seq 100); do
	ss -Htln 'sport = :5201' | grep -q . && break
	sleep 0.2
done
iperf3 -c 127.0.0.1 -p 5201 -C $ca -t $((secs + 5)) -J >/tmp/iperf.json &
iperf=$!

# trinity refuses to start as root without --dangerous; its children
# write nothing outside /tmp (-l off: no log files).
cd /tmp
rc=0
timeout -s INT -k 30 "$secs" trinity --dangerous -q -l off -C 2 -s "$seed" -c bpf \
	--disable-fds=$fds >/tmp/trinity.log 2>&1 || rc=$?
grep -E 'Ran [0-9]+ syscalls|syscalls|tainted' /tmp/trinity.log | tail -n 5 || true
# timeout's 124 is the bound we set, not a failure.
[ $rc -eq 0 ] || [ $rc -eq 124 ] || [ $rc -eq 130 ] ||
	{ echo "trinity: exit $rc" >&2; tail -n 20 /tmp/trinity.log >&2; exit 1; }

wait $iperf || { echo "trinity: the traffic failed" >&2; exit 1; }
python3 - /tmp/iperf.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
s = j["end"]["sum_sent"]
print(f"trinity: traffic {j['end'].get('sender_tcp_congestion', '?')} "
      f"{s['bytes'] / 2**20:.1f} MBytes {s['bits_per_second'] / 1e6:.1f} Mbit/s")
PY
# trinity may have found the map by id and deleted it itself.
if grep -qw $ca /proc/sys/net/ipv4/tcp_available_congestion_control; then
	# bpftool names a struct_ops map by its map name: the object's
	# "struct tcp_congestion_ops cubic".
	"$bpftool" struct_ops unregister name cubic >/dev/null
else
	echo "trinity: $ca was unregistered during the run"
fi
! grep -qw $ca /proc/sys/net/ipv4/tcp_available_congestion_control ||
	{ echo "trinity: $ca still registered" >&2; exit 1; }
echo "trinity: done"
