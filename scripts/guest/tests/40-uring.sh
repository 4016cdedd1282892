# sgblk-uring against sgblk0: aligned, misaligned and scattered sub-page
# buffers verify on the profiles that must bounce or split them (and the
# counters show they did); polled I/O, fixed buffers and registered files
# work; --json parses; a corrupted bounce copy makes --verify fail; bad
# options are refused with a message.
. /sgblk/guest/lib.sh

DEV=/dev/sgblk0
command -v sgblk-uring >/dev/null || fail "sgblk-uring not on PATH"
sgblk_load capacity_mb=64 poll_queues=1
[ -b $DEV ] || fail "no $DEV"

# uring NAME ARGS...: run on 8 MiB of sgblk0, output in /tmp/NAME.{out,err};
# fail the test if sgblk-uring fails.
uring() {
	name=$1
	shift
	if ! sgblk-uring -q --size 8M "$@" $DEV >"/tmp/$name.out" 2>"/tmp/$name.err"; then
		cat "/tmp/$name.out" "/tmp/$name.err"
		fail "$name: sgblk-uring $* failed"
	fi
	note "$name: $(grep -E 'ios|IOPS|errors' "/tmp/$name.out" | tr -s ' \n' ' ')"
}

# ios NAME: the I/O count of a text summary
ios() {
	awk '$1 == "ios" { print $2 }' "/tmp/$1.out"
}

reset_stats() {
	echo 0 >"$DBG/sgblk0/stats" || fail "stats reset"
}

set_profile none
reset_stats
uring randread --rw randread --verify --ios 2000
uring randwrite --rw randwrite --verify --ios 2000
uring randrw-j2 --rw randrw --verify --ios 2000 -j 2
[ "$(ios randread)" = 2000 ] || fail "randread did $(ios randread) ios, want 2000"
expect_stat bounce_segs -eq 0
expect_clean

# Buffers 512 bytes past a page: the 4 KiB-alignment profile must bounce.
set_profile align-4k
reset_stats
uring misaligned --rw randrw --layout misaligned:512 --verify --ios 2000
expect_stat bounce_segs -gt 0
expect_clean

# 4 KiB I/Os as 8 iovecs of 512 bytes, each in its own page.  A 512-byte
# piece at a 512-multiple offset never crosses a 1 KiB boundary, so the
# boundary splits come from the 1 KiB pieces of scatter:4 (and 2 KiB pieces
# of scatter:2 at bs 4k).
set_profile boundary-1k
reset_stats
uring scatter8 --rw randrw --layout scatter:8 --bs 4096 --verify --ios 2000
note "scatter:8 splits_boundary $(sgblk_stat splits_boundary)"
uring scatter4 --rw randrw --layout scatter:4 --bs 4096 --verify --ios 1000
uring scatter16 --rw write --layout scatter:16 --bs 16k --verify --ios 500
expect_stat splits_boundary -gt 0
expect_clean

# Polled I/O through the driver's poll queue; fixed buffers and registered files.
set_profile none
reset_stats
uring poll --poll --rw randread --ios 1000
[ "$(ios poll)" -gt 0 ] || fail "--poll: no I/O completed"
note "queue/io_poll: $(cat /sys/block/sgblk0/queue/io_poll 2>/dev/null)"
uring poll-verify --poll --rw randrw --verify --ios 1000
uring fixed --fixed-buffers --registered-files --rw randrw --verify --ios 2000
uring fixed-mis --fixed-buffers --registered-files --layout misaligned:1024 \
	--rw randwrite --verify --ios 1000
uring runtime --rw randread -t 2 -d 8
[ "$(ios runtime)" -gt 0 ] || fail "--runtime: no I/O completed"
expect_clean

# --json: one line, one object, the documented keys.
uring json --json --rw randrw --verify --ios 500
[ "$(wc -l </tmp/json.out)" -eq 1 ] || fail "--json: not one line"
grep -q '^{.*}$' /tmp/json.out || fail "--json: not an object"
for k in '"options":{' '"depth":' '"bs":' '"rw":"randrw"' '"layout":"aligned"' \
	'"iops":' '"mib_s":' '"ios":' '"lat_us":{' '"p50":' '"p99":' '"p99_9":' \
	'"max":' '"errors":0' '"verify_mismatches":0'; do
	grep -qF "$k" /tmp/json.out || fail "--json: no $k in $(cat /tmp/json.out)"
done
jios=$(sed 's/.*"ios":\([0-9]*\),"reads".*/\1/' /tmp/json.out)
[ "$jios" = 500 ] || fail "--json: ios '$jios', want 500"

# Negative control: a byte flipped in every bounce copy must fail --verify.
set_profile align-4k
echo 1 >"$DBG/sgblk0/corrupt_bounce" || fail "corrupt_bounce"
if sgblk-uring -q --size 8M --layout misaligned:512 --rw randread --verify \
	--ios 500 $DEV >/tmp/corrupt.out 2>/tmp/corrupt.err; then
	cat /tmp/corrupt.out /tmp/corrupt.err
	echo 0 >"$DBG/sgblk0/corrupt_bounce"
	fail "--verify passed with corrupt_bounce=1"
fi
echo 0 >"$DBG/sgblk0/corrupt_bounce"
grep -q 'verify: mismatch in 512-byte block' /tmp/corrupt.err ||
	fail "no mismatch reported: $(cat /tmp/corrupt.err)"
bad=$(awk '$1 == "errors" { print $5 }' /tmp/corrupt.out)
[ "${bad:-0}" -gt 0 ] || fail "no mismatch count in the summary"
note "corrupt_bounce caught: $bad bad blocks; $(grep -m1 mismatch /tmp/corrupt.err)"

# Bad options: non-zero exit and a message naming the problem.
for a in "--bs 1000" "-d 0" "--depth x" "--rw sideways" "--mix 101" \
	"--layout misaligned:100" "--layout scatter:3" "--layout scatter:1" \
	"--submit-batch 64" "--fixed-buffers --layout scatter:8" "--ios 0" \
	"--size 1G" "--bogus"; do
	# shellcheck disable=SC2086
	if sgblk-uring $a $DEV >/dev/null 2>/tmp/bad.err; then
		fail "accepted '$a'"
	fi
	grep -q '^sgblk-uring: ' /tmp/bad.err || fail "no message for '$a'"
	note "'$a': $(head -n1 /tmp/bad.err)"
done

# The device is healthy afterwards: a clean verify pass, clean counters.
reset_stats
uring after --layout misaligned:512 --rw randrw --verify --ios 1000
expect_stat bounce_segs -gt 0
expect_clean
sgblk_unload
