# Lifecycle through configfs: 100 items made, configured (every attribute
# varied), powered on at the same time, each disk checked (node, size,
# block size, profile, a 4 KiB write read back; fio verify on a few), then
# removed, half by power=0 + rmdir and half by rmdir while powered on.
# Afterwards nothing is left: no configfs item, /dev node, /sys/block entry,
# debugfs directory or platform device, and the module unloads.
. /sgblk/guest/lib.sh

CFS=/sys/kernel/config/sgblk
N=${SGBLK_LC_DEVICES:-100}

# count GLOB: how many paths match
count() {
	c=0
	for p in "$@"; do
		[ -e "$p" ] && c=$((c + 1))
	done
	echo $c
}

leftovers() {
	echo "dev=$(count /dev/sgblk[0-9]*) block=$(count /sys/block/sgblk*)" \
		"debugfs=$(count "$DBG"/sgblk*) platform=$(count /sys/bus/platform/devices/sgblk.*)" \
		"configfs=$(count "$CFS"/lc*)"
}
ZERO="dev=0 block=0 debugfs=0 platform=0 configfs=0"

insmod "$SGBLK_KO" nr_devices=0 capacity_mb=4 queue_depth=8 || fail "insmod"
presets
cpus=$(awk -F- '{ print ($2 == "" ? $1 : $2) + 1 }' /sys/devices/system/cpu/possible)
[ "$(leftovers)" = "$ZERO" ] || fail "not clean at start: $(leftovers)"
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/urandom of=/tmp/blk bs=4k count=1 2>/dev/null
want=$(md5sum </tmp/blk)

