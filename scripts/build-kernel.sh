#!/usr/bin/env bash
# Configure and build one kernel (bzImage, modules) out of tree, with ccache.
# usage: VARIANT=series|upstream FLAVOUR=debug|demo scripts/build-kernel.sh
set -euo pipefail
. "$(dirname "$0")/config.sh"
[ $# -eq 0 ] || { echo "usage: VARIANT=series|upstream FLAVOUR=debug|demo $0" >&2; exit 2; }
need make gcc ccache flex bison bc pahole

tree_lock shared
"$TOP/scripts/prepare-tree.sh"

st=$SRC/tools/testing/selftests/bpf
# allnoconfig, then what the selftests declare they need and what this VM
# has and the harness uses: a kernel for this machine and these tests only.
frags=("$st/config" "$TOP/configs/selftests-extra.config" "$TOP/configs/vm.config")
[ "$FLAVOUR" = debug ] && frags+=("$TOP/configs/debug.config")

kmake() {
	make -C "$SRC" O="$KOUT" CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS" "$@"
}

mkdir -p "$KOUT"
confsum=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$KOUT/.config" ] || [ "$(cat "$KOUT/.config.harness" 2>/dev/null)" != "$confsum" ]; then
	progress "configuring $VARIANT-$FLAVOUR: allnoconfig + ${#frags[@]} fragments"
	kmake -s allnoconfig >/dev/null
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$KOUT" "$KOUT/.config" "${frags[@]}" >"$OUT/merge_config.log" 2>&1
	kmake -s olddefconfig >>"$OUT/merge_config.log" 2>&1
	"$TOP/scripts/check-config.sh" "$KOUT/.config" "${frags[@]}"
	echo "$confsum" >"$KOUT/.config.harness"
fi

run_logged "building $VARIANT-$FLAVOUR kernel (bzImage, modules)" "$OUT/logs/kernel.log" \
	kmake bzImage modules
progress "kernel: $KOUT/arch/x86/boot/bzImage ($(git -C "$SRC" describe --always --tags))"
