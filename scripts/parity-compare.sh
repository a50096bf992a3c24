#!/usr/bin/env bash
# The side by side table of make parity, from what the two VMs left in
# RESDIR: {upstream,series}/test_progs.log, extra.log, st_probe.txt,
# probe-*.txt and {upstream,series}.vm-exit.  Fails when a row that passes
# on the control does not pass on ours, or an errno differs from the
# control's other than as tests/parity/differences documents.
# usage: scripts/parity-compare.sh RESDIR
set -euo pipefail
. "$(dirname "$0")/config.sh"
[ $# -eq 1 ] || { echo "usage: $0 RESDIR" >&2; exit 2; }
res=$1
for v in upstream series; do
	for f in $v/test_progs.log $v/extra.log $v/st_probe.txt $v.vm-exit; do
		[ -f "$res/$f" ] || die "missing $res/$f"
	done
done
rm -f "$res/helpers.diff" "$res"/probe-*.diff

# One "name status" line per subtest (per test for those without), then
# the checks outside test_progs, then the errno rows of st_probe; the
# helper rows are summed up per member (ours must offer every helper the
# control offers); last the probe output compared as text.
for v in upstream series; do
	{
		tp_results "$res/$v/test_progs.log"
		cat "$res/$v/extra.log"
		grep '^errno/' "$res/$v/st_probe.txt"
	} | awk '{ print $1, $2 }' >"$res/$v.results"
done
for m in cong_avoid release; do
	grep -c "^helper/$m/" "$res/upstream/st_probe.txt" >/dev/null &&
		echo "helpers/$m OK" >>"$res/upstream.results"
	missing=$(comm -23 <(grep "^helper/$m/" "$res/upstream/st_probe.txt" | sort) \
		<(grep "^helper/$m/" "$res/series/st_probe.txt" | sort) | awk -F/ '{ print $3 }' | cut -d' ' -f1 | paste -sd, -)
	if [ -z "$missing" ] && grep -q "^helper/$m/" "$res/series/st_probe.txt"; then
		echo "helpers/$m OK" >>"$res/series.results"
	else
		echo "helpers/$m FAIL" >>"$res/series.results"
		echo "helpers/$m: the control offers helper ids ours does not: ${missing:-all}" >>"$res/helpers.diff"
	fi
done
for n in intree debian; do
	echo "bpftool-$n/probe-struct_ops-lines OK" >>"$res/upstream.results"
	if cmp -s "$res/upstream/probe-$n.txt" "$res/series/probe-$n.txt"; then
		echo "bpftool-$n/probe-struct_ops-lines OK" >>"$res/series.results"
	else
		echo "bpftool-$n/probe-struct_ops-lines FAIL" >>"$res/series.results"
		diff -u "$res/upstream/probe-$n.txt" "$res/series/probe-$n.txt" >"$res/probe-$n.diff" || true
	fi
done
for v in upstream series; do
	echo "kernel-log $([ "$(cat "$res/$v.vm-exit")" = 0 ] && echo OK || echo FAIL)" >>"$res/$v.results"
done

# Every check of parity-guest.sh must have reported on both sides: one
# that never ran compares nothing.
missing=0
for v in upstream series; do
	for n in $(entries "$TOP/tests/parity/expected-rows"); do
		grep -q "^$n " "$res/$v.results" && continue
		echo "$n MISSING" >>"$res/$v.results"
		missing=$((missing + 1))
	done
done

# The table, in the control's order, then anything only ours ran.
awk '
	FNR == 1 { f++ }
	f == 1 { if ($0 !~ /^#/ && NF >= 3) doc[$1] = $2 " " $3; next }
	f == 2 { if (!($1 in c)) order[n++] = $1; c[$1] = $2; next }
	{ if (!($1 in c) && !($1 in o)) order[n++] = $1; o[$1] = $2 }
	END {
		printf "%-56s %-11s %-11s\n", "test/subtest or check", "control", "ours"
		for (i = 0; i < n; i++) {
			k = order[i]; cc = (k in c) ? c[k] : "-"; oo = (k in o) ? o[k] : "-"
			mark = ""
			if (k ~ /^errno\//) {
				if (cc != oo) mark = (doc[k] == cc " " oo) ? "  (documented difference)" : "  <-- regression"
			} else if (cc == "OK" && oo != "OK") mark = "  <-- regression"
			else if (cc == "-") mark = "  (ours only: not in the base)"
			else if (cc != "OK" && oo == "OK") mark = "  (better than the control)"
			printf "%-56s %-11s %-11s%s\n", k, cc, oo, mark
		}
	}' "$TOP/tests/parity/differences" "$res/upstream.results" "$res/series.results" | tee "$res/table.txt"

# Compared: every row the control has a result for (OK, or an errno).
compared=$(awk '$2 == "OK" || $1 ~ /^errno\//' "$res/upstream.results" | wc -l)
regressed=$(grep -c -- '<-- regression' "$res/table.txt" || true)
total=$(($(wc -l <"$res/table.txt") - 1))
echo "parity: $total rows, $compared compared (pass on the control, or an errno), $regressed regressions on ours"
echo "(vm exit: control $(cat "$res/upstream.vm-exit"), ours $(cat "$res/series.vm-exit"); logs in ${res#$TOP/}/)"
[ $missing -eq 0 ] || echo "parity: $missing expected rows missing (MISSING in the table): the comparison is incomplete"
echo "$((compared - regressed)) passed, $((regressed + missing)) failed"
[ "$regressed" -eq 0 ] && [ $missing -eq 0 ] && [ "$compared" -gt 0 ]
