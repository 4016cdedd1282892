# The null backend moves no data: a read must leave the reader's buffer as
# it was, even when the request is bounced.  Bounce buffers are recycled
# pool objects that still hold an earlier request's data (possibly another
# user's); copying them back would hand that data to the reader.  Under
# init_on_alloc (Debian's default) the pool zeroes what it hands out, but
# not what a CPU's bounce cache hands out again.
. /sgblk/guest/lib.sh

# 24-bit mask: every request is bounced.  Where no RAM lies that low (arm64
# virt, whose RAM starts at 1 GiB: the DMA layer refuses the mask), a
# 64 KiB alignment with 60 KiB requests, never a multiple of it: every
# request is bounced too.
sgblk_load capacity_mb=16 backend=null profile=none
if ram_below 24; then
	set_profile "dma_mask_bits=24"
	bs=64 why=bounce_mask
else
	set_profile "dma_align=65536"
	bs=60 why=bounce_align
fi
yes SGBLK-STALE-MARKER | head -c $((bs * 1024)) >/tmp/marker
for i in 1 2 3; do
	dd if=/tmp/marker of=/dev/sgblk0 bs=${bs}k count=1 oflag=direct 2>/dev/null ||
		fail "write $i"
	dd if=/dev/sgblk0 of=/tmp/got bs=${bs}k count=1 iflag=direct 2>/dev/null ||
		fail "read $i"
	grep -q SGBLK-STALE /tmp/got &&
		fail "read $i returned the data of an earlier write through a bounce buffer"
done
# The path was taken: both directions bounced.
expect_stat $why -ge 6
expect_clean
sgblk_unload
