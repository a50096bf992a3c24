#!/usr/bin/env bash
# Check that every option the fragments ask for made it into the final config.
# The last fragment to name an option wins, as with merge_config.sh.
# usage: scripts/check-config.sh .config fragment...
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 .config fragment..." >&2; exit 2; }
final=$1
shift
declare -A want
for f in "$@"; do
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			want[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			want[${BASH_REMATCH[1]}]=n
		fi
	done <"$f"
done
declare -A have
while IFS= read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		have[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	fi
done <"$final"
bad=0
for k in $(printf '%s\n' "${!want[@]}" | sort); do
	w=${want[$k]}
	h=${have[$k]:-n}
	if [ "$w" != "$h" ]; then
		echo "config: $k: asked for $w, Kconfig gave $h" >&2
		bad=1
	fi
done
[ $bad -eq 0 ] || { echo "config: options were dropped (see above); fix configs/" >&2; exit 1; }
echo "config: all ${#want[@]} requested options present"
