#!/usr/bin/env bash
# Build Documentation/bpf as HTML with Debian's Sphinx.
# usage: [VARIANT=series|upstream] scripts/docs.sh
# Output: build/out/docs-$VARIANT/Documentation/output/bpf/index.html
# (struct_ops.html beside it); warnings in build/out/docs-$VARIANT/sphinx.log.
set -euo pipefail
. "$(dirname "$0")/config.sh"
[ $# -eq 0 ] || { echo "usage: [VARIANT=series|upstream] $0" >&2; exit 2; }
"$TOP/scripts/deps.sh" --docs
"$TOP/scripts/prepare-tree.sh"
# Debian's Sphinx lives in the system python, which may not be first in PATH.
export PATH=/usr/bin:$PATH
need sphinx-build
dout=$BUILD/out/docs-$VARIANT
mkdir -p "$dout"
run_logged "Sphinx: Documentation/bpf ($VARIANT)" "$dout/sphinx.log" \
	make -C "$SRC" O="$dout" SPHINXDIRS=bpf htmldocs
grep -E 'WARNING|ERROR' "$dout/sphinx.log" >"$dout/warnings.log" || true
progress "docs: $dout/Documentation/output/bpf/index.html ($(wc -l <"$dout/warnings.log") warnings)"
