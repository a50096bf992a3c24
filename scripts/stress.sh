#!/usr/bin/env bash
# make stress: the reliability runs, bounded, on the debug kernel (KASAN,
# lockdep, kmemleak, fault injection), each part in a guest of its own so
# that a splat or a leak is the part's:
#   races   struct_ops_race, many rounds and a long users_race
#   faults  struct_ops_fault: every allocation and user copy on the map,
#           link and program-load paths failed once in turn
#   fuzz    struct_ops_fuzz, >= 1,000,000 bpf() calls from one seed
#   trinity Debian's trinity on the bpf syscall beside a registered
#           bpf_cubic carrying TCP traffic
#   crashpaths the three BPF congestion control crash paths of the base
#           (selftests' tcp_ca_harden.c, one algorithm each), each taken
#           on the control (VARIANT=upstream, built here), where it must
#           splat, and on the series, where it must not
# One line per part: its figures, splats, leaks; then "N passed, N failed".
# test_progs runs with -v: the tests print their figures, which test_progs
# shows for a passing test only then.
# usage: scripts/stress.sh [PART...]
# Environment: STRESS_RACE_ITERS (default 200), STRESS_RACE_MS (60000),
# STRESS_FUZZ_CALLS (1000000), STRESS_SEED (random, printed; replays the
# fuzz and trinity parts), STRESS_TRINITY_SECS (300).
set -euo pipefail
FLAVOUR=debug
. "$(dirname "$0")/config.sh"
all="races faults fuzz trinity crashpaths"
parts=${*:-$all}
for p in $parts; do
	[[ " $all " == *" $p "* ]] || { echo "usage: $0 [$all]" >&2; exit 2; }
