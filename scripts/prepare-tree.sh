#!/usr/bin/env bash
# Unpack the pinned base into a git tree and apply the series.
# usage: VARIANT=series|upstream scripts/prepare-tree.sh [--force]
#
# series:   build/linux    = base commit, strip commit (patches/removed), series
# upstream: build/upstream = base commit only (the control)
#
# An existing tree is kept when it already matches patches/ (including when
# it holds exactly what `make export` would write).  When patches/ changed
# and the tree has no commits of its own, the series is applied anew on
# strip in place (git rewrites the files that differ, with new mtimes, so
# kbuild recompiles them); a changed patches/removed unpacks the base
# again.  A tree with commits of its own stops this rather than lose work.
# --force unpacks anew regardless.
set -euo pipefail
. "$(dirname "$0")/config.sh"

force=0
case "${1:-}" in
--force) force=1 ;;
"") ;;
*) echo "usage: VARIANT=series|upstream $0 [--force]" >&2; exit 2 ;;
esac
need git tar xz sha256sum

series_state() {
	# Everything the series variant is made from, as one hash.
	[ "$VARIANT" = upstream ] && { echo upstream; return; }
	{
		cat "$PATCHES/removed" "$PATCHES/series"
		entries "$PATCHES/series" |
			while read -r p; do cat "$PATCHES/$p"; done
	} | sha256sum | cut -d' ' -f1
}

# git am every patch of patches/series onto the current branch.
apply_series() {
	local n=0 p
	for p in $(entries "$PATCHES/series"); do
		[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
		if ! git am -q --committer-date-is-author-date "$PATCHES/$p"; then
			git am --abort || true
			die "patch $p does not apply to the tree (see git am's message above)"
		fi
		n=$((n + 1))
	done
	progress "applied $n patches"
}

stamp=$SRC/.git/harness-stamp
want=$(series_state)

if [ -d "$SRC/.git" ] && [ $force -eq 0 ]; then
	if [ "$(cat "$stamp" 2>/dev/null)" = "$want:$(git -C "$SRC" rev-parse HEAD)" ]; then
		exit 0
	fi
	if [ "$VARIANT" = series ] && "$TOP/scripts/export.sh" --check >/dev/null 2>&1; then
		# The tree exports to exactly what patches/ holds: it is current.
		echo "$want:$(git -C "$SRC" rev-parse HEAD)" >"$stamp"
		exit 0
	fi
	old=$(cut -d: -f2 "$stamp" 2>/dev/null || true)
	if [ "$old" != "$(git -C "$SRC" rev-parse HEAD)" ] ||
		[ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ]; then
		die "$SRC has commits or changes that are not in patches/, and patches/ differs from it.
Export them (make export) or move $SRC away, then run again (or pass --force to discard)."
	fi
	# The same base and strip: apply the new series on strip in place.
	# git rewrites exactly the files that differ, with a new mtime, so
	# kbuild recompiles what changed and nothing else.
	if [ "$VARIANT" = series ] && git -C "$SRC" rev-parse -q --verify strip >/dev/null &&
		[ "$(git -C "$SRC" log -1 --format=%b strip | sed -n 's/^Removed: //p')" = "$(echo $(entries "$PATCHES/removed"))" ]; then
		progress "patches/ changed: applying the series anew on strip in $SRC"
		cd "$SRC"
		git am --abort >/dev/null 2>&1 || true
		git checkout -q -f -B series strip
		apply_series
		cd "$TOP"
		echo "$want:$(git -C "$SRC" rev-parse HEAD)" >"$stamp"
		progress "tree ready: $SRC ($(git -C "$SRC" log --oneline | wc -l) commits)"
		exit 0
	fi
	progress "patches/ changed: rebuilding $SRC"
fi

[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL missing: install $BASE_PKG=$BASE_VERSION (scripts/deps.sh)"
have=$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true)
[ "$have" = "$BASE_VERSION" ] || die "$BASE_PKG is at '$have', the pin is $BASE_VERSION (scripts/deps.sh installs it)"
progress "checking $BASE_TARBALL"
sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
[ "$sum" = "$BASE_SHA256" ] || die "sha256 of $BASE_TARBALL is $sum, expected $BASE_SHA256"

tmp=$SRC.new
rm -rf "$tmp"
mkdir -p "$tmp"
progress "unpacking the base into $SRC"
tar -C "$tmp" --strip-components=1 -xJf "$BASE_TARBALL"

cd "$tmp"
git init -q -b pristine .
git config core.abbrev 12
git config gc.auto 0
# The harness's identity (config.sh) is for the base and strip commits
# only: a developer's own commits in the tree are theirs.
export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
progress "committing the base ($BASE_PKG $BASE_VERSION)"
git add -A -f  # Debian's .gitignore ignores the top level
git commit -q -m "base: $BASE_PKG $BASE_VERSION" -m "Unpacked from $BASE_TARBALL (sha256 $BASE_SHA256)."
git tag base

if [ "$VARIANT" = series ]; then
	removed=$(entries "$PATCHES/removed")
	for f in $removed; do
		[ -e "$f" ] || die "patches/removed names $f, which the base does not have"
		git rm -q "$f"
	done
	git commit -q --allow-empty -m "strip: remove the files the series writes anew" \
		-m "Removed: $(echo $removed)"
	git tag strip
	unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
	git checkout -q -b series
	apply_series
fi
cd "$TOP"
# The tarball's old timestamps would hide a change from kbuild: a file
# the previous series changed and this one does not goes back to the
# base's text with a date older than its object.  Date every file either
# series touches now.
if [ -d "$SRC/.git" ]; then
	{
		git -C "$SRC" diff --name-only base HEAD 2>/dev/null || true
		git -C "$tmp" diff --name-only base HEAD
	} | sort -u | (cd "$tmp" && xargs -r -d '\n' touch -c --)
fi
rm -rf "$SRC"
mv "$tmp" "$SRC"
echo "$want:$(git -C "$SRC" rev-parse HEAD)" >"$SRC/.git/harness-stamp"
progress "tree ready: $SRC ($(git -C "$SRC" log --oneline | wc -l) commits)"
