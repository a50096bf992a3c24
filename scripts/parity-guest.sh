#!/bin/bash
# The guest side of make parity: run in the VM by scripts/parity.sh, once per
# variant, from the selftests output directory (where test_progs and the BPF
# objects are).  Writes to OUTDIR:
#   test_progs.log  test_progs -t TESTS (or the whole suite with -d DENY)
#   extra.log       one "name OK|FAIL detail" line per check outside test_progs
#   st_probe.txt    errno and helper rows of tests/parity/st_probe.c
#   *.txt           what each check printed, for the side by side diff
# usage: parity-guest.sh OUTDIR TESTS|--full DENY BPFTOOL BINDIR
#   BINDIR holds st_loader and st_probe, built against Debian's libbpf
set -uo pipefail
[ $# -eq 5 ] || { echo "usage: $0 OUTDIR TESTS|--full DENY BPFTOOL BINDIR" >&2; exit 2; }
out=$1 tests=$2 deny=$3 bpftool=$4 bindir=$5
loader=$bindir/st_loader
debian_bpftool=/usr/sbin/bpftool
pin=/sys/fs/bpf/parity

extra() { # name OK|FAIL detail
	printf '%s %s %s\n' "$1" "$2" "${3:-}" >>"$out/extra.log"
}
avail() {
	cat /proc/sys/net/ipv4/tcp_available_congestion_control
}
: >"$out/extra.log"

# 1. test_progs.
if [ "$tests" = --full ]; then
	./test_progs -d "$deny" >"$out/test_progs.log" 2>&1
else
	./test_progs -t "$tests" >"$out/test_progs.log" 2>&1
fi
echo "test_progs exit $?"

# 2. Errnos of bad input and the helpers congestion controls get.
"$bindir/st_probe" >"$out/st_probe.txt" 2>"$out/st_probe.err" ||
	extra st_probe FAIL "exit $?: $(tail -n 1 "$out/st_probe.err")"

# 3. Feature probes: the struct_ops lines of bpftool feature probe, in-tree
# bpftool (this tree's libbpf) and Debian's (libbpf 1.1).
for t in intree:"$bpftool" debian:"$debian_bpftool"; do
	name=${t%%:*} bin=${t#*:}
	"$bin" feature probe kernel >"$out/probe-$name-all.txt" 2>&1
	grep -i 'struct_ops' "$out/probe-$name-all.txt" >"$out/probe-$name.txt"
	for what in map_type program_type; do
		if grep -q "eBPF $what struct_ops is available" "$out/probe-$name.txt"; then
			extra "bpftool-$name/probe-$what" OK
		else
			extra "bpftool-$name/probe-$what" FAIL "$(grep "$what struct_ops" "$out/probe-$name.txt")"
		fi
	done
done

# 4. bpftool prog run of bpf_dummy_ops programs (repeat 1 and a ctx_out
# buffer are what bpftool always sends).
rm -rf "$pin"
mkdir -p "$pin"
if "$bpftool" prog loadall dummy_st_ops.bpf.o "$pin/dummy" >"$out/prog-run.txt" 2>&1; then
	printf '\0\0\0\0\0\0\0\0' >/tmp/ctx1
	# test_1 with a NULL state returns 0xf2f3f4f5.
	if "$bpftool" prog run pinned "$pin/dummy/test_1" ctx_in /tmp/ctx1 ctx_out /tmp/ctx1.out \
		repeat 1 >>"$out/prog-run.txt" 2>&1 &&
		grep -q 'Return value: 4076074229' "$out/prog-run.txt"; then
		extra bpftool/prog-run-test_1 OK
	else
		extra bpftool/prog-run-test_1 FAIL "$(tail -n 1 "$out/prog-run.txt")"
	fi
	# test_2 takes five arguments.
	head -c 40 /dev/zero >/tmp/ctx2
	if "$bpftool" prog run pinned "$pin/dummy/test_2" ctx_in /tmp/ctx2 \
		>>"$out/prog-run.txt" 2>&1 &&
		grep -q 'Return value: 0' "$out/prog-run.txt"; then
		extra bpftool/prog-run-test_2 OK
	else
		extra bpftool/prog-run-test_2 FAIL "$(tail -n 1 "$out/prog-run.txt")"
	fi
else
	extra bpftool/prog-run-test_1 FAIL "loadall failed"
	extra bpftool/prog-run-test_2 FAIL "loadall failed"
fi
rm -rf "$pin"

# 5. Debian's bpftool 7.1 registers, shows, dumps and unregisters bpf_cubic.
if ! out1=$("$debian_bpftool" struct_ops register bpf_cubic.bpf.o 2>&1); then
	extra debian-bpftool/register FAIL "$out1"
else
	echo "$out1" >"$out/debian-bpftool.txt"
	id=$(sed -n 's/.* id \([0-9]*\)$/\1/p' <<<"$out1" | head -n 1)
	case " $(avail) " in
	*" bpf_cubic "*) extra debian-bpftool/register OK ;;
	*) extra debian-bpftool/register FAIL "bpf_cubic not in $(avail)" ;;
	esac
	"$debian_bpftool" struct_ops show >>"$out/debian-bpftool.txt" 2>&1
	grep -q "^$id: .*tcp_congestion_ops" "$out/debian-bpftool.txt" &&
		extra debian-bpftool/show OK || extra debian-bpftool/show FAIL "no bpf_cubic line"
	"$debian_bpftool" map dump id "$id" >"$out/debian-bpftool-dump.txt" 2>&1
	if grep -q 'BPF_STRUCT_OPS_STATE_INUSE' "$out/debian-bpftool-dump.txt" &&
		grep -q '"bpf_cubic"\|bpf_cubic' "$out/debian-bpftool-dump.txt"; then
		extra debian-bpftool/dump OK
	else
		extra debian-bpftool/dump FAIL "no INUSE state or name in the dump"
	fi
	if "$debian_bpftool" struct_ops unregister id "$id" >>"$out/debian-bpftool.txt" 2>&1 &&
		! grep -qw bpf_cubic <<<"$(avail)"; then
		extra debian-bpftool/unregister OK
	else
		extra debian-bpftool/unregister FAIL "available: $(avail)"
	fi
fi

# 6. Debian's libbpf 1.1 (tests/parity/st_loader.c, linked against it).
"$loader" bpf_cubic.bpf.o bpf_cubic >"$out/libbpf-loader.txt" 2>&1
grep -E '^[a-z_-]+ (OK|FAIL)' "$out/libbpf-loader.txt" |
	while read -r name st detail; do
		extra "debian-libbpf/$name" "$st" "$detail"
	done
grep -qE '^[a-z_-]+ (OK|FAIL)' "$out/libbpf-loader.txt" ||
	extra debian-libbpf/loader FAIL "$(tail -n 1 "$out/libbpf-loader.txt")"
exit 0
