#!/usr/bin/env bash
# make check: build the debug kernel and test_progs, run the reference
# struct_ops suites plus tests/test_progs.list in the debug VM, then the
# harness self-tests and a 30 s trinity slice; print each result and
# "N passed, N failed".
# usage: [VARIANT=series|upstream] scripts/check.sh
set -euo pipefail
FLAVOUR=debug
. "$(dirname "$0")/config.sh"
[ $# -eq 0 ] || { echo "usage: [VARIANT=series|upstream] $0" >&2; exit 2; }

"$TOP/scripts/deps.sh"
"$TOP/scripts/build-kernel.sh"
"$TOP/scripts/build-selftests.sh"

results=$BUILD/check/$VARIANT
rm -rf "$results"
mkdir -p "$results"
# Every result line, and the closing count, also in summary.log.
exec > >(tee "$results/summary.log")

# The harness self-tests (2. below) run beside test_progs: their guests
# have one vCPU and mostly idle, or run one short command.
VM_CPUS=1 "$TOP/scripts/selftest-harness.sh" "$results/harness" >"$results/harness.log" 2>&1 &
harness_pid=$!

# 1. test_progs in the debug VM: the reference suites, the cheap part of
# the parity selection, and the series' own tests.
[ -f "$TOP/tests/test_progs.list" ] || die "missing tests/test_progs.list"
tests=bpf_tcp_ca,dummy_st_ops
for t in $(parity_tests "$TOP/tests/parity.list" cheap) $(entries "$TOP/tests/test_progs.list"); do
	[[ ,$tests, == *,$t,* ]] || tests+=",$t"
done
progress "check: test_progs -a $tests"
vmrc=0
(cd "$STOUT" && "$TOP/scripts/vm-run.sh" -t 1500 -o "$results/test_progs" -q -- \
	./test_progs -a "$tests") || vmrc=$?
out=$results/test_progs/output.log
# One result per subtest, and per test without subtests (tp_results; a
# failed test's lines come again under "All error logs:", counted once).
seen=0
while read -r name st; do
	seen=$((seen + 1))
	case $st in
	OK) record PASS "$name" ;;
	SKIP) record FAIL "$name" "skipped: a listed test must run" ;;
	*) record FAIL "$name" ;;
	esac
done < <(tp_results "$out")
# A named test that printed nothing did not run. The list names tests the
# series adds, which the base (VARIANT=upstream) does not have.
for t in ${tests//,/ }; do
	grep -aqE "^#[0-9]+(/[0-9]+)?[[:space:]]+$t:" "$out" && continue
	if [ "$VARIANT" = upstream ] && grep -qx "$t" <(entries "$TOP/tests/test_progs.list"); then
		echo "n/a $t (not in the base)"
	elif [ -s "$out" ]; then
		record FAIL "$t" "did not run"
	fi
done
if [ $seen -eq 0 ]; then
	record FAIL "test_progs" "no test ran (vm exit $vmrc); see $out"
elif [ $vmrc -eq 125 ] || [ $vmrc -eq 124 ] || [ $vmrc -eq 126 ]; then
	record FAIL "kernel log during test_progs" "vm exit $vmrc; see $results/test_progs/"
elif [ $vmrc -ne 0 ] && [ $fail -eq 0 ]; then
	record FAIL "test_progs exit code" "$vmrc"
else
	record PASS "kernel log during test_progs" "no splat, kmemleak scan clean"
fi

# 2. Harness self-tests.
progress "check: harness self-tests"
wait $harness_pid || true
while read -r st name detail; do
	record "$st" "harness/$name" "$detail"
done < <(grep -E '^(PASS|FAIL) ' "$results/harness.log")
# Each self-test must have reported: one that never ran proves nothing.
expected="splat-detected kasan-detected hung-task-detected kmemleak-leak-detected"
expected+=" kmemleak-off-detected exit-code-carried hang-timeout interrupt-stops-guest config-drop-detected"
expected+=" parity-regression-detected parity-errno-change-detected parity-equal-passes"
expected+=" parity-missing-detected"
expected+=" stress-verdict-splat stress-verdict-leak stress-verdict-died stress-verdict-clean"
expected+=" bench-ratio-per-boot"
[ "$VARIANT" = series ] && expected+=" tree-drops-patch export-unchanged fuzz-oracle-detected"
for n in $expected; do
	grep -qE "^(PASS|FAIL) $n( |\$)" "$results/harness.log" ||
		record FAIL "harness/$n" "did not run; see $results/harness.log"
done

# 3. A short slice of make stress's trinity part: 30 s of trinity on the
# bpf syscall beside bpf_cubic carrying traffic (series and control alike),
# without the fds trinity makes up front (they take it most of a minute).
# No call made is a failure.
if [ -x "$(command -v trinity)" ]; then
	progress "check: trinity, 30 s"
	trc=0
	"$TOP/scripts/vm-run.sh" -t 600 -o "$results/trinity" -q -- \
		"$TOP/scripts/stress-trinity-guest.sh" "$BPFTOOL" "$STOUT/bpf_cubic.bpf.o" 30 1 quick \
		>"$results/trinity.log" 2>&1 || trc=$?
	ran=$(grep -aoE 'Ran [0-9]+ syscalls' "$results/trinity/output.log" 2>/dev/null | grep -oE '[0-9]+' || true)
	if [ $trc -eq 0 ] && [ "${ran:-0}" -gt 0 ]; then
		record PASS "trinity" "$ran bpf() calls in 30 s beside bpf_cubic traffic, $(guest_verdict "$results/trinity" 0)"
	else
		record FAIL "trinity" "vm exit $trc, ${ran:-no} calls; see $results/trinity/"
	fi
else
	record FAIL "trinity" "not installed (scripts/deps.sh)"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
