# Removing a disk while fio runs on it, and rmmod while a disk is open.
#
# sgblk's behaviour (asserted here): power=0 and rmdir under I/O are not
# refused; they drain.  del_gendisk() marks the disk dead, waits for the
# requests in flight to complete (every completion mode, bounce-heavy
# profiles included) and fails everything submitted after that, so fio ends
# with I/O errors (EIO, or ENOSPC once the capacity is 0), the disk and its
# debugfs directory and platform device are gone, no bounce buffer or
# pinned page is left, and nothing WARNs.  A file descriptor still open on
# the removed disk reads nothing (capacity 0) and holds the module
# (block_device_operations.owner) until it is closed.  rmmod while a
# module-parameter disk is open, idle or under fio, is refused (the module
# is in use: busybox rmmod reports EAGAIN) and succeeds once it is closed.
. /sgblk/guest/lib.sh

CFS=/sys/kernel/config/sgblk

uptime() {
	cut -d' ' -f1 /proc/uptime
}

gone() {
	for p in "/sys/block/$1" "$DBG/$1" "/sys/bus/platform/devices/sgblk.${1#sgblk}"; do
		[ -e "$p" ] && fail "$p left after removal"
	done
	w=0
	while [ -e "/dev/$1" ] && [ $w -lt 50 ]; do
		sleep 0.1
		w=$((w + 1))
	done
	[ -e "/dev/$1" ] && fail "/dev/$1 left after removal"
	return 0
}

# wait_exit PID SECONDS: the process must end within SECONDS.
wait_exit() {
	if ! ends_within "$1" "$2"; then
		kill -9 "$1"
		fail "pid $1 still running $2 s after the disk went"
	fi
}

# wait_io DISK N: until the disk has served N requests (fio is going).
wait_io() {
	w=0
	while [ "$(sgblk_stat requests "$1")" -lt "$2" ] && [ $w -lt 100 ]; do
		sleep 0.1
		w=$((w + 1))
	done
	[ "$(sgblk_stat requests "$1")" -ge "$2" ] || fail "$1: fio did not start"
}

# scenario NAME HOW FIO-OPTS -- ATTR=VALUE...: an item with those attributes,
# fio on its disk, then HOW (power0 or rmdir) while fio runs.
scenario() {
	name=$1 how=$2 fopts=$3
	shift 4
	mkdir "$CFS/$name" || fail "mkdir $name"
	for kv in "$@"; do
		echo "${kv#*=}" >"$CFS/$name/${kv%%=*}" || fail "$name: $kv"
	done
	echo 1 >"$CFS/$name/power" || fail "$name: power=1"
	read -r disk <"$CFS/$name/disk"
	w=0
	while [ ! -b "/dev/$disk" ] && [ $w -lt 50 ]; do
		sleep 0.1
		w=$((w + 1))
	done
	pins0=$(pins_held)
	# shellcheck disable=SC2086
	fio --name=rm --filename="/dev/$disk" --direct=1 --ioengine=io_uring \
		--rw=randrw --iodepth=32 --size=32M --time_based --runtime=60 \
		$fopts >"/tmp/fio.$name" 2>&1 &
	fpid=$!
	wait_io "$disk" 300
	t0=$(uptime)
	if [ "$how" = rmdir ]; then
		rmdir "$CFS/$name" 2>/tmp/rm.err && rc=0 || rc=1
	else
		echo 0 2>/tmp/rm.err >"$CFS/$name/power" && rc=0 || rc=1
	fi
	t1=$(uptime)
	if [ "$rc" != 0 ]; then
		# Refusing would be acceptable only as EBUSY, with the disk intact.
		grep -q 'busy' /tmp/rm.err || fail "$name: $how failed: $(cat /tmp/rm.err)"
		fail "$name: $how refused (EBUSY); this test expects the drain"
	fi
	wait_exit $fpid 30
	wait $fpid && frc=0 || frc=$?
	t2=$(uptime)
	[ "$frc" != 0 ] || grep -q 'err=' "/tmp/fio.$name" ||
		fail "$name: fio ended cleanly though its disk went away"
	gone "$disk"
	[ "$how" = rmdir ] || rmdir "$CFS/$name" || fail "rmdir $name"
	pins1=$(pins_held)
	[ "$pins1" = "$pins0" ] || fail "$name: pinned pages $pins0 before, $pins1 after"
	note "$name: $how under fio took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')s," \
		"fio ended $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }')s later" \
		"(exit $frc: $(grep -o 'err=[ 0-9]*/[^,]*' "/tmp/fio.$name" | head -n1)), pins held $pins1"
}

