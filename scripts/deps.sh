#!/usr/bin/env bash
# Install the Debian packages the harness needs (idempotent).
# usage: scripts/deps.sh [--docs]
set -euo pipefail
. "$(dirname "$0")/config.sh"
case "${1:-}" in
--docs | "") ;;
*) echo "usage: $0 [--docs]" >&2; exit 2 ;;
esac

pkgs=(
	"$BASE_PKG=$BASE_VERSION"
	build-essential bc bison flex kmod cpio rsync
	libelf-dev libssl-dev libcap-dev zlib1g-dev libzstd-dev libmnl-dev
	dwarves ccache sparse
	clang llvm lld
	qemu-system-x86
	iproute2 iperf3 ethtool trinity gnuplot-nox
	bpftool libbpf-dev
	python3 python3-ply python3-git git
)
[ "${1:-}" = --docs ] && pkgs+=(python3-sphinx python3-sphinx-rtd-theme)

missing=()
for p in "${pkgs[@]}"; do
	name=${p%%=*}
	want=${p#*=}
	have=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
	case "$have" in
	"install ok installed"*)
		[ "$want" = "$p" ] || [ "${have##* }" = "$want" ] || missing+=("$p")
		;;
	*) missing+=("$p") ;;
	esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages and not root: ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
	if ! apt-cache madison "$BASE_PKG" | grep -q " $BASE_VERSION "; then
		echo "deps: $BASE_PKG $BASE_VERSION is no longer served;" >&2
		echo "deps: available: $(apt-cache madison "$BASE_PKG" | awk '{print $3}' | xargs)" >&2
		echo "deps: change BASE_VERSION and BASE_SHA256 in scripts/config.sh" >&2
	fi
	echo "deps: apt-get install failed for: ${missing[*]}" >&2
	exit 1
fi
