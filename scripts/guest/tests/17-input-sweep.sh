# Bad-input sweep.  Every writable file in /sys/kernel/debug/sgblk/<disk>/,
# /sys/kernel/config/sgblk/ and /sys/kernel/config/sgblk/<item>/ gets
# invalid values (negative, overflow, non-numeric, trailing junk, blank,
# out of range for that attribute, 4 KiB+ strings); each write must fail and
# leave the value read back unchanged.  The files are enumerated from the
# directories: a writable file with no entry in the table below fails the
# test, so a new attribute cannot go unswept, and so does an entry for a
# file that is not there.  Read-only files must refuse a write too.  Then every
# module parameter gets invalid values on insmod, and I/O past the end of
# the disk must fail without reaching the driver or changing data.
. /sgblk/guest/lib.sh

CFS=/sys/kernel/config/sgblk
tried=0

# 4 KiB+ strings: letters, an overflowing number, and a number whose value
# (1) sits past a 4 KiB run of zeros, so a parser that reads only a prefix
# sees 0 instead.  mid_0 is the same at 41 bytes: a debugfs number never
# needs that many, so those files refuse it (simple_attr_write() would parse
# only its first 23 bytes).
long_x=$(head -c 4200 /dev/zero | tr '\0' x)
long_9=$(head -c 4200 /dev/zero | tr '\0' 9)
long_0=$(head -c 4200 /dev/zero | tr '\0' 0)1
mid_0=$(head -c 40 /dev/zero | tr '\0' 0)1

# What every numeric or name attribute must refuse.
GENERIC_BAD='-1
18446744073709551616
99999999999999999999
abc
1x
0x
 
+-1
1 2'

cpus=$(awk -F- '{ print ($2 == "" ? $1 : $2) + 1 }' /sys/devices/system/cpu/possible)

# bad_values KIND: the invalid inputs of one attribute kind, one per line
# (blank values and long strings are added by sweep_file).
bad_values() {
	case "$1" in
	knob01) printf '%s\n' "$GENERIC_BAD" 2 3 4294967296 "$mid_0" ;;
	stats) printf '%s\n' "$GENERIC_BAD" 1 2 4294967296 "0 0" "$mid_0" ;;
	u32) printf '%s\n' "$GENERIC_BAD" 4294967296 4294967297 18446744073709551615 \
		"$mid_0" ;;
	percent) printf '%s\n' "$GENERIC_BAD" 101 255 256 4294967296 "$mid_0" ;;
	dbg_profile) printf '%s\n' "$GENERIC_BAD" bogus "none x" "seg_boundary=1000" \
		"seg_boundary=0" "seg_boundary=-1" "seg_boundary=18446744073709551616" \
		"max_seg_size=4294967296" "dma_align=3" "dma_mask_bits=65" \
		"max_descs=1" "bounce_pool_kb=0" "dma_align=4096 bounce_pool_kb=1024" \
		"nokey=1" "=1" "seg_boundary=" "seg_boundary=4096 junk" ;;
	capacity_mb) printf '%s\n' "$GENERIC_BAD" 0 1048577 ;;
	backend) printf '%s\n' "$GENERIC_BAD" tape mem "memory null" 0 ;;
	bs) printf '%s\n' "$GENERIC_BAD" 0 1 511 1000 1024 2048 8192 ;;
	submit_queues) printf '%s\n' "$GENERIC_BAD" $((cpus + 1)) 4294967296 ;;
	poll_queues) printf '%s\n' "$GENERIC_BAD" $((cpus + 1)) 4294967295 ;;
	queue_depth) printf '%s\n' "$GENERIC_BAD" 0 4097 4294967296 ;;
	completion) printf '%s\n' "$GENERIC_BAD" never "inline timer" 0 ;;
	completion_nsec) printf '%s\n' "$GENERIC_BAD" 1000000001 ;;
	cfs_profile) printf '%s\n' "$GENERIC_BAD" bogus "none x" "seg_boundary=4096" ;;
	# 0000:00:00.0, the host bridge, exists but is not bound to sgblk.
	dma_dev) printf '%s\n' "$GENERIC_BAD" bogus "none x" 0000:00:00.0 \
		"0000:00:00.0 " "$mid_0" ;;
	power) printf '%s\n' "$GENERIC_BAD" 2 -0x1 yes y on maybe "0 1" 01x ;;
	map) printf '%s\n' "$GENERIC_BAD" bogus SG sgx "sg iter" "iter sg" 0 ;;
	coherent) printf '%s\n' "$GENERIC_BAD" bogus YES auton "yes no" 1 ;;
	*) fail "no bad values for kind $1" ;;
	esac
}

