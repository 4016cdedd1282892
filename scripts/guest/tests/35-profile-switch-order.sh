# The order of a profile switch's steps, as the DMA and block layers need.
#
# 1. A bounce pool is destroyed under a coherent mask that covers the one
#    it was filled under: the new profile's pool is filled under its mask
#    while the old pool still exists, and swiotlb-xen keeps (leaks)
#    coherent memory freed above the device's current mask.  debugfs dma
#    shows the mask of the live pool (pool_mask) and counts pools destroyed
#    under a mask that does not cover theirs (pool_foreign_frees, must stay
#    0), over 10 flips none <-> dma28 (none <-> a wider mask where no RAM
#    lies below 256 MiB, as on arm64, where dma28 must be refused, with the
#    reason, changing nothing).
# 2. Readers of the active profile and mapping path (configfs: world
#    readable, under configfs's global lock; debugfs) do not wait for a
#    switch's queue freeze, and neither does power=1 on another item: all
#    return while a switch is still waiting for a request in flight.
# 3. The limits: a switch takes the queue's limits lock before it freezes,
#    as the kernel's own limit stores do (6.14+): max_sectors_kb written in
#    a loop while profiles flip; nothing hangs (the debug kernels' lockdep
#    checks the order).
. /sgblk/guest/lib.sh

CFS=/sys/kernel/config/sgblk
# Whatever ends the test, nothing it started may hold a disk.
trap 'kill -9 $ddpid $swpid $wpid $fpid 2>/dev/null' EXIT
ddpid="" swpid="" wpid="" fpid=""

dma_val() {
	sed -n "s/^$1: //p" "$DBG/${2:-sgblk0}/dma"
}

# 1. Pools and masks.
sgblk_load capacity_mb=16 profile=none
[ "$(dma_val pool_mask)" = 64 ] || fail "none: pool_mask $(dma_val pool_mask)"
# A machine with no RAM below 256 MiB (arm64 virt): dma28 is refused with
# the reason, and changes nothing; the flips below take a mask that
# reaches RAM (lib.sh, MASK_BITS).
if ! ram_below 28; then
	dmesg -c >/dev/null
	if echo dma28 2>/tmp/p.err >"$DBG/sgblk0/profile"; then
		fail "dma28 accepted with no RAM below 256 MiB (RAM starts at 0x$(ram_start))"
	fi
	grep -q "not supported" /tmp/p.err || fail "dma28 refused with: $(cat /tmp/p.err)"
	dmesg | grep -q "refuses a 28-bit DMA mask.*no memory" ||
		fail "no message for the refusal: $(dmesg | tail -n 3)"
	if [ "$(dma_val pool_mask)" != 64 ] || [ "$(dma_val coherent_mask)" != 64 ]; then
		fail "the refused dma28 changed the masks: $(tr '\n' ' ' <"$DBG/sgblk0/dma")"
	fi
	fio_verify /dev/sgblk0 --rw=randrw --bs=64k --size=2M || fail "verify after the refused dma28"
	note "dma28 refused (RAM starts at 0x$(ram_start)): $(dmesg | grep -o 'refuses a 28-bit.*' | head -n 1)"
fi
i=0
while [ $i -lt 10 ]; do
	set_mask_profile
	[ "$(dma_val pool_mask)" = "$MASK_BITS" ] || fail "mask $MASK_BITS: pool_mask $(dma_val pool_mask)"
	[ "$(dma_val coherent_mask)" = "$MASK_BITS" ] || fail "mask $MASK_BITS: coherent_mask $(dma_val coherent_mask)"
	fio_verify /dev/sgblk0 --rw=randrw --bs=64k --size=2M || fail "verify under mask $MASK_BITS"
	set_profile none
	[ "$(dma_val pool_mask)" = 64 ] || fail "none: pool_mask $(dma_val pool_mask)"
	[ "$(dma_val coherent_mask)" = 64 ] || fail "none: coherent_mask $(dma_val coherent_mask)"
	i=$((i + 1))
done
f=$(dma_val pool_foreign_frees)
[ "$f" = 0 ] || fail "$f pools destroyed under another coherent mask than their own"
expect_clean
sgblk_unload
note "10 flips none <-> mask $MASK_BITS: every pool destroyed under its own mask"