# Driver complaints: leaked bounce bytes at teardown, ownership violations.
complaints() {
	dmesg | grep -cE 'sgblk.*(leaked|violation)'
}
c0=$(complaints)
insmod "$SGBLK_KO" nr_devices=0 capacity_mb=64 || fail "insmod"
scenario mem power0 "--bssplit=4k/40:64k/40:1m/20" -- profile=none completion=inline
scenario bounce power0 "--bssplit=7k/50:31k/30:255k/20 --mem_align=512" -- \
	profile=align-4k completion=softirq
scenario timer rmdir "--bssplit=4k/50:16k/30:128k/20 --mem_align=512" -- \
	profile=boundary-1k completion=timer completion_nsec=200000
scenario timerpool power0 "--bs=127k --mem_align=512" -- \
	profile=align-4k completion=timer completion_nsec=1000000 queue_depth=16
scenario poll power0 "--bs=4k --hipri" -- poll_queues=1 backend=null
[ "$(complaints)" = "$c0" ] || fail "driver complained: $(dmesg | grep -E 'sgblk.*(leaked|violation)' | tail -n1)"

# An open file descriptor on a removed disk: no data, the module stays
# until it is closed.
mkdir "$CFS/held" || fail "held: mkdir"
echo 1 >"$CFS/held/power" || fail "held: power on"
read -r disk <"$CFS/held/disk"
sleep 0.2
exec 3<"/dev/$disk" || fail "open $disk"
echo 0 >"$CFS/held/power" || fail "held: power=0 with the disk open"
gone "$disk"
# del_gendisk() sets the capacity to 0: reads give nothing (or an error).
n=$(dd bs=4k count=1 <&3 2>/dev/null | wc -c)
[ "$n" = 0 ] || fail "read $n bytes through the open fd of a removed disk"
rmdir "$CFS/held" || fail "rmdir held"
rmmod sgblk 2>/dev/null && fail "rmmod succeeded while a removed disk is still open"
grep -q '^sgblk ' /proc/modules || fail "module gone while a disk is open"
exec 3<&-
rmmod sgblk || fail "rmmod after closing the removed disk"
note "removed-but-open disk: reads give nothing, module held until close"

# rmmod while a module-parameter disk is open: refused, idle or busy.
sgblk_load capacity_mb=64
exec 3</dev/sgblk0 || fail "open sgblk0"
rmmod sgblk 2>/tmp/rmmod.err && fail "rmmod succeeded with sgblk0 open"
note "rmmod with sgblk0 open: $(cat /tmp/rmmod.err)"
dd if=/dev/sgblk0 of=/dev/null bs=64k count=16 2>/dev/null || fail "sgblk0 broken by the refused rmmod"
exec 3<&-
fio --name=busy --filename=/dev/sgblk0 --direct=1 --ioengine=io_uring --rw=randrw \
	--bs=4k --iodepth=16 --size=32M --time_based --runtime=60 >/tmp/fio.busy 2>&1 &
fpid=$!
wait_io sgblk0 300
rmmod sgblk 2>/dev/null && fail "rmmod succeeded under fio"
kill -0 $fpid 2>/dev/null || fail "fio died when rmmod was refused"
kill -INT $fpid
wait_exit $fpid 30
wait $fpid || true
expect_clean sgblk0
rmmod sgblk || fail "rmmod after fio ended"
grep -q '^sgblk ' /proc/modules && fail "module still loaded"
exit 0
