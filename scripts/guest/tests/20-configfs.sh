# configfs: /sys/kernel/config/sgblk/<name>/ creates, configures and removes
# disks at run time.  Items start from the module parameters; invalid writes
# fail with EINVAL and change nothing; writes while powered on fail with
# EBUSY; power=1 makes a working disk with the configured profile, power=0
# and rmdir remove it; the module cannot go while an item exists; non-root
# users cannot write.
. /sgblk/guest/lib.sh

CFS=/sys/kernel/config/sgblk
ATTRS="capacity_mb backend bs submit_queues poll_queues queue_depth completion
completion_nsec profile power index disk"

# expect_attr ITEM ATTR VALUE
expect_attr() {
	v=$(cat "$CFS/$1/$2") || fail "cannot read $1/$2"
	[ "$v" = "$3" ] || fail "$1/$2 reads '$v', expected '$3'"
}

# set_attr ITEM ATTR VALUE: the write must succeed and read back.
set_attr() {
	echo "$3" >"$CFS/$1/$2" || fail "$1/$2 rejected '$3'"
	expect_attr "$1" "$2" "$3"
}

# reject ITEM ATTR ERRNO-TEXT VALUE: the write (or the open for writing)
# must fail with that error and leave the attribute as it was.  echo, not
# printf: busybox printf does not report write errors.
reject() {
	before=$(cat "$CFS/$1/$2")
	if echo "$4" 2>/tmp/cfs.err >"$CFS/$1/$2"; then
		fail "$1/$2 accepted '$(echo "$4" | cut -c1-40)'"
	fi
	grep -q "$3" /tmp/cfs.err ||
		fail "$1/$2 '$(echo "$4" | cut -c1-40)': '$(cat /tmp/cfs.err)', expected $3"
	expect_attr "$1" "$2" "$before"
}

module_loaded() {
	grep -q '^sgblk ' /proc/modules
}

grep -q ' /sys/kernel/config configfs' /proc/mounts || fail "configfs not mounted"
insmod "$SGBLK_KO" nr_devices=0 capacity_mb=32 completion=softirq ||
	fail "insmod nr_devices=0"
[ -e /sys/module/configfs/holders/sgblk ] ||
	fail "sgblk does not depend on configfs"
[ -d "$CFS" ] || fail "no $CFS"
[ -e /dev/sgblk0 ] && fail "nr_devices=0 made a disk"

# features names every item attribute.
feat=$(cat "$CFS/features") || fail "no features"
note "features: $feat"
for a in $ATTRS; do
	echo ",$feat," | grep -q ",$a," || fail "features lacks $a"
done

# A new item is a configuration, not a disk, with the parameters' values.
mkdir "$CFS/foo" || fail "mkdir foo"
for a in $ATTRS; do
	[ -f "$CFS/foo/$a" ] || fail "foo has no $a"
done
cpus=$(awk -F- '{ print ($2 == "" ? $1 : $2) + 1 }' /sys/devices/system/cpu/possible)
expect_attr foo power 0
expect_attr foo index -1
expect_attr foo disk ""
expect_attr foo capacity_mb 32
expect_attr foo completion softirq
expect_attr foo backend memory
expect_attr foo bs 512
expect_attr foo queue_depth 64
expect_attr foo submit_queues "$cpus"
expect_attr foo poll_queues 0
expect_attr foo completion_nsec 10000
expect_attr foo profile none
for b in /sys/block/sgblk*; do
	[ -e "$b" ] && fail "mkdir made a disk: $b"
done

set_attr foo capacity_mb 64
set_attr foo backend null
set_attr foo backend memory
set_attr foo profile boundary-1k

# Invalid values: EINVAL, value unchanged.
long=$(head -c 5000 /dev/zero | tr '\0' 9)
longs=$(head -c 5000 /dev/zero | tr '\0' x)
reject foo bs "Invalid argument" 1000
reject foo bs "Invalid argument" 512x
reject foo capacity_mb "Invalid argument" 0
reject foo capacity_mb "Invalid argument" 1048577
reject foo capacity_mb "Invalid argument" "$long"
reject foo capacity_mb "Invalid argument" ""
reject foo capacity_mb "Invalid argument" -64
reject foo backend "Invalid argument" tape
reject foo backend "Invalid argument" ""
reject foo backend "Invalid argument" "$longs"
reject foo profile "Invalid argument" bogus
reject foo profile "Invalid argument" ""
reject foo profile "Invalid argument" "$longs"
reject foo queue_depth "Invalid argument" -1
reject foo queue_depth "Invalid argument" 0
reject foo queue_depth "Invalid argument" 4097
reject foo queue_depth "Invalid argument" ""
reject foo completion "Invalid argument" never
reject foo completion_nsec "Invalid argument" 1000000001
reject foo submit_queues "Invalid argument" $((cpus + 1))
reject foo poll_queues "Invalid argument" $((cpus + 1))
reject foo power "Invalid argument" maybe
reject foo index "Permission denied" 3
reject foo disk "Permission denied" sgblk9
expect_attr foo power 0