# 2. Readers during a long freeze: a read dropped by fault injection stays
# in flight until its io_timeout (8 s), so the switch behind it waits that
# long, however slow the kernel is.
insmod "$SGBLK_KO" nr_devices=0 || fail "insmod"
mkdir "$CFS/slow" "$CFS/other" || fail "mkdir"
echo 16 >"$CFS/slow/capacity_mb"
echo 1 >"$CFS/slow/power" || fail "power on slow"
disk=$(cat "$CFS/slow/disk")
wait_node "/dev/$disk"
echo 8000 >"/sys/block/$disk/queue/io_timeout" || fail "io_timeout"
echo 1 >"$DBG/$disk/drop_request_every"
dd if="/dev/$disk" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null &
ddpid=$!
w=0
while [ "$(sgblk_stat injected_drops "$disk")" = 0 ] && [ $w -lt 50 ]; do
	sleep 0.1
	w=$((w + 1))
done
[ "$(sgblk_stat injected_drops "$disk")" = 1 ] || fail "the read was not dropped"
echo 0 >"$DBG/$disk/drop_request_every"
echo page >"$DBG/$disk/profile" &
swpid=$!
sleep 0.5
kill -0 $swpid 2>/dev/null || fail "the switch did not wait for the dropped request"
p=$(as_user "cat $CFS/slow/profile $CFS/slow/map") || fail "uid 1000 cannot read profile/map"
echo 1 >"$CFS/other/power" || fail "power on other"
m=$(cat "$DBG/$disk/map")
kill -0 $swpid 2>/dev/null ||
	fail "reads of profile/map and power=1 of another item waited for the switch's freeze"
wait $swpid || fail "the switch failed"
[ "$(cat "$CFS/slow/profile")" = page ] || fail "profile after the switch: $(cat "$CFS/slow/profile")"
wait $ddpid
[ "$(sgblk_stat timeouts "$disk")" = 1 ] || fail "the dropped read did not time out"
note "during the freeze: configfs read '$(echo "$p" | tr '\n' ' ')', debugfs map '$m', power=1 of another item"
echo 0 >"$CFS/slow/power"
echo 0 >"$CFS/other/power"
rmdir "$CFS/slow" "$CFS/other"
rmmod sgblk || fail "rmmod"

# 3. Limits written while profiles flip.
sgblk_load capacity_mb=16
rm -f /tmp/msk.stop /tmp/msk.count
(
	j=0
	while [ ! -e /tmp/msk.stop ]; do
		for v in 64 128 256; do
			echo $v >/sys/block/sgblk0/queue/max_sectors_kb 2>/dev/null
		done
		j=$((j + 3))
	done
	echo $j >/tmp/msk.count
) &
wpid=$!
# I/O, so each switch has requests to drain (test 12 checks the data).
fio --name=flip --filename=/dev/sgblk0 --direct=1 --ioengine=io_uring --rw=randrw \
	--bs=64k --iodepth=8 --size=8M --time_based --runtime=120 >/tmp/fio.flip 2>&1 &
fpid=$!
w=0
while [ "$(sgblk_stat requests)" -lt 100 ] && [ $w -lt 300 ]; do
	sleep 0.1
	w=$((w + 1))
done
[ "$(sgblk_stat requests)" -ge 100 ] || fail "fio did not start"
k=0
while [ $k -lt 20 ]; do
	set_profile page
	set_profile none
	k=$((k + 1))
done
touch /tmp/msk.stop
ends_within $wpid 10 || fail "max_sectors_kb writes hang after the flips"
wait $wpid
kill -INT $fpid
wait $fpid	# stopped by SIGINT, fio's exit status varies: its error count counts
grep -q 'err= 0:' /tmp/fio.flip || { cat /tmp/fio.flip; fail "fio during the flips"; }
# (6.1's limit setters reset max_sectors_kb at each switch, 6.12+ keep the
# value written: only a write after the flips is compared.)
echo 128 >/sys/block/sgblk0/queue/max_sectors_kb || fail "max_sectors_kb after the flips"
ms=$(cat /sys/block/sgblk0/queue/max_sectors_kb)
[ "$ms" = 128 ] || fail "max_sectors_kb $ms after writing 128"
expect_clean
sgblk_unload
note "$k flip pairs while max_sectors_kb was written $(cat /tmp/msk.count) times"
exit 0
