#!/bin/bash
# PID 1 of the guest booted by scripts/vm-run.sh: mount what tests need, run
# /mnt/out/cmd.sh, save the kernel log and a kmemleak scan, reboot (QEMU
# exits).
# Not meant to be run on the host.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb LANG=C.UTF-8
[ $$ -eq 1 ] || { echo "vm-init.sh is the guest's init, not a command" >&2; exit 2; }

# Every exec costs the guest most of a second (TCG, debug kernel), so the
# mounts are one "mount -a" over a table kept beside this script.
mount -t proc proc /proc
mount -a -T "${0%/*}/vm-fstab"
# What a distribution's init adds to devtmpfs: bash's <(...) needs /dev/fd.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
# A fresh /tmp, but host directories under /tmp that the command needs
# (listed by vm-run.sh) stay reachable at the same paths.
while read -r keep; do
	[ -d "/run/host-tmp/${keep#/tmp/}" ] || continue
	mkdir -p "$keep"
	mount --bind "/run/host-tmp/${keep#/tmp/}" "$keep"
done </mnt/out/keep-tmp 2>/dev/null
ip link set lo up
echo vm >/proc/sys/kernel/hostname
ulimit -l unlimited
ulimit -n 65536

out=/mnt/out
bash "$out/cmd.sh" >"$out/output.log" 2>&1 </dev/null
rc=$?

# kmemleak's verdict, and whether it could give one: a detector that turned
# itself off (its pool ran dry, an internal error) refuses the scan with
# EPERM, and an empty report from it would prove nothing.
if [ -e "$out/no-kmemleak" ]; then
	echo skipped >"$out/kmemleak-state"
elif [ ! -e /sys/kernel/debug/kmemleak ]; then
	echo absent >"$out/kmemleak-state"
else
	# kmemleak reports only objects older than five seconds that no scan
	# found referenced. A scan takes longer than that here, so the second
	# scan sees everything the command allocated at its very end, and an
	# object only briefly unreferenced during the first one is cleared.
	if echo scan >/sys/kernel/debug/kmemleak && echo scan >/sys/kernel/debug/kmemleak &&
		cat /sys/kernel/debug/kmemleak >"$out/kmemleak.log"; then
		echo scanned >"$out/kmemleak-state"
	else
		echo failed >"$out/kmemleak-state"
	fi
fi
dmesg >"$out/dmesg.log"
echo "$rc" >"$out/exit-code"
sync
# A reboot, which QEMU (-no-reboot) turns into its exit: the VM kernel has
# no ACPI to power off with.
echo b >/proc/sysrq-trigger
# PID 1 must not exit: that panics the kernel before the reboot lands.
while :; do sleep 1; done
