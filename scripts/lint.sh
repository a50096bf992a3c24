#!/usr/bin/env bash
# make lint: the quality gates a BPF maintainer runs on the series.
#   checkpatch --strict on every patch (exceptions: lint/checkpatch.allow),
#   W=1 C=2 (sparse) on the C files the series touches, against the base,
#   kernel-doc on the files the series adds,
#   bisectability: vmlinux builds after every patch,
#   Sphinx build of Documentation/bpf, against the base.
# Prints one line per gate and patch, then "N passed, N failed".
# usage: scripts/lint.sh [--no-bisect]
set -euo pipefail
VARIANT=series
FLAVOUR=debug
. "$(dirname "$0")/config.sh"
bisect=1
case "${1:-}" in
--no-bisect) bisect=0 ;;
"") ;;
*) echo "usage: $0 [--no-bisect]" >&2; exit 2 ;;
esac
need sparse perl
"$TOP/scripts/deps.sh" --docs
"$TOP/scripts/prepare-tree.sh"
[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] ||
	die "$SRC has uncommitted changes; commit and export first"
"$TOP/scripts/export.sh" --check || die "$SRC does not match patches/ (make export)"
[ -f "$KOUT/.config" ] || die "no $KOUT/.config: make kernel first"

res=$BUILD/lint
rm -rf "$res"
mkdir -p "$res"
kmake() { make -C "$1" O="$2" CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS" "${@:3}"; }

# 1. checkpatch --strict, patch by patch.
for p in $(entries "$PATCHES/series"); do
	log=$res/checkpatch-${p%.patch}.log
	# From the top of the kernel tree, as a maintainer runs it.
	(cd "$SRC" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --show-types \
		--no-summary "$PATCHES/$p") >"$log" 2>&1 || true
	bad=0
	kept=0
	global=0
	while IFS=$'\t' read -r type file; do
		if awk -v f="$file" -v t="$type" '$1 == "*" { for (i = 2; i <= NF; i++) if ($i == t) ok = 1 } END { exit !ok }' \
			<(entries "$TOP/lint/checkpatch.allow"); then
			global=$((global + 1))
		elif awk -v f="$file" -v t="$type" '$1 == f { for (i = 2; i <= NF; i++) if ($i == t) ok = 1 } END { exit !ok }' \
			<(entries "$TOP/lint/checkpatch.allow"); then
			kept=$((kept + 1))
		else
			bad=$((bad + 1))
		fi
	done < <(awk '/^(ERROR|WARNING|CHECK):/ { split($0, a, ":"); type = a[2]; next }
		/^#[0-9]+: / && type { f = ""; if ($2 == "FILE:") { f = $3; sub(/:[0-9]+:$/, "", f) } else f = "*";
			print type "\t" f; type = "" }' "$log")
	kept=$((kept + global))
	if [ $((kept - global)) -gt 0 ] && ! sed -n '/^Subject/,/^---$/p' "$PATCHES/$p" | grep -qi checkpatch; then
		record FAIL "checkpatch $p" "$kept allowed findings but the message does not justify them"
	elif [ $bad -eq 0 ]; then
		record PASS "checkpatch $p" "$kept kept, see lint/checkpatch.allow"
	else
		record FAIL "checkpatch $p" "$bad findings, see ${log#$TOP/}"
	fi
done

# 2. kernel-doc on the kernel files the series adds.
added=$(git -C "$SRC" diff --diff-filter=A --name-only strip..HEAD -- '*.c' '*.h' ':!tools' ':!Documentation')
(cd "$SRC" && scripts/kernel-doc -none -Wall $added) >"$res/kernel-doc.log" 2>&1 || true
n=$(grep -c 'warning' "$res/kernel-doc.log" || true)
[ "$n" -eq 0 ] && record PASS "kernel-doc" "$(echo $added | wc -w) files" ||
	record FAIL "kernel-doc" "$n warnings, see ${res#$TOP/}/kernel-doc.log"

# MAINTAINERS: every file the series adds resolves to its entry.
entry=$(sed -n 's/^+\(BPF \[STRUCT_OPS\]\)$/\1/p' "$PATCHES"/*.patch | head -n 1)
nomaint=0
for f in $(git -C "$SRC" diff --diff-filter=A --name-only strip..HEAD); do
	(cd "$SRC" && PATH=/usr/bin:$PATH scripts/get_maintainer.pl --no-git --no-git-fallback \
		--sections -f "$f" 2>/dev/null) | grep -qF "$entry" || { nomaint=$((nomaint + 1)); echo "no $entry: $f"; }
done >"$res/get_maintainer.log"
[ -n "$entry" ] && [ $nomaint -eq 0 ] && record PASS "get_maintainer.pl" "every added file resolves to $entry" ||
	record FAIL "get_maintainer.pl" "${entry:-no entry}; see ${res#$TOP/}/get_maintainer.log"

# A work tree of the base as shipped, for the before/after comparisons.
base_tree=$BUILD/lint-base
if [ ! -d "$base_tree" ]; then
	progress "lint: base work tree in $base_tree"
	git -C "$SRC" worktree add -q --detach "$base_tree" "strip^"
fi

# 3. W=1 and sparse on every kernel C file the series touches, base vs series.
objs=$(git -C "$SRC" diff --name-only strip..HEAD -- '*.c' ':!tools' ':!Documentation' | sed 's/\.c$/.o/')
count_warnings() { # tree outdir label
	local out=$2/kernel
	mkdir -p "$out"
	[ -f "$out/.config" ] || { cp "$KOUT/.config" "$out/.config"; kmake "$1" "$out" -s olddefconfig; }
	# Warnings come only from what is compiled: compile every object anew.
	(cd "$out" && rm -f $objs)
	run_logged "lint: W=1 C=2 build of $(echo $objs | wc -w) objects ($3)" "$res/w1-$3.log" \
		kmake "$1" "$out" -k W=1 C=2 $objs >&2
	for o in $objs; do
		printf '%s %s\n' "$o" "$(grep -E "^(${1}/)?${o%.o}\.c:[0-9]+:[0-9]+: (warning|error)|^${o%.o}\.c:[0-9]+:[0-9]+: " "$res/w1-$3.log" | sort -u | wc -l)"
	done
}
count_warnings "$SRC" "$BUILD/out/lint-series" series >"$res/w1-series.count"
count_warnings "$base_tree" "$BUILD/out/lint-base" base >"$res/w1-base.count"
while read -r o n; do
	b=$(awk -v o="$o" '$1 == o { print $2 }' "$res/w1-base.count")
	b=${b:-0}
	[ "$n" -le "$b" ] && record PASS "W=1 C=2 $o" "$n warnings, base $b" ||
		record FAIL "W=1 C=2 $o" "$n warnings, base $b; see ${res#$TOP/}/w1-series.log"
done <"$res/w1-series.count"

# 4. Sphinx, base vs series, both from scratch (warnings come from what is built).
rm -rf "$BUILD/out/docs-series" "$BUILD/out/docs-base"
VARIANT=series "$TOP/scripts/docs.sh" >/dev/null
sw=$(grep -cE 'WARNING|ERROR' "$BUILD/out/docs-series/sphinx.log" || true)
(
	export PATH=/usr/bin:$PATH
	mkdir -p "$BUILD/out/docs-base"
	make -C "$base_tree" O="$BUILD/out/docs-base" SPHINXDIRS=bpf htmldocs >"$BUILD/out/docs-base/sphinx.log" 2>&1
) || true
bw=$(grep -cE 'WARNING|ERROR' "$BUILD/out/docs-base/sphinx.log" || true)
[ -f "$BUILD/out/docs-series/Documentation/output/bpf/struct_ops.html" ] || sw=$((sw + 1000))
[ "$sw" -le "$bw" ] && record PASS "sphinx Documentation/bpf" "$sw warnings, base $bw" ||
	record FAIL "sphinx Documentation/bpf" "$sw warnings (base $bw) or no struct_ops.html"

# 5. Bisectability: vmlinux after each patch, in the check build directory.
if [ $bisect -eq 1 ]; then
	head=$(git -C "$SRC" symbolic-ref -q --short HEAD || git -C "$SRC" rev-parse HEAD)
	trap 'git -C "$SRC" checkout -q "$head"' EXIT
	i=0
	for c in $(git -C "$SRC" rev-list --reverse strip..HEAD); do
		i=$((i + 1))
		subj=$(git -C "$SRC" log -1 --format=%s "$c")
		git -C "$SRC" checkout -q "$c"
		if (run_logged "lint: vmlinux after patch $i" "$res/bisect-$i.log" \
			kmake "$SRC" "$KOUT" vmlinux) >/dev/null 2>&1; then
			record PASS "builds after patch $i" "$subj"
		else
			record FAIL "builds after patch $i" "$subj; see ${res#$TOP/}/bisect-$i.log"
		fi
	done
	git -C "$SRC" checkout -q "$head"
	trap - EXIT
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
