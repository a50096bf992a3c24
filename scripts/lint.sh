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

# 1. checkpatch --strict, patch by patch.  Every finding counts: one with a
# "#N: FILE: f:L:" line is the file's, one without (the commit message, a
# missing Signed-off-by) is "*"'s.  Allowed: what lint/checkpatch.allow lists.
checkpatch() { # patch log
	# From the top of the kernel tree, as a maintainer runs it.
	(cd "$SRC" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --show-types \
		--no-summary "$1") >"$2" 2>&1 || true
}
findings() { # log -> "TYPE<tab>file" per finding
	awk '/^(ERROR|WARNING|CHECK):/ {
			if (type) print type "\t*"
			split($0, a, ":"); type = a[2]; next }
		/^#[0-9]+: / && type { f = "*"; if ($2 == "FILE:") { f = $3; sub(/:[0-9]+:$/, "", f) }
			print type "\t" f; type = "" }
		END { if (type) print type "\t*" }' "$1"
}
allowed() { # type file
	awk -v f="$2" -v t="$1" '$1 == f || $1 == "*" { for (i = 2; i <= NF; i++) if ($i == t) ok = 1 } END { exit !ok }' \
		<(entries "$TOP/lint/checkpatch.allow")
}
for p in $(entries "$PATCHES/series"); do
	log=$res/checkpatch-${p%.patch}.log
	checkpatch "$PATCHES/$p" "$log"
	bad=0
	kept=0
	own=0
	while IFS=$'\t' read -r type file; do
		if allowed "$type" "$file"; then
			kept=$((kept + 1))
			allowed "$type" "*" || own=$((own + 1))
		else
			bad=$((bad + 1))
			echo "not allowed: $type in $file" >>"$log"
		fi
	done < <(findings "$log")
	if [ $own -gt 0 ] && ! sed -n '/^Subject/,/^---$/p' "$PATCHES/$p" | grep -qi checkpatch; then
		record FAIL "checkpatch $p" "$own allowed findings but the message does not justify them"
	elif [ $bad -eq 0 ]; then
		record PASS "checkpatch $p" "$kept kept, see lint/checkpatch.allow"
	else
		record FAIL "checkpatch $p" "$bad findings, see ${log#$TOP/}"
	fi
done
# The gate must be able to fail: the first patch without its Signed-off-by.
first=$(entries "$PATCHES/series" | head -n 1)
grep -v '^Signed-off-by:' "$PATCHES/$first" >"$res/no-sign-off.patch"
checkpatch "$res/no-sign-off.patch" "$res/checkpatch-no-sign-off.log"
n=0
while IFS=$'\t' read -r type file; do
	allowed "$type" "$file" || n=$((n + 1))
done < <(findings "$res/checkpatch-no-sign-off.log")
if [ $n -gt 0 ] && grep -q MISSING_SIGN_OFF "$res/checkpatch-no-sign-off.log"; then
	record PASS "checkpatch self-test" "a patch without Signed-off-by fails ($n findings)"
else
	record FAIL "checkpatch self-test" "a patch without Signed-off-by passed; see ${res#$TOP/}/checkpatch-no-sign-off.log"
fi

