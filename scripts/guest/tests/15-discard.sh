# The memory backend allocates pages on first write, reads unwritten ranges
# as zeroes, and frees pages on discard and write-zeroes; discard and
# write-zeroes survive every profile switch (the limits are rebuilt whole).
. /sgblk/guest/lib.sh

sgblk_load capacity_mb=64
Q=/sys/block/sgblk0/queue
pages() { cat "$DBG/sgblk0/store_pages"; }
[ "$(pages)" = 0 ] || fail "fresh device holds $(pages) pages"
cmp -n 1048576 /dev/sgblk0 /dev/zero || fail "unwritten range does not read as zero"

dd if=/dev/urandom of=/tmp/data bs=1M count=8 2>/dev/null
dd if=/tmp/data of=/dev/sgblk0 bs=1M oflag=direct 2>/dev/null || fail "write"
[ "$(pages)" -ge 2048 ] || fail "8 MiB written, only $(pages) pages held"
cmp -n 8388608 /tmp/data /dev/sgblk0 || fail "data read back differs"

blkdiscard -o 0 -l 4194304 /dev/sgblk0 || fail "discard rejected"
[ "$(pages)" -le 1024 ] || fail "discard of 4 MiB left $(pages) pages"
cmp -n 4194304 /dev/sgblk0 /dev/zero || fail "discarded range is not zero"
dd if=/dev/sgblk0 of=/tmp/tail bs=1M skip=4 count=4 2>/dev/null
dd if=/tmp/data of=/tmp/want bs=1M skip=4 count=4 2>/dev/null
cmp /tmp/want /tmp/tail || fail "discard hit data after the range"
note "pages after discard: $(pages)"
expect_stat other_requests -gt 0

# After each profile switch: the limits still offer discard and
# write-zeroes, and a discard still frees the pages of its range.
for p in page boundary-1k "max_seg_size=8192" none; do
	set_profile "$p"
	dmax=$(cat $Q/discard_max_bytes) zmax=$(cat $Q/write_zeroes_max_bytes)
	note "profile $p: discard_max_bytes $dmax write_zeroes_max_bytes $zmax"
	[ "$dmax" -gt 0 ] || fail "profile $p: discard gone"
	[ "$zmax" -gt 0 ] || fail "profile $p: write-zeroes gone"
	dd if=/tmp/data of=/dev/sgblk0 bs=1M count=1 oflag=direct 2>/dev/null ||
		fail "profile $p: write"
	before=$(pages)
	blkdiscard -o 0 -l 1048576 /dev/sgblk0 || fail "profile $p: discard rejected"
	[ "$(pages)" -le $((before - 256)) ] ||
		fail "profile $p: discard freed $((before - $(pages))) of 256 pages"
	cmp -n 1048576 /dev/sgblk0 /dev/zero || fail "profile $p: discarded range not zero"
done
sgblk_unload
