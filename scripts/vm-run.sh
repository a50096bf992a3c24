#!/usr/bin/env bash
# Boot a kernel in QEMU with the host root read-only over 9p and run one
# command inside; the command's exit code becomes this script's exit code.
#
# usage: scripts/vm-run.sh [-k BZIMAGE] [-t SECONDS] [-o OUTDIR] [-q] [-K] -- CMD...
#   -k  kernel image (default: build/out/$VARIANT-$FLAVOUR/kernel/arch/x86/boot/bzImage)
#   -t  wall-clock timeout for the whole guest (default 900)
#   -o  writable results directory, mounted at /mnt/out in the guest
#       (default: build/vm/<timestamp>); holds console.log, dmesg.log,
#       output.log (the command's output), kmemleak.log, kmemleak-state,
#       exit-code, splat.log
#   -q  do not stream the command's output
#   -K  skip the kmemleak scans after the command (half a minute)
# Environment: VM_KVM=1 uses KVM (off by default: it hangs on these machines),
# VM_MEM (MiB, default 2048), VM_CPUS (default 2), VM_9P_CACHE (the root's 9p
# cache mode, default loose: the host root is read-only and built before the
# boot, so caching it is safe, and it halves the cost of every exec).
#
# Exit codes: the command's own, or 124 guest timed out, 125 the kernel log
# shows a splat (BUG/WARNING/KASAN/UBSAN/an oops from a trap such as a
# divide error/lockdep/RCU stall/hung task/
# kmemleak report, or a kmemleak that could not scan/Oops/panic), 126 the
# guest died before the command finished, 130 interrupted (the guest is
# stopped).
set -euo pipefail
. "$(dirname "$0")/config.sh"

usage() { sed -n '5,/^set -euo/{/^set/!p}' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
kernel=$KOUT/arch/x86/boot/bzImage
timeout=900
out=
quiet=0
kmemleak=1
while getopts k:t:o:qKh opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	t) timeout=$OPTARG ;;
	o) out=$OPTARG ;;
	q) quiet=1 ;;
	K) kmemleak=0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || usage
need qemu-system-x86_64 timeout
[ -f "$kernel" ] || die "no kernel image at $kernel (make kernel)"
out=${out:-$BUILD/vm/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The guest mounts a tmpfs on /tmp; these host paths under /tmp stay visible.
for p in "$TOP" "$PWD" "$(dirname "$kernel")"; do
	case "$p" in /tmp/*) echo "/tmp/$(echo "${p#/tmp/}" | cut -d/ -f1)" ;; esac
done | sort -u >"$out/keep-tmp"
rm -f "$out"/{console,dmesg,output,kmemleak,splat}.log "$out"/{exit-code,kmemleak-state,no-kmemleak}
[ $kmemleak -eq 1 ] || touch "$out/no-kmemleak"

# The command, run by scripts/vm-init.sh in the guest from the current directory.
{
	echo "cd $(printf %q "$PWD")"
	printf '%q ' "$@"
	echo
} >"$out/cmd.sh"

accel=(-accel tcg,thread=multi -cpu max,la57=off)
[ "${VM_KVM:-0}" = 1 ] && accel=(-enable-kvm -cpu host)
append="console=ttyS0 loglevel=5 root=hostroot rootfstype=9p"
append+=" rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=${VM_9P_CACHE:-loose} ro"
append+=" init=$TOP/scripts/vm-init.sh panic=-1 nokaslr"

progress "vm: booting $(basename "$(dirname "$(dirname "$(dirname "$(dirname "$kernel")")")")") for: $*"
qemu=(qemu-system-x86_64 -nodefaults -no-reboot -display none -monitor none
	-machine q35 "${accel[@]}" -smp "${VM_CPUS:-2}" -m "${VM_MEM:-2048}"
	-kernel "$kernel" -append "$append"
	-serial "file:$out/console.log"
	-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot
	-fsdev "local,id=out,path=$out,security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=out,mount_tag=results
	-nic none)
start=$(date +%s)
rc=0
timeout -k 10 "$timeout" "${qemu[@]}" </dev/null &
qpid=$!
# Ctrl-C (or a TERM from a caller) stops the guest now, not at the timeout:
# the background QEMU would not get the terminal's SIGINT.
stop_guest() {
	trap - INT TERM HUP
	pkill -TERM -P "$qpid" 2>/dev/null || true
	kill -TERM "$qpid" 2>/dev/null || true
	wait "$qpid" 2>/dev/null || true
	echo "vm: interrupted; guest stopped (logs: $out)" >&2
	exit 130
}
trap stop_guest INT TERM HUP
if [ $quiet -eq 0 ]; then
	touch "$out/output.log"
	tail -n +1 -F --pid=$qpid "$out/output.log" 2>/dev/null &
fi
wait $qpid || rc=$?
trap - INT TERM HUP
sleep 0.2
secs=$(($(date +%s) - start))

# Judge the whole kernel log: the dmesg the guest saved, else the console.
log=$out/dmesg.log
[ -s "$log" ] || log=$out/console.log
splat_re='BUG:|WARNING:|KASAN:|UBSAN:|general protection fault|Oops|Kernel panic|kernel BUG'
splat_re+='|divide error: |invalid opcode: |stack segment: '
splat_re+='|possible circular locking|possible recursive locking|inconsistent lock state'
splat_re+='|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|INFO: task .* blocked|unreferenced object|new suspected memory leak'
splat_re+='|rcu: INFO: .*detected stall|detected stalls on CPUs|self-detected stall'
splat_re+='|kmemleak: (Kernel memory leak detector disabled|Memory pool empty|Cannot allocate a kmemleak_object)'
# -a: a console log with a NUL byte in it is still text to search.
grep -aE "$splat_re" "$log" "$out/console.log" "$out/kmemleak.log" >"$out/splat.log" 2>/dev/null || true
# A kernel with kmemleak must have scanned: a detector that turned itself
# off reports nothing, which is not "no leak".
kconfig=$(dirname "$kernel")/../../../.config
state=$(cat "$out/kmemleak-state" 2>/dev/null || echo none)
if [ $kmemleak -eq 1 ] && [ -f "$out/exit-code" ] && grep -qx 'CONFIG_DEBUG_KMEMLEAK=y' "$kconfig" 2>/dev/null &&
	[ "$state" != scanned ]; then
	echo "kmemleak: no scan after the command (state: $state); the detector is off, see dmesg" >>"$out/splat.log"
fi

if [ -s "$out/splat.log" ]; then
	echo "vm: KERNEL SPLAT in $log:" >&2
	head -n 20 "$out/splat.log" | sed 's/^/vm:   /' >&2
	exit 125
fi
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "vm: guest timed out after ${timeout}s; console log: $out/console.log" >&2
	tail -n 20 "$out/console.log" >&2
	exit 124
fi
if [ ! -f "$out/exit-code" ]; then
	echo "vm: the guest died before the command finished (qemu exit $rc); console log: $out/console.log" >&2
	tail -n 20 "$out/console.log" >&2
	exit 126
fi
code=$(cat "$out/exit-code")
progress "vm: command exited $code after ${secs}s, no splat (logs: ${out#$TOP/})"
exit "$code"
