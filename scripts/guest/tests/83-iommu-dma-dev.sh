# Choosing the DMA device.  dma_dev= names a PCI function bound to sgblk by
# driver_override (as pci-stub and vfio-pci are); sgblk binds it when it
# registers its PCI driver, before the disks are made, and leaves bus
# mastering off.  A name that is not such a function (unknown, not
# overridden, a function of another kind) is refused with a message and
# changes nothing; a function serves one disk (EBUSY for a second); the
# configfs attribute does the same.  Skipped without the pci-testdev
# function (scripts/vm --iommu).
. /sgblk/guest/lib.sh
. /sgblk/guest/iommu.sh

testdev_find
fn=$TESTDEV
CFS=/sys/kernel/config/sgblk
PCI=/sys/bus/pci/devices

# refused ARG WHY: insmod with ARG fails with a new "dma_dev" message.
refused() {
	c0=$(dmesg | grep -c 'dma_dev')
	if insmod "$SGBLK_KO" "$@" 2>/dev/null; then
		rmmod sgblk
		fail "insmod $* accepted"
	fi
	[ "$(dmesg | grep -c 'dma_dev')" -gt "$c0" ] || fail "insmod $*: no dma_dev message"
	note "insmod $*: $(dmesg | grep 'dma_dev' | tail -n1 | sed 's/^\[[^]]*\] //')"
	grep -q '^sgblk ' /proc/modules && fail "module left loaded"
	return 0
}

echo "" >"$PCI/$fn/driver_override"
refused dma_dev="$fn"
refused dma_dev=0000:00:00.0
refused dma_dev=0000:99:00.0
testdev_override "$fn"
refused dma_dev="$fn" nr_devices=2

sgblk_load capacity_mb=16 dma_dev="$fn"
drv=$(readlink "$PCI/$fn/driver")
[ "${drv##*/}" = sgblk ] || fail "$fn is bound to '${drv##*/}', not sgblk"
[ "$(dma_key device)" = "$fn" ] || fail "sgblk0 maps through '$(dma_key device)'"
# Command register (offset 4), bit 2: bus master.
cmd=$(od -An -tu1 -j4 -N1 "$PCI/$fn/config" | tr -d ' ')
[ $((cmd & 4)) = 0 ] || fail "bus mastering enabled on $fn (command $cmd)"
for f in bind unbind; do
	[ -e "/sys/bus/pci/drivers/sgblk/$f" ] && fail "sgblk's PCI driver has a $f file"
done
note "$(tr '\n' ' ' <"$DBG/sgblk0/dma")"

# configfs: defaults to none; a bad name is refused and changes nothing; the
# function in use by sgblk0 is accepted as a name but refused at power on.
mkdir "$CFS/d1" || fail "mkdir"
[ "$(cat "$CFS/d1/dma_dev")" = none ] || fail "configfs dma_dev default '$(cat "$CFS/d1/dma_dev")'"
echo 0000:99:00.0 2>/dev/null >"$CFS/d1/dma_dev" && fail "configfs took 0000:99:00.0"
[ "$(cat "$CFS/d1/dma_dev")" = none ] || fail "a refused dma_dev changed the value"
echo "$fn" >"$CFS/d1/dma_dev" || fail "configfs refused $fn"
echo 1 2>/dev/null >"$CFS/d1/power" && fail "a second disk got $fn"
dmesg | tail -n 3 | grep -q 'already the DMA device' || fail "no message for the busy function"
[ "$(cat "$CFS/d1/power")" = 0 ] || fail "d1 powered on"
rmdir "$CFS/d1"
sgblk_unload
[ -e "$PCI/$fn/driver" ] && fail "$fn still bound after rmmod"

# A configfs disk maps through it once it is free.
insmod "$SGBLK_KO" nr_devices=0 || fail "insmod nr_devices=0"
mkdir "$CFS/d1" || fail "mkdir"
echo "$fn" >"$CFS/d1/dma_dev" || fail "configfs refused $fn"
echo 8 >"$CFS/d1/capacity_mb"
echo 1 >"$CFS/d1/power" || fail "power on with dma_dev $fn"
disk=$(cat "$CFS/d1/disk")
wait_node "/dev/$disk"
[ "$(dma_key device "$disk")" = "$fn" ] || fail "$disk maps through '$(dma_key device "$disk")'"
fio_verify "/dev/$disk" --rw=randrw --bs=64k --size=2M || fail "verify on $disk"
expect_clean "$disk"
expect_no_maps "configfs disk" "$disk"
echo 0 >"$CFS/d1/power"
echo none >"$CFS/d1/dma_dev" || fail "configfs refused none"
echo 1 >"$CFS/d1/power" || fail "power on without dma_dev"
disk=$(cat "$CFS/d1/disk")
case $(dma_key device "$disk") in "$fn") fail "none still maps through $fn" ;; esac
echo 0 >"$CFS/d1/power"
rmdir "$CFS/d1"
sgblk_unload
