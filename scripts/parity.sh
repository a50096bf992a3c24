#!/usr/bin/env bash
# make parity: the base's own tests on the control (VARIANT=upstream, the
# base as Debian ships it) and on the series, each in its own VM, side by
# side.  Runs the test_progs tests of tests/parity.list (FULL=1: the whole
# of test_progs less the base's DENYLIST, on the non-debug kernels) and the
# checks outside test_progs of scripts/parity-guest.sh (bpftool feature
# probe, bpftool prog run, Debian's bpftool and libbpf on bpf_cubic).
# Prints a table (check, control, ours) and fails when anything that passes
# on the control does not pass on ours.
# usage: [FULL=1] scripts/parity.sh
set -euo pipefail
. "$(dirname "$0")/config.sh"
[ $# -eq 0 ] || { echo "usage: [FULL=1] $0" >&2; exit 2; }
full=${FULL:-0}
case "$full" in
0) flavour=debug timeout=2400 ;;
1) flavour=demo timeout=2700 ;;
*) die "FULL is 0 or 1, not '$full'" ;;
esac
list=$TOP/tests/parity.list
[ -f "$list" ] || die "missing $list"
tests=$(parity_tests "$list" all | paste -sd, -)
[ -n "$tests" ] || die "$list names no test"

res=$BUILD/parity/$flavour
rm -rf "$res"
mkdir -p "$res"
"$TOP/scripts/deps.sh"

# The guest's probes, against Debian's libbpf (libbpf-dev).
for p in st_loader st_probe; do
	gcc -O2 -Wall -Werror -o "$res/$p" "$TOP/tests/parity/$p.c" -lbpf ||
		die "cannot build tests/parity/$p.c against Debian's libbpf (libbpf-dev)"
done

for v in upstream series; do
	VARIANT=$v FLAVOUR=$flavour "$TOP/scripts/build-kernel.sh"
	VARIANT=$v FLAVOUR=$flavour "$TOP/scripts/build-selftests.sh"
done

# One guest per variant.  The selection runs them in turn; the whole suite
# runs them side by side with one vCPU each (test_progs runs one test at a
# time), which halves the wall time on two cores.
guest() { # variant vcpus
	local v=$1 cpus=$2 src=$BUILD/linux st=$BUILD/out/$1-$flavour/selftests deny what=$tests rc=0
	[ "$v" = upstream ] && src=$BUILD/upstream
	deny=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' \
		"$src/tools/testing/selftests/bpf/DENYLIST" | paste -sd, -)
	[ "$full" = 1 ] && what=--full
	(cd "$st" && VARIANT=$v FLAVOUR=$flavour VM_CPUS=$cpus "$TOP/scripts/vm-run.sh" -q -t $timeout -o "$res/$v" -- \
		"$TOP/scripts/parity-guest.sh" /mnt/out "$what" "$deny" "$st/tools/sbin/bpftool" "$res") || rc=$?
	echo "$rc" >"$res/$v.vm-exit"
}
if [ "$full" = 1 ]; then
	progress "parity: all of test_progs on both demo kernels, side by side (at most $((timeout / 60)) min)"
	guest upstream 1 &
	guest series 1 &
	wait
else
	for v in upstream series; do
		progress "parity: $v (debug kernel): $(tr , '\n' <<<"$tests" | wc -l) tests and the checks outside test_progs"
		guest $v 2
	done
fi
for v in upstream series; do
	[ -s "$res/$v/test_progs.log" ] ||
		die "no test_progs output from the $v VM (vm exit $(cat "$res/$v.vm-exit")); see $res/$v/console.log"
done

exec "$TOP/scripts/parity-compare.sh" "$res"

