# Negative controls for the engine's Xen translation, in a PV dom0.
# 1. misdirect_every=3 under the page profile (a 64 KiB request is 16
#    descriptors, whatever its pages): every third request has its first
#    run moved at its own last descriptor's DMA address (a translation that
#    reaches the wrong frame, inside the request): fio verify must fail,
#    and the count of such requests rises.  What lies outside those
#    requests must not change: a brd disk and a region of sgblk0, both
#    written before, read back intact.
# 2. bad_dma_addr_every=1: a descriptor whose machine address is no frame
#    of dom0's: the engine faults (engine_faults = injected_bad_addrs), the
#    I/O fails with EIO, and the disk's bytes do not change.
# Skipped outside a dom0.
. /sgblk/guest/lib.sh
. /sgblk/guest/xen.sh

xen_require
sgblk_load capacity_mb=64
brd_load

# What must survive: 16 MiB of brd and the last 16 MiB of sgblk0.
dd if=/dev/urandom of=/tmp/keep bs=1M count=16 2>/dev/null
dd if=/tmp/keep of=/dev/ram0 bs=1M oflag=direct 2>/dev/null || fail "write brd"
dd if=/tmp/keep of=/dev/sgblk0 bs=1M seek=48 oflag=direct 2>/dev/null || fail "write sgblk0's tail"
echo 0 >"$DBG/sgblk0/stats"

set_profile page
echo 3 >"$DBG/sgblk0/misdirect_every" || fail "misdirect_every rejected"
fio_verify /dev/sgblk0 --rw=write --bs=64k --size=16M &&
	fail "fio verify passed with $(sgblk_stat injected_misdirects) misdirected requests"
grep -q -E 'verify: bad|crc32c: verify failed|bad magic' /tmp/fio.out ||
	fail "fio failed, but not on verification: $(tail -n 5 /tmp/fio.out)"
echo 0 >"$DBG/sgblk0/misdirect_every"
set_profile none
expect_stat injected_misdirects -gt 0
expect_clean
note "misdirected: $(grep -E '^(requests|injected_misdirects|engine_faults) ' \
	"$DBG/sgblk0/stats" | tr '\n' ' ')"
dd if=/dev/ram0 of=/tmp/r bs=1M count=16 iflag=direct 2>/dev/null || fail "read brd"
cmp -s /tmp/keep /tmp/r || fail "brd's data changed while sgblk0 misdirected"
dd if=/dev/sgblk0 of=/tmp/r bs=1M skip=48 count=16 iflag=direct 2>/dev/null ||
	fail "read sgblk0's tail"
cmp -s /tmp/keep /tmp/r || fail "sgblk0's untouched tail changed"

# 2: an address outside dom0
dd if=/dev/sgblk0 of=/tmp/before bs=1M count=1 iflag=direct 2>/dev/null || fail "read"
echo 0 >"$DBG/sgblk0/stats"
echo 1 >"$DBG/sgblk0/bad_dma_addr_every" || fail "bad_dma_addr_every rejected"
dd if=/dev/urandom of=/tmp/b bs=64k count=1 2>/dev/null
dd if=/tmp/b of=/dev/sgblk0 bs=64k count=1 oflag=direct 2>/tmp/dd.err &&
	fail "a write to a machine address outside dom0 succeeded"
grep -q 'Input/output error' /tmp/dd.err || fail "write: not EIO: $(cat /tmp/dd.err)"
dd if=/dev/sgblk0 of=/tmp/r bs=4k count=1 iflag=direct 2>/tmp/dd.err &&
	fail "a read to a machine address outside dom0 succeeded"
grep -q 'Input/output error' /tmp/dd.err || fail "read: not EIO: $(cat /tmp/dd.err)"
echo 0 >"$DBG/sgblk0/bad_dma_addr_every"
note "bad address: $(grep -E '^(requests|engine_faults|injected_bad_addrs|errors) ' \
	"$DBG/sgblk0/stats" | tr '\n' ' ')"
expect_stat injected_bad_addrs -ge 2
expect_stat engine_faults -eq "$(sgblk_stat injected_bad_addrs)"
expect_no_maps "after the faults"
dd if=/dev/sgblk0 of=/tmp/after bs=1M count=1 iflag=direct 2>/dev/null || fail "read back"
cmp -s /tmp/before /tmp/after || fail "a faulted write changed the disk"
sgblk_unload
rmmod brd
