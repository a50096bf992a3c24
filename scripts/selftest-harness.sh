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

ok() { echo "PASS $1${2:+ $2}"; }
ko() { echo "FAIL $1 $2"; }

# A hanging guest is killed at the timeout, and its log is kept. The guest
# idles once the command sleeps, so this one runs beside the next ones.
"$TOP/scripts/vm-run.sh" -q -K -t 90 -o "$res/hang" -- \
	sh -c 'echo started; exec sleep 3600' >"$res/hang.out" 2>&1 &
hang_pid=$!

# One guest provokes each detector the runner relies on, and each must
# have caught its own: a WARNING and a use-after-free through LKDTM, a task
# blocked past hung_task_timeout_secs (LKDTM's HUNG_TASK, timeout set to
# 1 s), and the objects samples/kmemleak's module leaks on load.  The
# command itself succeeds: only the kernel log can fail the run.
leakmod=$KOUT/samples/kmemleak/kmemleak-test.ko
lkdtm=/sys/kernel/debug/provoke-crash/DIRECT
"$TOP/scripts/vm-run.sh" -q -t 300 -o "$res/splat" -- \
	sh -c "insmod $leakmod && echo WARNING >$lkdtm && echo WRITE_AFTER_FREE >$lkdtm &&
		echo 1 >/proc/sys/kernel/hung_task_timeout_secs && { echo HUNG_TASK >$lkdtm & } && sleep 8" \
	>"$res/splat.out" 2>&1
rc=$?
detector() { # name pattern what
	if [ $rc -eq 125 ] && grep -aqE "$2" "$res/splat/splat.log"; then
		ok "$1"
	else
		ko "$1" "vm-run exit $rc, expected 125 with $3 in ${res#$TOP/}/splat/splat.log"
	fi
}
detector splat-detected 'WARNING: CPU: .* lkdtm' "LKDTM's WARNING"
detector kasan-detected 'BUG: KASAN: (slab-)?use-after-free' "a KASAN use-after-free"
detector hung-task-detected 'INFO: task .* blocked for more than' "a hung task"
detector kmemleak-leak-detected 'unreferenced object' "kmemleak-test's leaks"

# A kmemleak that turned itself off (here by request, as it does when its
# pool runs dry) cannot vouch for anything: the run fails.
"$TOP/scripts/vm-run.sh" -q -t 300 -o "$res/kmemleak-off" -- \
	sh -c 'echo off >/sys/kernel/debug/kmemleak' >"$res/kmemleak-off.out" 2>&1
rc=$?
if [ $rc -eq 125 ] && grep -q 'state: failed' "$res/kmemleak-off/splat.log"; then
	ok kmemleak-off-detected
else
	ko kmemleak-off-detected "vm-run exit $rc, expected 125 and 'state: failed' in splat.log"
fi

# The command's exit code comes back out of the guest.
"$TOP/scripts/vm-run.sh" -q -K -t 300 -o "$res/exitcode" -- sh -c 'exit 7' >"$res/exitcode.out" 2>&1
rc=$?
[ $rc -eq 7 ] && ok exit-code-carried || ko exit-code-carried "vm-run exit $rc, expected 7"

# Ctrl-C stops the guest at once.  A background job of a script ignores
# SIGINT; the wrapper gives vm-run.sh the terminal's default back.
python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
	"$TOP/scripts/vm-run.sh" -q -K -t 300 -o "$res/interrupt" -- sh -c 'echo started; exec sleep 3600' \
	>"$res/interrupt.out" 2>&1 &
int_pid=$!
for ((i = 0; i < 240; i++)); do
	grep -qsx started "$res/interrupt/output.log" && break
	sleep 1
done
kill -INT $int_pid
for ((i = 0; i < 20; i++)); do
	kill -0 $int_pid 2>/dev/null || break
	sleep 1
done
kill -0 $int_pid 2>/dev/null && int_secs=late || int_secs=$i
wait $int_pid
rc=$?
if [ $rc -eq 130 ] && [ "$int_secs" != late ] && ! pgrep -f "path=$res/interrupt," >/dev/null; then
	ok interrupt-stops-guest "$int_secs s"
else
	ko interrupt-stops-guest "vm-run exit $rc after SIGINT (${int_secs} s), QEMU: $(pgrep -f "path=$res/interrupt," || echo gone)"
	pkill -f "path=$res/interrupt," || true
fi

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

# The fuzzer's oracle reports a kernel that answers wrongly: from call
# 1000 on, each call fails one of its first allocations or user copies
# (fail-nth), and the test must fail on an answer it did not expect,
# naming the case to replay.
if [ "$VARIANT" = series ]; then
	(cd "$STOUT" && "$TOP/scripts/vm-run.sh" -q -K -t 300 -o "$res/fuzz-oracle" -- \
		env STRUCT_OPS_FUZZ_SEED=0x5 STRUCT_OPS_FUZZ_CALLS=3000 STRUCT_OPS_FUZZ_INJECT=1000 \
		./test_progs -a struct_ops_fuzz) >"$res/fuzz-oracle.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -aqE 'FAILED case [0-9]+: replay with STRUCT_OPS_FUZZ_SEED=0x5 ' \
		"$res/fuzz-oracle/output.log" &&
		grep -aqE '^struct_ops_fuzz: case [0-9]+ call [0-9]+: .*expected' "$res/fuzz-oracle/output.log"; then
		ok fuzz-oracle-detected
	else
		ko fuzz-oracle-detected "vm-run exit $rc, expected 1 and a replay line in ${res#$TOP/}/fuzz-oracle/output.log"
	fi