done
race_iters=${STRESS_RACE_ITERS:-200}
race_ms=${STRESS_RACE_MS:-60000}
fuzz_calls=${STRESS_FUZZ_CALLS:-1000000}
seed=${STRESS_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
trinity_secs=${STRESS_TRINITY_SECS:-300}

"$TOP/scripts/deps.sh"
"$TOP/scripts/build-kernel.sh"
"$TOP/scripts/build-selftests.sh"
need trinity

# Each part's guest logs in build/stress/<part>, replaced when it runs again.
results=$BUILD/stress
mkdir -p "$results"
exec > >(tee "$results/summary.log")
progress "stress: parts: $parts; seed $seed"

# Record a part: PASS when the command passed and the kernel stayed clean.
part() { # part NAME VMRC DIR FIGURES
	local v
	v=$(guest_verdict "$3" "$2")
	if [ "$2" -eq 0 ] && [ "$v" = "splats 0, leaks 0" ]; then
		record PASS "$1: $4, $v"
	else
		record FAIL "$1: $4, $v" "vm exit $2; logs in ${3#$TOP/}"
	fi
}
tp() { # tp DIR TIMEOUT ENV... -- TEST: test_progs in the guest
	local dir=$1 t=$2 rc=0
	shift 2
	(cd "$STOUT" && "$TOP/scripts/vm-run.sh" -t "$t" -o "$dir" -q -- env "$@") >&2 || rc=$?
	echo $rc
}
# Sum of the numbers in what matches $3 in the lines of $1 matching $2
# (0 when nothing matches: a part that printed nothing fails on its exit
# code and its figures, not on a grep).
sum_field() {
	{ grep -aE "$2" "$1" 2>/dev/null || true; } | { grep -oE "$3" || true; } |
		{ grep -oE '[0-9]+' || true; } | awk '{s += $1} END {print s + 0}'
}

for p in $parts; do
	d=$results/$p
	rm -rf "$d"
	mkdir -p "$d"
	case $p in
	races)
		progress "stress: races ($race_iters rounds, users_race $race_ms ms)"
		rc=$(tp "$d" 3600 STRUCT_OPS_RACE_ITERS="$race_iters" STRUCT_OPS_RACE_MS="$race_ms" \
			./test_progs -v -a struct_ops_race)
		o=$d/output.log
		rounds=$(sum_field "$o" '^test_(update_race|name_race|last_ref): [0-9]+ rounds' '[0-9]+ rounds')
		cycles=$(sum_field "$o" 'register/unregister cycles' '[0-9]+ register/unregister')
		users=$(grep -aoE '[0-9]+ setsockopt.*namespaces' "$o" | head -n 1 || true)
		part races "$rc" "$d" "iterations $((rounds + cycles)) ($rounds rounds, $cycles register/unregister cycles against ${users:-nothing})"
		;;
	faults)
		progress "stress: faults"
		rc=$(tp "$d" 3600 ./test_progs -v -a struct_ops_fault)
		o=$d/output.log
		faults=$(sum_field "$o" '[0-9]+ faults injected at [0-9]+ sites' '[0-9]+ faults injected')
		sites=$(sum_field "$o" '[0-9]+ faults injected at [0-9]+ sites' 'at [0-9]+ sites')
		paths=$(grep -acE 'struct_ops_fault: [a-z_]+: [0-9]+ sites failed in turn' "$o" || true)
		part faults "$rc" "$d" "faults injected $faults at $sites sites of ${paths:-0} paths"
		;;
	fuzz)
		progress "stress: fuzz ($fuzz_calls calls, seed $seed)"
		rc=$(tp "$d" 5400 STRUCT_OPS_FUZZ_CALLS="$fuzz_calls" STRUCT_OPS_FUZZ_SEED="$seed" \
			./test_progs -v -a struct_ops_fuzz)
		o=$d/output.log
		line=$(grep -aE '^struct_ops_fuzz: seed .* calls [0-9]+ ok' "$o" | tail -n 1 || true)
		calls=$(echo "$line" | grep -oE 'calls [0-9]+' | grep -oE '[0-9]+' || true)
		# Fewer calls than asked for is a failure, whatever the exit code.
		[ "${calls:-0}" -ge "$fuzz_calls" ] || [ "$rc" -ne 0 ] || rc=1
		part fuzz "$rc" "$d" "fuzz calls ${calls:-0} (seed $seed; ${line#*calls $calls })"
		;;
	trinity)
		progress "stress: trinity ($trinity_secs s, seed $seed)"
		rc=0
		"$TOP/scripts/vm-run.sh" -t $((trinity_secs + 900)) -o "$d" -q -- \
			"$TOP/scripts/stress-trinity-guest.sh" "$BPFTOOL" "$STOUT/bpf_cubic.bpf.o" \
			"$trinity_secs" "$seed" || rc=$?
		o=$d/output.log
		ran=$(sum_field "$o" 'Ran [0-9]+ syscalls' 'Ran [0-9]+')
		traffic=$(grep -aoE 'trinity: traffic [a-z_]+ .*' "$o" | tail -n 1 || true)
		traffic=${traffic#trinity: }
		[ "$ran" -gt 0 ] || [ "$rc" -ne 0 ] || rc=1
		part trinity "$rc" "$d" "syscalls $ran in $trinity_secs s, ${traffic:-no traffic}"
		;;
	crashpaths)
		progress "stress: crashpaths: the control's debug kernel and bpftool"
		VARIANT=upstream "$TOP/scripts/build-kernel.sh"
		VARIANT=upstream "$TOP/scripts/build-selftests.sh"
		ctl=$BUILD/out/upstream-debug
		obj=$STOUT/tcp_ca_harden.bpf.o
		[ -f "$obj" ] || die "no $obj (selftests build)"
		cas="bpf_ca_h_ai0 bpf_ca_h_cwnd0 bpf_ca_h_nullsk"
		seen=()
		crashed=0
		for ca in $cas; do
			progress "stress: crashpaths: $ca on the control"
			rc=0
			"$TOP/scripts/vm-run.sh" -k "$ctl/kernel/arch/x86/boot/bzImage" -t 900 -o "$d/control-$ca" -q -K -- \
				"$TOP/scripts/crashpath-guest.sh" "$ctl/selftests/tools/sbin/bpftool" "$obj" "$ca" >&2 || rc=$?
			# The first line of the report, from the console (a panic
			# leaves no dmesg.log).
			first=$({ grep -aE 'divide error|WARNING:|BUG:|KASAN:|general protection|Oops' \
				"$d/control-$ca/console.log" 2>/dev/null || true; } |
				head -n 1 | sed -e 's/^[^]]*\] //' -e 's/ at .*//' | cut -c1-60)
			if [ $rc -eq 125 ] || [ $rc -eq 126 ]; then
				crashed=$((crashed + 1))
				seen+=("$ca: ${first:-guest died}")
			else
				seen+=("$ca: no splat (vm exit $rc)")
			fi
		done
		progress "stress: crashpaths: all three on the series"
		rc=0
		"$TOP/scripts/vm-run.sh" -t 900 -o "$d/series" -q -- bash -c \
			'for ca in $3; do "$0" "$1" "$2" "$ca" || exit 1; done' \
			"$TOP/scripts/crashpath-guest.sh" "$BPFTOOL" "$obj" "$cas" >&2 || rc=$?
		clean=$(grep -ac 'connected and moved' "$d/series/output.log" || true)
		summary="control splats on $crashed of 3 ($(IFS=';'; echo "${seen[*]}")); series ran $clean of 3"
		if [ $crashed -eq 3 ] && [ "$clean" -eq 3 ]; then
			part crashpaths "$rc" "$d/series" "$summary"
		else
			part crashpaths 1 "$d/series" "$summary"
		fi
		;;
	esac
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