# Power on: a disk of the configured size and profile that keeps data.
set_attr foo power 1
idx=$(cat "$CFS/foo/index")
[ "$idx" -ge 0 ] 2>/dev/null || fail "index '$idx' while powered on"
disk=sgblk$idx
expect_attr foo disk "$disk"
wait_node "/dev/$disk" present
expect_attr foo power 1
sz=$(cat "/sys/block/$disk/size")
[ "$sz" = $((64 * 2048)) ] || fail "$disk: $sz sectors, want $((64 * 2048))"
head -n1 "$DBG/$disk/profile" | grep -qx 'preset boundary-1k' ||
	fail "$disk profile: $(head -n1 "$DBG/$disk/profile")"
fio_verify "/dev/$disk" --size=16M || fail "fio verify on $disk"
expect_clean "$disk"
expect_stat splits_boundary -gt 0 "$disk"
note "$disk: $(tr '\n' ' ' <"$DBG/$disk/stats")"

# Writing power=1 again changes nothing.
set_attr foo power 1
expect_attr foo index "$idx"

# Powered on: every configuration write is EBUSY and changes nothing.
reject foo capacity_mb "Device or resource busy" 128
reject foo profile "Device or resource busy" page
reject foo backend "Device or resource busy" null
reject foo bs "Device or resource busy" 4096

# Non-root users can neither write an attribute nor make an item.
[ "$(as_user 'id -u')" = 1000 ] || fail "su to uid 1000 does not work"
if as_user "echo 0 >$CFS/foo/power" 2>/tmp/cfs.err; then
	fail "uid 1000 wrote power"
fi
grep -qE 'Permission denied|Operation not permitted' /tmp/cfs.err ||
	fail "uid 1000 write: '$(cat /tmp/cfs.err)'"
expect_attr foo power 1
if as_user "echo 1 >$CFS/foo/capacity_mb" 2>/dev/null; then
	fail "uid 1000 wrote capacity_mb"
fi
if as_user "mkdir $CFS/evil" 2>/dev/null; then
	fail "uid 1000 made an item"
fi
[ -e "$CFS/evil" ] && fail "$CFS/evil exists"

# The module stays while an item exists, powered on or not.
rmmod sgblk 2>/dev/null && fail "rmmod succeeded with foo powered on"
module_loaded || fail "module gone with foo powered on"

# Power off removes the disk; the configuration is writable again.
set_attr foo power 0
wait_node "/dev/$disk" absent
[ -e "/sys/block/$disk" ] && fail "/sys/block/$disk still there after power=0"
[ -e "$DBG/$disk" ] && fail "debugfs $disk still there after power=0"
expect_attr foo index -1
expect_attr foo disk ""
set_attr foo capacity_mb 128
rmmod sgblk 2>/dev/null && fail "rmmod succeeded with foo powered off"
module_loaded || fail "module gone with foo powered off"
rmdir "$CFS/foo" || fail "rmdir foo"

# Three disks at once, removed by rmdir while powered on.
disks=""
for n in a b c; do
	mkdir "$CFS/$n" || fail "mkdir $n"
	set_attr "$n" capacity_mb 16
done
set_attr b backend null
set_attr c completion timer
set_attr c completion_nsec 20000
set_attr c profile align-4k
for n in a b c; do
	set_attr "$n" power 1
	d=$(cat "$CFS/$n/disk")
	wait_node "/dev/$d" present
	[ "$(cat "/sys/block/$d/size")" = $((16 * 2048)) ] || fail "$d size"
	case " $disks " in
	*" $d "*) fail "$n got $d, already taken" ;;
	esac
	disks="$disks $d"
done
note "three disks:$disks"
for d in $disks; do
	dd if="/dev/$d" of=/dev/null bs=64k count=16 2>/dev/null || fail "read $d"
done
dc=$(cat "$CFS/c/disk")
fio_verify "/dev/$dc" --bs=7k --mem_align=512 --size=7M ||
	fail "fio verify on $dc (timer, align-4k, misaligned buffers)"
expect_stat bounce_segs -gt 0 "$dc"
for n in a b c; do
	rmdir "$CFS/$n" || fail "rmdir $n while powered on"
done
for d in $disks; do
	wait_node "/dev/$d" absent
	[ -e "/sys/block/$d" ] && fail "/sys/block/$d still there after rmdir"
done
for f in "$CFS"/*; do
	[ "$f" = "$CFS/features" ] || fail "left in $CFS: $f"
done

# No item left: the module unloads and the subsystem goes with it.
rmmod sgblk || fail "rmmod with no items"
module_loaded && fail "module still loaded"
[ -e "$CFS" ] && fail "$CFS still there after rmmod"
exit 0
