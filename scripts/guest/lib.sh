# Helpers for guest tests (sourced).  Every helper fails loudly: tests run
# with set -e semantics where it matters, and print '# ...' diagnostics.

KVER=$(uname -r)
SGBLK_KO=/sgblk/kmod/sgblk.ko
DBG=/sys/kernel/debug/sgblk

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

note() {
	echo "# $*"
}

# Load sgblk with module parameters; the disk must appear.
sgblk_load() {
	insmod "$SGBLK_KO" "$@" || fail "insmod sgblk $*"
	i=0
	while [ ! -b /dev/sgblk0 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

sgblk_unload() {
	rmmod sgblk || fail "rmmod sgblk"
}

# Unload whatever a test left behind so the next one starts clean.
sgblk_cleanup() {
	grep -q '^sgblk ' /proc/modules && rmmod sgblk
	grep -q '^null_blk ' /proc/modules && rmmod null_blk
	grep -q '^brd ' /proc/modules && rmmod brd
	return 0
}

# fio_verify DEV [fio options...]: write a pattern, read it back and verify.
fio_verify() {
	dev=$1
	shift
	fio --name=verify --filename="$dev" --direct=1 --ioengine=io_uring \
		--rw=randwrite --bs=4k --size=32M --iodepth=16 \
		--verify=crc32c --verify_fatal=1 --do_verify=1 \
		"$@" >/tmp/fio.out 2>&1
	rc=$?
	[ $rc -eq 0 ] || cat /tmp/fio.out
	return $rc
}

# brd_load: one 256 MiB ram disk, /dev/ram0.
brd_load() {
	modprobe brd rd_nr=1 rd_size=262144 || fail "modprobe brd"
	[ -b /dev/ram0 ] || fail "/dev/ram0 missing"
}