disks=""
i=0
while [ $i -lt "$N" ]; do
	d="$CFS/lc$i"
	mkdir "$d" || fail "mkdir lc$i"
	cap=$((2 + i % 7))
	bs=512
	[ $((i % 3)) = 1 ] && bs=4096
	backend=memory
	[ $((i % 5)) = 4 ] && backend=null
	set -- inline softirq timer
	shift $((i % 3))
	comp=$1
	# shellcheck disable=SC2086 # a word list
	set -- $PRESETS
	shift $((i % $#))
	prof=$1
	# Memory below 256 MiB is scarce (1 MiB per dma28 device, at worst
	# all from ZONE_DMA's 16 MiB): a handful here, exhaustion is tested
	# below.
	[ "$prof" = dma28 ] && [ "$i" -ge 30 ] && prof=page
	echo $cap >"$d/capacity_mb" || fail "lc$i capacity_mb"
	echo $bs >"$d/bs" || fail "lc$i bs"
	echo $backend >"$d/backend" || fail "lc$i backend"
	echo "$comp" >"$d/completion" || fail "lc$i completion"
	echo $((5000 + i * 100)) >"$d/completion_nsec" || fail "lc$i completion_nsec"
	echo "$prof" >"$d/profile" || fail "lc$i profile"
	echo $((4 << (i % 4))) >"$d/queue_depth" || fail "lc$i queue_depth"
	echo $((1 + i % cpus)) >"$d/submit_queues" || fail "lc$i submit_queues"
	echo $((i % 4 == 3 ? 1 : 0)) >"$d/poll_queues" || fail "lc$i poll_queues"
	echo 1 >"$d/power" || fail "lc$i power=1"
	read -r disk <"$d/disk"
	[ -n "$disk" ] || fail "lc$i has no disk"
	case " $disks " in
	*" $disk "*) fail "lc$i got $disk, already taken" ;;
	esac
	disks="$disks $disk"
	wait_node "/dev/$disk"
	read -r sz <"/sys/block/$disk/size"
	[ "$sz" = $((cap * 2048)) ] || fail "$disk: $sz sectors, want $((cap * 2048))"
	read -r lbs <"/sys/block/$disk/queue/logical_block_size"
	[ "$lbs" = $bs ] || fail "$disk: block size $lbs, want $bs"
	read -r p <"$DBG/$disk/profile"
	[ "$p" = "preset $prof" ] || fail "$disk: profile '$p', want $prof"
	# A block at the end of the disk, written and read back.
	dd if=/tmp/blk of="/dev/$disk" bs=4k seek=$((cap * 256 - 1)) oflag=direct \
		2>/dev/null || fail "write $disk"
	if [ $backend = memory ]; then
		got=$(dd if="/dev/$disk" bs=4k skip=$((cap * 256 - 1)) iflag=direct \
			2>/dev/null | md5sum)
		[ "$got" = "$want" ] || fail "$disk ($prof, $comp, bs $bs): data mismatch"
	fi
	i=$((i + 1))
done
t1=$(cut -d' ' -f1 /proc/uptime)
note "$N disks powered on at once:$(echo "$disks" | cut -c1-60)..."
note "$(leftovers)"
[ "$(count /sys/block/sgblk*)" = "$N" ] || fail "$(count /sys/block/sgblk*) disks, want $N"
[ "$(count /sys/bus/platform/devices/sgblk.*)" = "$N" ] || fail "platform devices: $(leftovers)"

# fio verify on a few, across profiles and completion modes.
for i in 0 2 3 5 7; do
	read -r disk <"$CFS/lc$i/disk"
	read -r lbs <"/sys/block/$disk/queue/logical_block_size"
	fio_verify "/dev/$disk" --size=2M --bs=$((lbs == 512 ? 7 : 8))k --mem_align=512 ||
		fail "fio verify on lc$i ($disk)"
	expect_clean "$disk"
done

# Removal: even items power=0 then rmdir, odd ones rmdir while powered on.
i=0
while [ $i -lt "$N" ]; do
	d="$CFS/lc$i"
	read -r disk <"$d/disk"
	if [ $((i % 2)) = 0 ]; then
		echo 0 >"$d/power" || fail "lc$i power=0"
		[ -e "/sys/block/$disk" ] && fail "/sys/block/$disk left after power=0"
		[ -e "$DBG/$disk" ] && fail "debugfs $disk left after power=0"
		read -r idx <"$d/index"
		[ "$idx" = -1 ] || fail "lc$i index $idx after power=0"
	fi
	rmdir "$d" || fail "rmdir lc$i"
	i=$((i + 1))
done
# devtmpfs removes nodes asynchronously.
i=0
while [ "$(count /dev/sgblk[0-9]*)" != 0 ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
t2=$(cut -d' ' -f1 /proc/uptime)
[ "$(leftovers)" = "$ZERO" ] || fail "left behind: $(leftovers)"
note "after removal: $(leftovers)"
note "$(awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$N" \
	'BEGIN { printf "create+check %.1fs (%.0f ms/disk), remove %.1fs", b - a, (b - a) * 1000 / n, c - b }')"
# Devices with a 28-bit DMA mask each reserve the bounce buffers of one
# largest request (1 MiB) below 256 MiB: once that memory is gone, power on
# is refused with ENOMEM, the item stays off and nothing leaks.  How many
# fit is not fixed: dma-direct tries ZONE_DMA32 first and keeps a page that
# happens to lie below the mask: from ZONE_DMA's share alone (7 devices in
# a 6.1 guest) to 50 and more (7.3, freshly booted).  For the same reason
# one device's memory, given back, need not be found by the next: only once
# every one is off must the refused device power on.
# Where no RAM lies below 256 MiB (arm64 virt) dma28 is refused outright
# (test 35): nothing to exhaust.
if ram_below 28; then
	ZMAX=300
	i=0 refused=""
	while [ $i -lt $ZMAX ]; do
		d="$CFS/z$i"
		mkdir "$d" || fail "mkdir z$i"
		echo 4 >"$d/capacity_mb" || fail "z$i capacity_mb"
		echo dma28 >"$d/profile" || fail "z$i profile"
		if ! echo 1 2>/tmp/z.err >"$d/power"; then
			refused=$i
			break
		fi
		i=$((i + 1))
	done
	[ -n "$refused" ] || fail "$ZMAX dma28 devices powered on: 256 MiB never ran out?"
	grep -q "annot allocate memory" /tmp/z.err || fail "power on refused with: $(cat /tmp/z.err)"
	read -r idx <"$CFS/z$refused/index"
	[ "$idx" = -1 ] || fail "refused z$refused has index $idx"
	dmesg | grep -q "bounce memory below the 28-bit DMA mask" || fail "no message for the refusal"
	note "dma28 device $refused refused power on (ENOMEM) after $refused fitted"
	[ "$refused" -ge 4 ] || fail "only $refused dma28 devices fitted"
	i=0
	while [ $i -lt "$refused" ]; do
		echo 0 >"$CFS/z$i/power" || fail "z$i power off"
		rmdir "$CFS/z$i" || fail "remove z$i"
		i=$((i + 1))
	done
	echo 1 >"$CFS/z$refused/power" || fail "z$refused refused after all others gave their memory back"
	read -r disk <"$CFS/z$refused/disk"
	wait_node "/dev/$disk"
	fio_verify "/dev/$disk" --size=1M --bs=64k --mem_align=512 || fail "verify on $disk"
	expect_clean "$disk"
	echo 0 >"$CFS/z$refused/power" || fail "z$refused power off"
	rmdir "$CFS/z$refused" || fail "remove z$refused"
else
	note "no RAM below 256 MiB here (RAM starts at 0x$(ram_start)): dma28 exhaustion not tested"
fi

rmmod sgblk || fail "rmmod"
[ -e "$DBG" ] && fail "$DBG left after rmmod"
[ -e "$CFS" ] && fail "$CFS left after rmmod"
exit 0