# 2. kernel-doc on the kernel files the series adds.
added=$(git -C "$SRC" diff --diff-filter=A --name-only strip..HEAD -- '*.c' '*.h' ':!tools' ':!Documentation')
# This tree's kernel-doc has no -Wall: -v is what warns about a missing
# Return: section.  Its exit status counts too (usage errors).
kdoc() { # log files...
	local log=$1 rc=0 n
	shift
	(cd "$SRC" && scripts/kernel-doc -v -none "$@") >"$log" 2>&1 || rc=$?
	n=$(grep -c ': warning: ' "$log" || true)
	[ $rc -eq 0 ] && [ "$n" -eq 0 ] && [ $# -gt 0 ]
}
if kdoc "$res/kernel-doc.log" $added; then
	record PASS "kernel-doc" "$(echo $added | wc -w) files, 0 warnings"
else
	record FAIL "kernel-doc" "see ${res#$TOP/}/kernel-doc.log"
fi
# The gate must be able to fail: a comment that misses a parameter and
# the return value.
printf '/**\n * f() - x\n * @a: y\n */\nint f(int a, int b);\n' >"$res/kernel-doc-bad.h"
if kdoc "$res/kernel-doc-bad.log" "$res/kernel-doc-bad.h"; then
	record FAIL "kernel-doc self-test" "a broken comment passed"
else
	record PASS "kernel-doc self-test" "a broken comment fails: $(grep -c ': warning: ' "$res/kernel-doc-bad.log") warnings"
fi

# MAINTAINERS: every file the series adds resolves to the entry it extends.
entry="BPF [NETWORKING] (struct_ops, reuseport)"
grep -qxF "$entry" "$SRC/MAINTAINERS" || entry=
nomaint=0
for f in $(git -C "$SRC" diff --diff-filter=A --name-only strip..HEAD); do
	(cd "$SRC" && PATH=/usr/bin:$PATH scripts/get_maintainer.pl --no-git --no-git-fallback \
		--sections -f "$f" 2>/dev/null) | grep -qF "$entry" || { nomaint=$((nomaint + 1)); echo "no $entry: $f"; }
done >"$res/get_maintainer.log"
[ -n "$entry" ] && [ $nomaint -eq 0 ] && record PASS "get_maintainer.pl" "every added file resolves to $entry" ||
	record FAIL "get_maintainer.pl" "${entry:-no entry}; see ${res#$TOP/}/get_maintainer.log"

# The base as shipped, for the before/after comparisons: a plain copy of
# the base commit's files, outside build/linux (whose .git a tree rebuild
# replaces), kept across runs.
base_tree=$BUILD/lint-base
base_commit=$(git -C "$SRC" rev-parse "base^{commit}")
if [ "$(cat "$base_tree/.harness-base" 2>/dev/null)" != "$base_commit" ]; then
	progress "lint: the base's files in $base_tree"
	rm -rf "$base_tree"
	mkdir -p "$base_tree"
	git -C "$SRC" archive base | tar -C "$base_tree" -x
	echo "$base_commit" >"$base_tree/.harness-base"
fi

# 3. W=1 and sparse, base vs series: every kernel C file the series
# touches is compiled anew on both sides (those the base has), and the
# warnings are counted per file for every .c and .h the series touches:
# a warning in a header the series adds is the header's.
touched=$(git -C "$SRC" diff --name-only strip..HEAD -- '*.c' '*.h' ':!tools' ':!Documentation' ':!samples')
objs=$(grep '\.c$' <<<"$touched" | sed 's/\.c$/.o/')
count_warnings() { # tree outdir label
	local out=$2/kernel o have=()
	mkdir -p "$out"
	# The kernel's configuration, refreshed whenever it changed.
	cmp -s "$KOUT/.config" "$out/.config.src" ||
		{ cp "$KOUT/.config" "$out/.config"; cp "$KOUT/.config" "$out/.config.src"; kmake "$1" "$out" -s olddefconfig; }
	for o in $objs; do
		[ -f "$1/${o%.o}.c" ] && have+=("$o")
	done
	[ ${#have[@]} -gt 0 ] || { : >"$res/w1-$3.log"; have=(); }
	# Warnings come only from what is compiled: compile every object anew.
	[ ${#have[@]} -eq 0 ] || (cd "$out" && rm -f "${have[@]}")
	[ ${#have[@]} -eq 0 ] || run_logged "lint: W=1 C=2 build of ${#have[@]} objects ($3)" "$res/w1-$3.log" \
		kmake "$1" "$out" -k W=1 C=2 "${have[@]}" >&2
	for f in $touched; do
		printf '%s %s\n' "$f" "$(count_in "$res/w1-$3.log" "$f")"
	done
}
count_in() { # log file: the distinct warnings and errors gcc or sparse put on file
	awk -v f="$2" '{
		i = index($0, f ":")
		if (!i || (i > 1 && substr($0, i - 1, 1) !~ /[ \/]/)) next
		if (substr($0, i + length(f) + 1) ~ /^[0-9]+:([0-9]+:)? (warning|error)/) print
	}' "$1" | sort -u | wc -l
}
count_warnings "$SRC" "$BUILD/out/lint-series" series >"$res/w1-series.count"
count_warnings "$base_tree" "$BUILD/out/lint-base" base >"$res/w1-base.count"
while read -r f n; do
	b=$(awk -v f="$f" '$1 == f { print $2 }' "$res/w1-base.count")
	b=${b:-0}
	[ "$n" -le "$b" ] && record PASS "W=1 C=2 $f" "$n warnings, base $b" ||
		record FAIL "W=1 C=2 $f" "$n warnings, base $b; see ${res#$TOP/}/w1-series.log"
done <"$res/w1-series.count"
# The gate must be able to fail: a header with a W=1 warning (a missing
# prototype), included by a file compiled the same way, is counted.
st_dir=$SRC/kernel/bpf
printf '/* SPDX-License-Identifier: GPL-2.0 */\nint lint_w1_selftest_h(void) { return 0; }\n' >"$st_dir/lint_w1_selftest.h"
printf '// SPDX-License-Identifier: GPL-2.0\n#include "lint_w1_selftest.h"\n' >"$st_dir/lint_w1_selftest.c"
(kmake "$SRC" "$BUILD/out/lint-series/kernel" W=1 C=2 kernel/bpf/lint_w1_selftest.o >"$res/w1-selftest.log" 2>&1) || true
rm -f "$st_dir"/lint_w1_selftest.[ch] "$BUILD/out/lint-series/kernel/kernel/bpf/lint_w1_selftest.o"
n=$(count_in "$res/w1-selftest.log" kernel/bpf/lint_w1_selftest.h)
[ "$n" -gt 0 ] && record PASS "W=1 C=2 self-test" "a header without a prototype: $n warnings" ||
	record FAIL "W=1 C=2 self-test" "a header's warning went uncounted; see ${res#$TOP/}/w1-selftest.log"

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
# The gate must be able to fail: the same build with a broken table and a
# dangling reference appended to struct_ops.rst counts more warnings.
rst=$SRC/Documentation/bpf/struct_ops.rst
cp "$rst" "$res/struct_ops.rst.orig"
printf '\n===== =====\na\n===== =====\n\nSee `No such section`_.\n' >>"$rst"
rm -rf "$BUILD/out/docs-selftest"
(
	export PATH=/usr/bin:$PATH
	mkdir -p "$BUILD/out/docs-selftest"
	make -C "$SRC" O="$BUILD/out/docs-selftest" SPHINXDIRS=bpf htmldocs >"$BUILD/out/docs-selftest/sphinx.log" 2>&1
) || true
cp "$res/struct_ops.rst.orig" "$rst"
tw=$(grep -cE 'WARNING|ERROR' "$BUILD/out/docs-selftest/sphinx.log" || true)
[ "$tw" -gt "$sw" ] && record PASS "sphinx self-test" "a broken table and reference: $tw warnings, $sw without" ||
	record FAIL "sphinx self-test" "a broken document counted $tw warnings, $sw without"

# 5. Bisectability: vmlinux after each patch, in the check build directory.
# It checks out old commits in build/linux: no other harness job may build
# from it meanwhile (they take the same lock, shared).
#
# A patch before the one that brings back the last file strip removed
# (a later patch may delete one again, on purpose) cannot build by
# construction (the base's Makefiles still name those
# files): it is reported as such, not counted either way.  And kbuild links
# a stale object whose source is gone without a word, so the objects of
# every C file the series touches that a commit lacks are removed first:
# without that, such a commit "builds" from the objects of a later one.
if [ $bisect -eq 1 ]; then
	tree_lock exclusive
	head=$(git -C "$SRC" symbolic-ref -q --short HEAD || git -C "$SRC" rev-parse HEAD)
	trap 'git -C "$SRC" checkout -q "$head"' EXIT
	series_c=$(git -C "$SRC" diff --name-only base HEAD -- '*.c' ':!tools' ':!Documentation' ':!samples')
	# A file strip removed is "not back yet" until the first patch that
	# has it; a later patch may delete it on purpose (and then builds).
	declare -A back=()
	i=0
	for c in $(git -C "$SRC" rev-list --reverse strip..HEAD); do
		i=$((i + 1))
		subj=$(git -C "$SRC" log -1 --format=%s "$c")
		lacks=
		for f in $(entries "$PATCHES/removed"); do
			[ -n "${back[$f]:-}" ] && continue
			if git -C "$SRC" cat-file -e "$c:$f" 2>/dev/null; then
				back[$f]=$i
			else
				lacks+=" $f"
			fi
		done
		if [ -n "$lacks" ]; then
			echo "n/a builds after patch $i ($subj; strip removed, not back yet:$lacks)"
			continue
		fi
		git -C "$SRC" checkout -q "$c"
		for f in $series_c; do
			[ -e "$SRC/$f" ] || rm -f "$KOUT/${f%.c}.o" "$KOUT/$(dirname "$f")/.$(basename "${f%.c}").o.cmd"
		done
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
