# One data pattern (include/sgblk_pattern.h) for both tools: what
# sgblk-uring writes, the bio builder (sgblk-ctl biogen, kernel and user
# checks) verifies, and what the bio builder writes, sgblk-uring verifies
# (--no-fill).  Negative controls: one byte changed on the device between the
# write and the verify makes the verifying tool fail, in both directions.
. /sgblk/guest/lib.sh

DEV=/dev/sgblk0
LEN=4194304
sgblk_load capacity_mb=64
[ -b $DEV ] || fail "no $DEV"

# uring_write SEED: sgblk-uring writes the pattern over the first LEN bytes
# (sequential, each 64 KiB unit once) and reads it back itself.
uring_write() {
	sgblk-uring -q --rw write --bs 64k --size $LEN --ios $((LEN / 65536)) \
		--verify --seed "$1" $DEV >/tmp/u.out 2>&1 ||
		{ cat /tmp/u.out; fail "sgblk-uring write, seed $1"; }
}
# uring_check SEED: sgblk-uring reads the first LEN bytes and checks the
# pattern without writing it first; exit status of sgblk-uring.
uring_check() {
	sgblk-uring -q --rw read --bs 64k --size $LEN --ios $((LEN / 65536)) \
		--verify --no-fill --seed "$1" $DEV >/tmp/u.out 2>&1
}
# bg_read SOURCE SEED: the bio builder reads LEN bytes and verifies them.
bg_read() {
	sgblk-ctl biogen --disk sgblk0 --source "$1" --op read --len $LEN \
		--verify --seed "$2" >/tmp/b.out 2>&1
}
# flip_byte OFFSET: invert one byte on the device, behind both tools' backs.
flip_byte() {
	b=$(dd if=$DEV bs=1 skip="$1" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	[ -n "$b" ] || fail "cannot read byte $1 of $DEV"
	# shellcheck disable=SC2059 # the format is the octal escape itself
	printf "\\$(printf %o $((b ^ 255)))" |
		dd of=$DEV bs=1 seek="$1" count=1 conv=notrunc 2>/dev/null ||
		fail "cannot write byte $1 of $DEV"
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

# 1. sgblk-uring writes, the bio builder verifies (user buffer and vmalloc).
uring_write 7
for src in user vmalloc; do
	bg_read $src 7 || { cat /tmp/b.out; fail "uring wrote, biogen --source $src failed to verify"; }
	grep -q "verify: 0 bad 512-byte blocks" /tmp/b.out ||
		{ cat /tmp/b.out; fail "biogen $src: no clean verify line"; }
done
note "sgblk-uring wrote seed 7: biogen user and vmalloc verify it"
# A different seed is not the same data: the check is not vacuous.
if bg_read vmalloc 8; then
	cat /tmp/b.out
	fail "biogen verified seed 8 over data written with seed 7"
fi

# 2. The bio builder writes (vmalloc and contiguous), sgblk-uring verifies.
for src in vmalloc contig; do
	sgblk-ctl biogen --disk sgblk0 --source "$src" --op write --len $LEN \
		--seed 11 >/tmp/b.out 2>&1 || { cat /tmp/b.out; fail "biogen write $src"; }
	uring_check 11 || { cat /tmp/u.out; fail "biogen $src wrote, sgblk-uring failed to verify"; }
	grep -q "verify mismatches 0" /tmp/u.out || { cat /tmp/u.out; fail "uring: no clean verify line"; }
done
note "biogen vmalloc and contig wrote seed 11: sgblk-uring --no-fill verifies it"

# 3. Negative controls: one byte changed between write and verify.
uring_write 21
flip_byte 1048576
if bg_read vmalloc 21; then
	cat /tmp/b.out
	fail "biogen verified data with one byte changed"
fi
grep -q "first at device byte 1048576" /tmp/b.out ||
	{ cat /tmp/b.out; fail "biogen did not point at the changed block"; }
note "changed byte after a uring write: biogen reports block at 1048576"

sgblk-ctl biogen --disk sgblk0 --source vmalloc --op write --len $LEN \
	--seed 22 >/tmp/b.out 2>&1 || { cat /tmp/b.out; fail "biogen write"; }
flip_byte 2097155
if uring_check 22; then
	cat /tmp/u.out
	fail "sgblk-uring verified data with one byte changed"
fi
grep -q "device offset 2097152" /tmp/u.out ||
	{ cat /tmp/u.out; fail "sgblk-uring did not point at the changed block"; }
note "changed byte after a biogen write: sgblk-uring reports block at 2097152"

sgblk_unload
