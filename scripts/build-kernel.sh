#!/usr/bin/env bash
# Configure and build one kernel (bzImage, modules) out of tree, with ccache.
# usage: VARIANT=series|upstream FLAVOUR=debug|demo scripts/build-kernel.sh
set -euo pipefail
. "$(dirname "$0")/config.sh"
[ $# -eq 0 ] || { echo "usage: VARIANT=series|upstream FLAVOUR=debug|demo $0" >&2; exit 2; }
need make gcc ccache flex bison bc pahole

"$TOP/scripts/prepare-tree.sh"

st=$SRC/tools/testing/selftests/bpf
frags=("$st/config" "$st/config.x86_64" "$TOP/configs/selftests-extra.config" "$TOP/configs/vm.config")
[ "$FLAVOUR" = debug ] && frags+=("$TOP/configs/debug.config")

kmake() {
	make -C "$SRC" O="$KOUT" CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS" "$@"
}

mkdir -p "$KOUT"
confsum=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$KOUT/.config" ] || [ "$(cat "$KOUT/.config.harness" 2>/dev/null)" != "$confsum" ]; then
	progress "configuring $VARIANT-$FLAVOUR: x86_64_defconfig + ${#frags[@]} fragments"
	kmake -s x86_64_defconfig >/dev/null
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$KOUT" "$KOUT/.config" "${frags[@]}" >"$OUT/merge_config.log"
	kmake -s olddefconfig >/dev/null
	"$TOP/scripts/check-config.sh" "$KOUT/.config" "${frags[@]}"
	echo "$confsum" >"$KOUT/.config.harness"
fi

run_logged "building $VARIANT-$FLAVOUR kernel (bzImage, modules)" "$OUT/logs/kernel.log" \
	kmake bzImage modules
progress "kernel: $KOUT/arch/x86/boot/bzImage ($(git -C "$SRC" describe --always --tags))"
