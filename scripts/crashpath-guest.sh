#!/usr/bin/env bash
# One crash path of a BPF congestion control, run inside the debug VM by
# scripts/stress.sh: register the three algorithms of tcp_ca_harden.bpf.o
# (selftests/bpf/progs/tcp_ca_harden.c) with bpftool, connect through the
# one named and move data, so that its init() takes its path on both
# ends; then unregister.  On a kernel that is not hardened against it the
# guest crashes or WARNs here, which scripts/vm-run.sh reports (exit 125).
# usage: crashpath-guest.sh BPFTOOL TCP_CA_HARDEN_OBJ CA
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 BPFTOOL TCP_CA_HARDEN_OBJ CA" >&2; exit 2; }
bpftool=$1
obj=$2
ca=$3

"$bpftool" struct_ops register "$obj"
grep -qw "$ca" /proc/sys/net/ipv4/tcp_available_congestion_control ||
	{ echo "crashpath: $ca did not register" >&2; exit 1; }
# A window left at 0 stalls the connection: 30 s bounds every step.
python3 - "$ca" <<'PY'
import socket, sys
ca = sys.argv[1]
lsn = socket.socket()
lsn.settimeout(30)
lsn.bind(("127.0.0.1", 0))
lsn.listen(1)
cli = socket.socket()
cli.settimeout(30)
cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, ca.encode())
cli.connect(lsn.getsockname())
srv, _ = lsn.accept()
srv.settimeout(30)
cli.sendall(b"x" * 65536)
got = 0
while got < 65536:
    n = len(srv.recv(65536))
    if not n:
        sys.exit(f"crashpath: {ca}: connection closed after {got} bytes")
    got += n
print(f"crashpath: {ca}: connected and moved {got} bytes")
PY
# The map names (at most 15 characters), not the algorithms'.
for m in ca_h_ai0 ca_h_cwnd0 ca_h_nullsk; do
	"$bpftool" struct_ops unregister name "$m" >/dev/null
done
echo "crashpath: $ca: unregistered"
