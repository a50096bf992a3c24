#!/usr/bin/env bash
# Self-tests of the harness: prove that the checks can fail.
# Prints "PASS name" / "FAIL name detail" lines.
# usage: [VARIANT=...] scripts/selftest-harness.sh RESULTS_DIR
set -uo pipefail
FLAVOUR=debug
. "$(dirname "$0")/config.sh"
[ $# -eq 1 ] || { echo "usage: $0 RESULTS_DIR" >&2; exit 2; }
res=$1
mkdir -p "$res"

ok() { echo "PASS $1"; }
ko() { echo "FAIL $1 $2"; }

# A hanging guest is killed at the timeout, and its log is kept. The guest
# idles once the command sleeps, so this one runs beside the next two.
"$TOP/scripts/vm-run.sh" -q -K -t 90 -o "$res/hang" -- \
	sh -c 'echo started; exec sleep 3600' >"$res/hang.out" 2>&1 &
hang_pid=$!

# The runner reports a kernel WARNING provoked through LKDTM, even though
# the command itself succeeds.
"$TOP/scripts/vm-run.sh" -q -K -t 300 -o "$res/splat" -- \
	sh -c 'echo WARNING > /sys/kernel/debug/provoke-crash/DIRECT' >"$res/splat.out" 2>&1
rc=$?
if [ $rc -eq 125 ] && grep -q 'WARNING:' "$res/splat/splat.log"; then
	ok splat-detected
else
	ko splat-detected "vm-run exit $rc, expected 125 with a WARNING in splat.log"
fi

# The command's exit code comes back out of the guest.
"$TOP/scripts/vm-run.sh" -q -K -t 300 -o "$res/exitcode" -- sh -c 'exit 7' >"$res/exitcode.out" 2>&1
rc=$?
[ $rc -eq 7 ] && ok exit-code-carried || ko exit-code-carried "vm-run exit $rc, expected 7"

wait $hang_pid
rc=$?
if [ $rc -eq 124 ] && [ -s "$res/hang/console.log" ] && grep -qx started "$res/hang/output.log"; then
	ok hang-timeout
else
	ko hang-timeout "vm-run exit $rc, expected 124, a console log and the command started"
fi

# The config check names an option Kconfig dropped.
frag=$res/bogus.config
echo CONFIG_STRUCT_OPS_HARNESS_NO_SUCH_OPTION=y >"$frag"
if msg=$("$TOP/scripts/check-config.sh" "$KOUT/.config" "$frag" 2>&1); then
	ko config-drop-detected "check-config accepted a missing option"
elif grep -q STRUCT_OPS_HARNESS_NO_SUCH_OPTION <<<"$msg"; then
	ok config-drop-detected
else
	ko config-drop-detected "check-config failed without naming the option"
fi

# The parity table fails on a regression and on an undocumented errno
# difference, and passes a documented one (fed results, no VM).
fake=$res/parity
for v in upstream series; do
	mkdir -p "$fake/$v"
	echo 0 >"$fake/$v.vm-exit"
	entries "$TOP/tests/parity/expected-rows" | grep -v '^errno/' | sed 's/$/ OK/' >"$fake/$v/extra.log"
	echo "probe" >"$fake/$v/probe-intree.txt"
	echo "probe" >"$fake/$v/probe-debian.txt"
	printf 'helper/cong_avoid/1 OK\nhelper/release/1 OK\n' >"$fake/$v/st_probe.txt"
done
printf '#1/1 t/a:OK\n#1/2 t/b:OK\n#1 t:OK\n' >"$fake/upstream/test_progs.log"
printf 'errno/delete-key-1 0\nerrno/update-key-1 E2BIG\nerrno/create-value_type-1 ENOTSUPP\nerrno/delete-second EINPROGRESS\n' \
	>>"$fake/upstream/st_probe.txt"
parity_case() { # name expected-exit series-log series-errnos
	printf '%b' "$3" >"$fake/series/test_progs.log"
	grep '^helper' "$fake/upstream/st_probe.txt" >"$fake/series/st_probe.txt"
	printf '%b' "$4" >>"$fake/series/st_probe.txt"
	"$TOP/scripts/parity-compare.sh" "$fake" >"$fake/$1.out" 2>&1
	rc=$?
	if [ $rc -eq "$2" ]; then
		ok "$1"
	else
		ko "$1" "parity-compare exit $rc, expected $2; see $fake/$1.out"
	fi
}
same='errno/create-value_type-1 ENOTSUPP\nerrno/delete-second EINPROGRESS\n'
parity_case parity-regression-detected 1 '#1/1 t/a:OK\n#1/2 t/b:FAIL\n#1 t:FAIL\n' \
	"errno/delete-key-1 ENOENT\nerrno/update-key-1 E2BIG\n$same"
parity_case parity-errno-change-detected 1 '#1/1 t/a:OK\n#1/2 t/b:OK\n#1 t:OK\n' \
	"errno/delete-key-1 ENOENT\nerrno/update-key-1 EINVAL\n$same"
parity_case parity-equal-passes 0 '#1/1 t/a:OK\n#1/2 t/b:OK\n#1 t:OK\n' \
	"errno/delete-key-1 ENOENT\nerrno/update-key-1 E2BIG\n$same"
# A check that never reported on one side fails the comparison.
grep -v '^debian-libbpf/lookup ' "$fake/series/extra.log" >"$fake/extra.tmp"
mv "$fake/extra.tmp" "$fake/series/extra.log"
parity_case parity-missing-detected 1 '#1/1 t/a:OK\n#1/2 t/b:OK\n#1 t:OK\n' \
	"errno/delete-key-1 ENOENT\nerrno/update-key-1 E2BIG\n$same"

# Exporting the work tree reproduces patches/ byte for byte.
if [ "$VARIANT" = series ]; then
	if "$TOP/scripts/export.sh" --check; then
		ok export-unchanged
	else
		ko export-unchanged "scripts/export.sh --check: build/linux does not export to patches/"
	fi
fi