# kind_of DIR-KIND NAME: the table.  "ro" for read-only files, "" for a
# file the table does not know.
kind_of() {
	case "$1:$2" in
	dbg:stats) echo stats ;;
	dbg:profile) echo dbg_profile ;;
	dbg:corrupt_bounce | dbg:own_fatal | dbg:plan_digest) echo knob01 ;;
	dbg:map | item:map) echo map ;;
	dbg:fail_request_every | dbg:fail_pool_every | dbg:fail_map_every | \
	dbg:drop_request_every | dbg:fail_store_every | dbg:bad_dma_addr_every | \
	dbg:misdirect_every) echo u32 ;;
	dbg:fail_request_percent) echo percent ;;
	dbg:hist | dbg:store_pages | dbg:dma) echo ro ;;
	root:features) echo ro ;;
	item:capacity_mb | item:backend | item:bs | item:submit_queues | \
	item:poll_queues | item:queue_depth | item:completion | \
	item:completion_nsec | item:power) echo "$2" ;;
	item:profile) echo cfs_profile ;;
	item:dma_dev) echo dma_dev ;;
	item:coherent) echo coherent ;;
	item:index | item:disk) echo ro ;;
	esac
}

# The table's names per directory, to report entries with no file (read
# through eval in sweep_dir).
# shellcheck disable=SC2034
TABLE_dbg="stats profile corrupt_bounce own_fatal fail_request_every
fail_pool_every fail_map_every drop_request_every fail_store_every
fail_request_percent hist store_pages bad_dma_addr_every misdirect_every dma
plan_digest map"
# shellcheck disable=SC2034
TABLE_root="features"
# shellcheck disable=SC2034
TABLE_item="capacity_mb backend bs submit_queues poll_queues queue_depth
completion completion_nsec profile dma_dev map coherent power index disk"

writable() {
	[ "$(ls -ld "$1" | cut -c3)" = w ]
}

