# The null backend moves no data: a read must leave the reader's buffer as
# it was, even when the request is bounced.  Bounce buffers are recycled
# pool objects that still hold an earlier request's data (possibly another
# user's); copying them back would hand that data to the reader.  Under
# init_on_alloc (Debian's default) the pool zeroes what it hands out, but
# not what a CPU's bounce cache hands out again.
. /sgblk/guest/lib.sh

# 24-bit mask: every request is bounced.  Where no RAM lies that low (arm64
# virt, whose RAM starts at 1 GiB: the DMA layer refuses the mask), nothing
# makes every request of dd's page-aligned buffer bounce; test 27 checks
# the same with misaligned buffers under align-4k.
ram_below 24 ||
	skip "no RAM below 16 MiB (RAM starts at 0x$(ram_start)): test 27 checks this with misaligned buffers"
sgblk_load capacity_mb=16 backend=null profile=none
set_profile "dma_mask_bits=24"
yes SGBLK-STALE-MARKER | head -c 65536 >/tmp/marker
for i in 1 2 3; do
	dd if=/tmp/marker of=/dev/sgblk0 bs=64k count=1 oflag=direct 2>/dev/null ||
		fail "write $i"
	dd if=/dev/sgblk0 of=/tmp/got bs=64k count=1 iflag=direct 2>/dev/null ||
		fail "read $i"
	grep -q SGBLK-STALE /tmp/got &&
		fail "read $i returned the data of an earlier write through a bounce buffer"
done
# The path was taken: both directions bounced.
expect_stat bounce_mask -ge 6
expect_clean
sgblk_unload
