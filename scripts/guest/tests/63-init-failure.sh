# Module init that fails part way returns a clear error and leaves nothing
# behind: every device is allocated (tag set, disk, DMA device, bounce
# pool) before the first disk is added, so a failure never deletes a disk
# whose partition scan still holds it open (on 6.12+ that close ran after
# insmod returned, in freed module memory).
#
# fail_init_at=N (a test hook) fails step N: a device's allocation (first,
# middle, last of 4) or the control device's registration.  Then the
# natural trigger: nr_devices=64 with profile=dma28, where only as many
# devices fit as the memory below 256 MiB allows (it may load: then it is
# unloaded and the test says so).
. /sgblk/guest/lib.sh

# kernel_trouble: the kernel's reports of a bug since the test began.
kernel_trouble() {
	dmesg | sed -n "$((L0 + 1)),\$p" | grep -E 'BUG|Oops|WARNING|general protection|KASAN|UBSAN' || true
}

# nothing_left WHY: no trace of sgblk anywhere.
nothing_left() {
	grep -q '^sgblk ' /proc/modules && fail "$1: module loaded"
	for p in /sys/block/sgblk* /sys/bus/platform/devices/sgblk.* \
		/sys/kernel/config/sgblk "$DBG" /dev/sgblk-ctl /dev/sgblk0; do
		[ -e "$p" ] && fail "$1: $p left"
	done
	sleep 1	# deferred closes and RCU callbacks run
	t=$(kernel_trouble)
	[ -z "$t" ] || fail "$1: $t"
}

L0=$(dmesg | wc -l)
for n in 1 3 4 5; do
	c0=$(dmesg | grep -c 'sgblk: ')
	insmod "$SGBLK_KO" nr_devices=4 capacity_mb=8 fail_init_at=$n 2>/tmp/insmod.err &&
		fail "fail_init_at=$n: insmod succeeded"
	grep -q 'Cannot allocate memory\|ENOMEM\|-12' /tmp/insmod.err ||
		fail "fail_init_at=$n: insmod said '$(cat /tmp/insmod.err)', not ENOMEM"
	[ "$(dmesg | grep -c 'sgblk: ')" -gt "$c0" ] || fail "fail_init_at=$n: no message"
	nothing_left "fail_init_at=$n"
	note "fail_init_at=$n: $(dmesg | grep 'sgblk: ' | tail -n1 | sed 's/^\[[^]]*\] //')"
done

# It loads as usual afterwards.
sgblk_load nr_devices=4 capacity_mb=8
wait_node /dev/sgblk3
fio_verify /dev/sgblk3 --bs=64k --size=2M || fail "verify on sgblk3"
sgblk_unload
nothing_left "after rmmod"

# The natural trigger.
if insmod "$SGBLK_KO" nr_devices=64 profile=dma28 capacity_mb=1 2>/tmp/insmod.err; then
	n=$(ls -d /sys/block/sgblk* | wc -l)
	note "nr_devices=64 profile=dma28: all $n fit below the 28-bit mask here (trigger not reached)"
	sgblk_unload
else
	note "nr_devices=64 profile=dma28 refused: $(dmesg | grep 'sgblk: creating device' | tail -n1 | sed 's/^\[[^]]*\] //')"
fi
nothing_left "nr_devices=64 profile=dma28"
exit 0
