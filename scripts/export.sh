#!/usr/bin/env bash
# Regenerate patches/*.patch and patches/series from build/linux's commits
# after the strip commit.  Exporting an unchanged tree changes no byte.
# usage: scripts/export.sh [--check]   (--check: compare only, exit 1 if stale)
set -euo pipefail
VARIANT=series
. "$(dirname "$0")/config.sh"

check=0
case "${1:-}" in
--check) check=1 ;;
"") ;;
*) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
[ -d "$SRC/.git" ] || die "$SRC is not a git tree (make tree)"
git -C "$SRC" rev-parse -q --verify refs/tags/strip >/dev/null || die "$SRC has no 'strip' tag"
if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ]; then
	[ $check -eq 1 ] && exit 1
	die "$SRC has uncommitted changes; commit them first"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Only these settings: a user's format.* or diff.* must not change a byte.
GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null git -C "$SRC" -c core.abbrev=12 -c diff.renames=true format-patch -q \
	--zero-commit --no-signature --full-index --stat=80 -o "$tmp" strip..HEAD
(cd "$tmp" && ls -1 -- *.patch 2>/dev/null || true) >"$tmp/series"
if [ $check -eq 1 ]; then
	diff -q "$tmp/series" "$PATCHES/series" >/dev/null || exit 1
	while read -r p; do
		cmp -s "$tmp/$p" "$PATCHES/$p" || exit 1
	done <"$tmp/series"
	exit 0
fi
rm -f "$PATCHES"/*.patch
while read -r p; do cp "$tmp/$p" "$PATCHES/$p"; done <"$tmp/series"
cp "$tmp/series" "$PATCHES/series"
echo "exported $(wc -l <"$PATCHES/series") patches to patches/"
# The tree now matches patches/: record that for prepare-tree.sh.
VARIANT=series "$TOP/scripts/prepare-tree.sh" >/dev/null