# readval FILE: its contents into $val (read, not cat, for one-line files:
# a fork costs milliseconds under TCG).
readval() {
	case "$1" in
	"$CFS"/*) read -r val <"$1" || val="" ;;
	*) val=$(cat "$1") || fail "cannot read $1" ;;
	esac
}

# try FILE VALUE NEWLINE: write VALUE (with a newline if NEWLINE is 1); the
# write must fail and FILE must read back as before.  The write goes through
# echo, which reports write errors (busybox printf does not).
try() {
	readval "$1"
	before=$val
	if [ "$3" = 1 ]; then
		echo "$2" 2>/dev/null >"$1" && ok=1 || ok=0
	else
		echo -n "$2" 2>/dev/null >"$1" && ok=1 || ok=0
	fi
	readval "$1"
	if [ "$ok" = 1 ] || [ "$val" != "$before" ]; then
		show=$(printf '%s' "$2" | cut -c1-24)
		[ ${#2} -gt 24 ] && show="$show...(${#2} chars)"
		[ "$ok" = 0 ] || fail "$1 accepted '$show' (newline $3)"
		fail "$1 changed by rejected '$show': '$before' -> '$val'"
	fi
	tried=$((tried + 1))
}

# sweep_file FILE KIND: every bad value of KIND; the generic ones also
# without a newline.
sweep_file() {
	bad_values "$2" >/tmp/sweep.vals
	while IFS= read -r v; do
		try "$1" "$v" 1
	done </tmp/sweep.vals
	printf '%s\n' "$GENERIC_BAD" >/tmp/sweep.vals
	while IFS= read -r v; do
		try "$1" "$v" 0
	done </tmp/sweep.vals
	try "$1" "" 1
	for v in "$long_x" "$long_9" "$long_0"; do
		try "$1" "$v" 1
	done
}

# sweep_dir DIR DIR-KIND: every file in DIR must be in the table; writable
# ones are swept, read-only ones must refuse a write.
sweep_dir() {
	table=""
	eval "table=\$TABLE_$2"
	for name in $table; do
		[ -e "$1/$name" ] || fail "$2: the table names $name, which $1 lacks"
	done
	for f in "$1"/*; do
		[ -f "$f" ] || continue
		name=${f##*/}
		kind=$(kind_of "$2" "$name")
		if writable "$f"; then
			[ -n "$kind" ] || fail "$f is writable but has no entry in the sweep table"
			[ "$kind" != ro ] || fail "$f is writable but the table says read-only"
			n0=$tried
			sweep_file "$f" "$kind"
			note "$f: $((tried - n0)) bad writes refused"
		else
			[ "$kind" = ro ] || fail "$f is read-only, the table says '${kind:-nothing}'"
			try "$f" 0 1
		fi
	done
}

uptime() {
	cut -d' ' -f1 /proc/uptime
}
t0=$(uptime)

# --- debugfs and configfs ---
insmod "$SGBLK_KO" capacity_mb=16 || fail "insmod"
[ -b /dev/sgblk0 ] || sleep 1
dd if=/dev/zero of=/dev/sgblk0 bs=64k count=4 2>/dev/null || fail "write sgblk0"
# Profile rules depend on the profile: with boundary-1k (1 KiB bounces) a
# single descriptor cannot carry the page a request needs.
set_profile boundary-1k
sweep_dir "$DBG/sgblk0" dbg
expect_clean sgblk0

sweep_dir "$CFS" root
mkdir "$CFS/sweep" || fail "mkdir sweep"
# Powered off, every value reaches the parser.
sweep_dir "$CFS/sweep" item
[ "$(cat "$CFS/sweep/power")" = 0 ] || fail "sweep got powered on"
for b in /sys/block/sgblk*; do
	[ "$b" = /sys/block/sgblk0 ] || fail "sweep made a disk: $b"
done
# Powered on: power must still refuse bad values and stay on.
echo 1 >"$CFS/sweep/power" || fail "power on"
n0=$tried
sweep_file "$CFS/sweep/power" power
note "power while on: $((tried - n0)) bad writes refused"
disk=$(cat "$CFS/sweep/disk")
[ -n "$disk" ] || fail "sweep lost its disk"
echo 0 >"$CFS/sweep/power" || fail "power off"
rmdir "$CFS/sweep" || fail "rmdir sweep"
rmmod sgblk || fail "rmmod"
t1=$(uptime)

# --- module parameters ---
# name=value pairs insmod must refuse, each with a message in the log.  (A
# failed insmod costs ~0.2 s under TCG, hence a short list per parameter.
# Unknown parameters are not here: the kernel ignores them with a warning.)
params_bad() {
	for p in nr_devices capacity_mb bs submit_queues poll_queues \
		queue_depth completion_nsec; do
		printf "$p=%s\n" -1 18446744073709551616 1x
	done
	printf '%s\n' nr_devices=65 capacity_mb=0 capacity_mb=1048577 bs=1000 \
		bs=8192 submit_queues=$((cpus + 1)) poll_queues=$((cpus + 1)) \
		queue_depth=0 queue_depth=4097 completion_nsec=1000000001 \
		backend=tape backend= completion=never completion= \
		profile=bogus profile=custom "backend=$long_x" dma_dev= \
		dma_dev=bogus dma_dev=0000:00:00.0 "dma_dev=$long_x" map=bogus map= \
		map=SG "map=$long_x" coherent=bogus coherent= coherent=YES
}
params_bad >/tmp/sweep.params
np=0
while IFS= read -r arg; do
	c0=$(dmesg | grep -c 'sgblk: ')
	if insmod "$SGBLK_KO" "$arg" 2>/dev/null; then
		rmmod sgblk
		fail "insmod accepted '$(echo "$arg" | cut -c1-40)'"
	fi
	[ "$(dmesg | grep -c 'sgblk: ')" -gt "$c0" ] || fail "no message for '$(echo "$arg" | cut -c1-40)'"
	np=$((np + 1))
