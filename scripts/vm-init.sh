#!/bin/bash
# PID 1 of the guest booted by scripts/vm-run.sh: mount what tests need, run
# /mnt/out/cmd.sh, save the kernel log and a kmemleak scan, power off.
# Not meant to be run on the host.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb LANG=C.UTF-8
[ $$ -eq 1 ] || { echo "vm-init.sh is the guest's init, not a command" >&2; exit 2; }

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mkdir -p /mnt/out 2>/dev/null || mount -t tmpfs tmpfs /mnt
mkdir -p /mnt/out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /mnt/out
# A fresh /tmp, but host directories under /tmp that the command needs
# (listed by vm-run.sh) stay reachable at the same paths.
mkdir -p /run/host-tmp
mount --bind /tmp /run/host-tmp
mount -t tmpfs tmpfs /tmp
while read -r keep; do
	[ -d "/run/host-tmp/${keep#/tmp/}" ] || continue
	mkdir -p "$keep"
	mount --bind "/run/host-tmp/${keep#/tmp/}" "$keep"
done </mnt/out/keep-tmp 2>/dev/null
mount -t tmpfs tmpfs /var/tmp 2>/dev/null
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ip link set lo up
hostname vm 2>/dev/null
ulimit -l unlimited
ulimit -n 65536

out=/mnt/out
bash "$out/cmd.sh" >"$out/output.log" 2>&1 </dev/null
rc=$?

if [ -w /sys/kernel/debug/kmemleak ] && [ ! -e "$out/no-kmemleak" ]; then
	# Objects must stay unreferenced for a while before kmemleak reports
	# them, hence two scans some seconds apart.
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$out/kmemleak.log"
fi
dmesg >"$out/dmesg.log"
echo "$rc" >"$out/exit-code"
sync
echo o >/proc/sysrq-trigger
# PID 1 must not exit: that panics the kernel before the power-off lands.
while :; do sleep 1; done
