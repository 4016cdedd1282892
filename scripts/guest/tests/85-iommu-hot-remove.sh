# The PCI function a disk maps through is removed under fio (sysfs remove,
# as a hot unplug): sgblk stops the disk the way nvme-pci's remove stops its
# namespaces.  New I/O fails at once (EIO), requests in flight drain, the
# bounce pool is destroyed through the function's own DMA ops before the
# IOMMU core tears the device down, and nothing of its domain is kept: no
# oops, no warning, no mapping left.  The disk then fails all I/O and
# refuses profile switches (ENODEV) until it is powered off; rmmod works;
# after a rescan the function serves a new disk, and fio verify passes on it.
# Run once per IOMMU mode (lazy, strict, identity).
. /sgblk/guest/lib.sh
. /sgblk/guest/iommu.sh

[ -n "$(iommu_mode)" ] || skip "needs a boot with an IOMMU (scripts/vm --iommu=MODE)"
testdev_find
fn=$TESTDEV
CFS=/sys/kernel/config/sgblk
PCI=/sys/bus/pci/devices
L0=$(dmesg | wc -l)

kernel_trouble() {
	dmesg | sed -n "$((L0 + 1)),\$p" | grep -E 'BUG|Oops|WARNING|general protection|KASAN|UBSAN|DMAR: DRHD: handling fault' || true
}

# disk_on FN NAME PROFILE: a configfs disk mapping through FN; sets disk.
disk_on() {
	mkdir "$CFS/$2" || fail "mkdir $2"
	echo "$1" >"$CFS/$2/dma_dev" || fail "$2: dma_dev $1"
	echo 32 >"$CFS/$2/capacity_mb"
	echo "$3" >"$CFS/$2/profile"
	echo 1 >"$CFS/$2/power" || fail "$2: power on"
	disk=$(cat "$CFS/$2/disk")
	wait_node "/dev/$disk"
	expect_dma_backend "$disk"
}

testdev_override "$fn"
insmod "$SGBLK_KO" nr_devices=0 || fail "insmod"
# align-4k: fio's 512-aligned buffers bounce, so the pool is in use.
disk_on "$fn" d1 align-4k
fio --name=rm --filename="/dev/$disk" --direct=1 --ioengine=io_uring --rw=randrw \
	--bs=64k --mem_align=512 --iodepth=8 --size=16M --time_based --runtime=120 \
	>/tmp/fio.rm 2>&1 &
fpid=$!
w=0
while [ "$(sgblk_stat requests "$disk")" -lt 300 ] && [ $w -lt 300 ]; do
	sleep 0.1
	w=$((w + 1))
done
[ "$(sgblk_stat requests "$disk")" -ge 300 ] || fail "fio did not start"
[ "$(sgblk_stat bounce_descs "$disk")" -gt 0 ] || fail "nothing bounced before the remove"

t0=$(cut -d' ' -f1 /proc/uptime)
echo 1 >"$PCI/$fn/remove" &
ends_within $! 60 || fail "the remove of $fn did not finish in 60 s"
t1=$(cut -d' ' -f1 /proc/uptime)
[ -e "$PCI/$fn" ] && fail "$fn still there after remove"
ends_within $fpid 30 || { kill -9 $fpid; fail "fio still running 30 s after the remove"; }
wait $fpid && fail "fio ended cleanly though the disk's DMA device went"
note "remove under fio: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s;" \
	"fio: $(grep -o 'err=[ 0-9]*/[^,]*' /tmp/fio.rm | head -n1)"

# The disk stays, dead: no request gets a mapping, switches are refused.
r0=$(sgblk_stat requests "$disk")
n=$(dd if="/dev/$disk" bs=4k count=1 iflag=direct 2>/dev/null | wc -c)
[ "$n" = 0 ] || fail "a read of $disk after the remove returned $n bytes"
[ "$(sgblk_stat requests "$disk")" = "$r0" ] || fail "a request was served after the remove"
[ "$(dma_key backend "$disk")" = gone ] || fail "debugfs dma backend: $(dma_key backend "$disk")"
echo none 2>/dev/null >"$DBG/$disk/profile" && fail "a profile switch was accepted after the remove"
o=$(dma_key maps_outstanding "$disk")
[ "$o" = 0 ] || fail "$o mappings outstanding after the remove"
expect_stat own_violations -eq 0 "$disk"
t=$(kernel_trouble)
[ -z "$t" ] || fail "kernel: $t"

echo 0 >"$CFS/d1/power" || fail "power=0 after the remove"
rmdir "$CFS/d1" || fail "rmdir"
rmmod sgblk || fail "rmmod after the remove"

# A rescan brings the function back; a new disk maps through it.
echo 1 >/sys/bus/pci/rescan
w=0
while [ ! -e "$PCI/$fn" ] && [ $w -lt 50 ]; do
	sleep 0.1
	w=$((w + 1))
done
[ -e "$PCI/$fn" ] || fail "$fn not back after a rescan"
testdev_override "$fn"
insmod "$SGBLK_KO" nr_devices=0 || fail "insmod after the rescan"
disk_on "$fn" d2 align-4k
fio_verify "/dev/$disk" --rw=randrw --bs=64k --mem_align=512 --size=4M ||
	fail "verify on a disk through the rescanned $fn"
expect_clean "$disk"
expect_no_maps "after the rescan" "$disk"
echo 0 >"$CFS/d2/power"
rmdir "$CFS/d2"
rmmod sgblk || fail "rmmod"
t=$(kernel_trouble)
[ -z "$t" ] || fail "kernel: $t"
exit 0
