# The bio builder looks a disk up by name, then opens it by dev_t.  If the
# disk is removed in between and its dev_t handed to another block device,
# the builder must notice after the open and fail with ENODEV, writing
# nothing there.  The window is widened with the root-only test parameter
# biogen_open_delay_ms; the dev_t goes to a partition of another sgblk disk
# (partitions take the lowest free extended dev_t, as the victim disk did).
. /sgblk/guest/lib.sh

CFS=/sys/kernel/config/sgblk
PARAM=/sys/module/sgblk/parameters/biogen_open_delay_ms

insmod "$SGBLK_KO" nr_devices=0 || fail "insmod sgblk nr_devices=0"

# mk NAME: a powered-on 64 MiB configfs disk; prints its disk name.
mk() {
	mkdir "$CFS/$1" || fail "mkdir $1"
	echo 64 >"$CFS/$1/capacity_mb" || fail "$1 capacity"
	echo 1 >"$CFS/$1/power" || fail "$1 power=1"
	read -r _d <"$CFS/$1/disk"
	wait_node "/dev/$_d"
	echo "$_d"
}
# region DISK: md5 of the 64 KiB at 1 MiB (the first 64 KiB of partition 1).
region() {
	dd if="/dev/$1" bs=64k skip=16 count=1 iflag=direct 2>/dev/null | md5sum
}

# The knob is root-only.
[ "$(stat -c %a $PARAM)" = 600 ] || fail "$PARAM mode $(stat -c %a $PARAM), want 600"
as_user "echo 1 >$PARAM" 2>/dev/null && fail "uid 1000 could set $PARAM"

other=$(mk other)
victim=$(mk victim)
read -r vdev <"/sys/block/$victim/dev"
note "victim $victim ($vdev), other $other"

# Control: with the delay and no removal, the job runs and verifies.
echo 500 >$PARAM
sgblk-ctl biogen --disk "$victim" --source vmalloc --op write --len 64k --seed 5 \
	>/tmp/r.out 2>&1 || { cat /tmp/r.out; fail "biogen with the delay, disk intact"; }
sgblk-ctl biogen --disk "$victim" --source vmalloc --op read --len 64k --seed 5 \
	--verify >/tmp/r.out 2>&1 || { cat /tmp/r.out; fail "biogen read back with the delay"; }

# One partition on "other", 16 MiB from 1 MiB; zeroed, and not yet scanned.
dd if=/dev/zero of="/dev/$other" bs=1M count=17 oflag=direct 2>/dev/null ||
	fail "zero $other"
printf '\0\0\0\0\203\0\0\0\0\10\0\0\0\200\0\0' |
	dd of="/dev/$other" bs=1 seek=446 conv=notrunc 2>/dev/null || fail "MBR entry"
printf '\125\252' | dd of="/dev/$other" bs=1 seek=510 conv=notrunc 2>/dev/null ||
	fail "MBR signature"
sync
before=$(region "$other")

# The window: look-up done, open 5 s later; meanwhile the victim goes and a
# partition of "other" takes its dev_t.
echo 5000 >$PARAM
sgblk-ctl biogen --disk "$victim" --source vmalloc --op write --len 64k --seed 9 \
	>/tmp/r.out 2>&1 &
pid=$!
sleep 1
echo 0 >"$CFS/victim/power" || fail "victim power=0"
wait_node "/dev/$victim" absent
blockdev --rereadpt "/dev/$other" || fail "rereadpt $other"
wait_node "/dev/${other}p1"
read -r pdev <"/sys/class/block/${other}p1/dev"
rc=0
wait $pid || rc=$?
echo 0 >$PARAM
[ "$pdev" = "$vdev" ] ||
	fail "setup: ${other}p1 got $pdev, not the victim's $vdev (job exit $rc)"
note "${other}p1 now holds $vdev; biogen exit $rc: $(head -n1 /tmp/r.out)"
[ "$rc" = 1 ] || { cat /tmp/r.out; fail "biogen on a reused dev_t: exit $rc, want 1 (ENODEV)"; }
grep -q "(ENODEV)" /tmp/r.out || { cat /tmp/r.out; fail "biogen: not ENODEV"; }
[ "$(region "$other")" = "$before" ] || fail "the bio builder wrote into ${other}p1"

rmdir "$CFS/victim"
echo 0 >"$CFS/other/power"
rmdir "$CFS/other"
sgblk_unload
