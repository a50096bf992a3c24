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
	export VARIANT=$v FLAVOUR=$flavour
	VARIANT=$v FLAVOUR=$flavour "$TOP/scripts/build-kernel.sh"
	VARIANT=$v FLAVOUR=$flavour "$TOP/scripts/build-selftests.sh"
	src=$BUILD/linux
	[ $v = upstream ] && src=$BUILD/upstream
	st=$BUILD/out/$v-$flavour/selftests
	deny=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' \
		"$src/tools/testing/selftests/bpf/DENYLIST" | paste -sd, -)
	what=$tests
	[ "$full" = 1 ] && what=--full
	progress "parity: $v ($flavour kernel): $([ "$full" = 1 ] && echo "all of test_progs" || echo "$(tr , '\n' <<<"$tests" | wc -l) tests") and the checks outside test_progs"
	rc=0
	(cd "$st" && VARIANT=$v FLAVOUR=$flavour "$TOP/scripts/vm-run.sh" -q -t $timeout -o "$res/$v" -- \
		"$TOP/scripts/parity-guest.sh" /mnt/out "$what" "$deny" "$st/tools/sbin/bpftool" "$res") || rc=$?
	echo "$rc" >"$res/$v.vm-exit"
	[ -s "$res/$v/test_progs.log" ] || die "no test_progs output from the $v VM (vm exit $rc); see $res/$v/console.log"
done

exec "$TOP/scripts/parity-compare.sh" "$res"