done </tmp/sweep.params
grep -q '^sgblk ' /proc/modules && fail "module left loaded"
[ -e /dev/sgblk0 ] && fail "/dev/sgblk0 left behind"
note "$np invalid module parameters refused"
tried=$((tried + np))

t2=$(uptime)

# --- I/O past the end of the disk ---
sgblk_load capacity_mb=16
end=$((16 * 1024 * 1024))
dd if=/dev/urandom of=/tmp/tail bs=4k count=1 2>/dev/null
dd if=/tmp/tail of=/dev/sgblk0 bs=4k seek=$((end / 4096 - 1)) count=1 oflag=direct \
	2>/dev/null || fail "write the last block"
sum=$(dd if=/dev/sgblk0 bs=4k skip=$((end / 4096 - 1)) count=1 2>/dev/null | md5sum)
echo 0 >"$DBG/sgblk0/stats"
nio=0
# Writes at and across the end: ENOSPC (nothing written past it).
for seek in $((end / 4096)) $((end / 4096 + 1)) $((end / 4096 + 100000)); do
	if dd if=/tmp/tail of=/dev/sgblk0 bs=4k seek=$seek count=1 oflag=direct \
		2>/dev/null; then
		fail "write at block $seek past the end succeeded"
	fi
	nio=$((nio + 1))
done
# Reads at the end return nothing.
n=$(dd if=/dev/sgblk0 bs=4k skip=$((end / 4096)) count=1 iflag=direct 2>/dev/null | wc -c)
[ "$n" = 0 ] || fail "read at the end returned $n bytes"
nio=$((nio + 1))
# fio given an offset at the end either fails or issues nothing.
if fio --name=past --filename=/dev/sgblk0 --direct=1 --rw=write --bs=4k \
	--offset=$end --size=4k >/tmp/fio-past.out 2>&1; then
	grep -q 'sgblk0: ios=0/0' /tmp/fio-past.out || {
		cat /tmp/fio-past.out
		fail "fio wrote past the end"
	}
fi
nio=$((nio + 1))
# The bio builder submits straight to the disk: the block layer's end of
# device check must fail the bios; the driver never sees them.
for op in read write; do
	for off in $((end / 512)) $((end / 512 + 1)) 4294967295; do
		if sgblk-ctl biogen --disk sgblk0 --op $op --offset $off --len 8k \
			--bio-size 4k >/tmp/biogen.out 2>&1; then
			cat /tmp/biogen.out
			fail "biogen $op at sector $off succeeded"
		fi
		nio=$((nio + 1))
	done
done
expect_stat requests -eq 0
expect_clean sgblk0
sum2=$(dd if=/dev/sgblk0 bs=4k skip=$((end / 4096 - 1)) count=1 2>/dev/null | md5sum)
[ "$sum" = "$sum2" ] || fail "the last block changed"
[ "$(cat /sys/block/sgblk0/size)" = $((end / 512)) ] || fail "size changed"
note "$nio I/Os past the end refused, last block intact, no request reached the driver"
tried=$((tried + nio))
sgblk_unload
note "bad inputs tried: $tried"
note "$(awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$(uptime)" 'BEGIN {
	printf "time: files %.1fs, module parameters %.1fs, past the end %.1fs", b - a, c - b, d - c }')"
exit 0