fi

# make stress's verdict on a guest counts what the kernel log and kmemleak
# said, and a guest that died: fed each, it must not say "0".
vd=$res/verdict
verdict_case() { # name vm-exit expected splat-line kmemleak-line kmemleak-state
	rm -rf "$vd"
	mkdir -p "$vd"
	printf '%b' "$4" >"$vd/splat.log"
	printf '%b' "$5" >"$vd/kmemleak.log"
	echo "$6" >"$vd/kmemleak-state"
	got=$(guest_verdict "$vd" "$2")
	[ "$got" = "$3" ] && ok "$1" || ko "$1" "guest_verdict said '$got', expected '$3'"
}
verdict_case stress-verdict-splat 125 "splats 1, leaks 0" '[ 1.0] WARNING: CPU: 0 PID: 1 at x\n' '' scanned
verdict_case stress-verdict-leak 0 "splats 0, leaks 2" '' \
	'unreferenced object 0xffff8880 (size 64):\nunreferenced object 0xffff8881 (size 64):\n' scanned
verdict_case stress-verdict-died 126 "splats 1, leaks unknown" '' '' failed
verdict_case stress-verdict-clean 0 "splats 0, leaks 0" '' '' scanned

# make bench's table takes each BPF/native ratio within one boot, of the
# calls with the boot's own loop subtracted, then the median over the
# boots: fed two boots whose ratios (30 / 10 and 100 / 20) differ from the
# ratio of the medians (65 / 15), from the ratios with the loop (32 / 12,
# 104 / 24) and from those with the other boot's loop, it must print
# 4.00 (3.00..5.00).
bf=$res/bench-raw.txt
{
	printf '%s %s %s\n' 2 12 32 4 24 104 | while read -r loop native bpf; do
		echo "series kernel release=x"
		echo "series op ca=reno op=loop median=$loop"
		echo "series op ca=reno op=ssthresh median=$native"
		echo "series op ca=bpf_reno op=loop median=$loop"
		echo "series op ca=bpf_reno op=ssthresh median=$bpf"
	done
} >"$bf"
python3 "$TOP/scripts/bench-report.py" "$bf" >"$res/bench-report.txt" 2>&1 || true
got=$(grep -m1 '^ssthresh  *bpf_reno/reno ' "$res/bench-report.txt" || true)
case $got in
*"4.00 (3.00..5.00)"*) ok bench-ratio-per-boot ;;
*) ko bench-ratio-per-boot "bench-report.py printed '$got'" ;;
esac

# make tree after a patch is dropped from patches/series yields a tree
# without that patch's change, and every file the patch changed is newer
# than the kernel built before (so kbuild compiles it again).  Run on a
# clone of the work tree, with a copy of patches/ that lacks the second
# patch.
if [ "$VARIANT" = series ]; then
	tt=$res/tree
	rm -rf "$tt"
	mkdir -p "$tt/patches"
	drop=$(entries "$PATCHES/series" | sed -n 2p)
	git clone -q --shared "$SRC" "$tt/linux" && cp "$SRC/.git/harness-stamp" "$tt/linux/.git/" &&
		cp "$PATCHES"/* "$tt/patches/" && grep -vxF "$drop" "$PATCHES/series" >"$tt/patches/series"
	touch "$tt/built"
	sleep 1
	BUILD=$tt PATCHES=$tt/patches "$TOP/scripts/prepare-tree.sh" >"$tt.log" 2>&1
	rc=$?
	stale=
	for f in $(git apply --numstat "$PATCHES/$drop" | cut -f3); do
		[ "$tt/linux/$f" -nt "$tt/built" ] || stale+=" $f"
	done
	if [ $rc -ne 0 ]; then
		ko tree-drops-patch "prepare-tree exit $rc; see $tt.log"
	elif ! git -C "$tt/linux" apply --check "$PATCHES/$drop" 2>/dev/null; then
		ko tree-drops-patch "the change of $drop is still in the tree"
	elif [ -n "$stale" ]; then
		ko tree-drops-patch "not newer than the last build:$stale"
	else
		ok tree-drops-patch "$drop"
	fi
	rm -rf "$tt"
fi

# Exporting the work tree reproduces patches/ byte for byte.
if [ "$VARIANT" = series ]; then
	if "$TOP/scripts/export.sh" --check; then
		ok export-unchanged
	else
		ko export-unchanged "scripts/export.sh --check: build/linux does not export to patches/"
	fi
fi
