# Negative control for the engine's address translation: with
# bad_dma_addr_every=1 one descriptor of every request carries a DMA address
# nothing is mapped at (its first non-bounce one).  The engine must count an
# engine fault and fail the request with EIO without touching memory: the
# IOMMU API returns 0 for such an address, and an engine that took that for
# page 0 would read or write physical page 0 instead and succeed.  No byte
# of the disk changes (the bad descriptor is the one the engine runs
# first), reads hand back nothing, and every mapping is ended.  Skipped
# without an IOMMU.
. /sgblk/guest/lib.sh
. /sgblk/guest/iommu.sh

iommu_disk_load 4
mode=$(iommu_mode)
K="$DBG/sgblk0/bad_dma_addr_every"

dd if=/dev/urandom of=/tmp/a bs=1M count=4 2>/dev/null
dd if=/tmp/a of=/dev/sgblk0 bs=1M oflag=direct 2>/dev/null || fail "write pattern"
dd if=/dev/urandom of=/tmp/b bs=64k count=1 2>/dev/null
echo 0 >"$DBG/sgblk0/stats"

echo 1 >"$K" || fail "knob rejected"
# A write and a read, one and several elements (fio's buffer for 64k).
dd if=/tmp/b of=/dev/sgblk0 bs=4k count=1 seek=256 oflag=direct 2>/tmp/dd.err &&
	fail "$mode: a 4k write with a bad DMA address succeeded"
grep -q 'Input/output error' /tmp/dd.err || fail "write: not EIO: $(cat /tmp/dd.err)"
dd if=/tmp/b of=/dev/sgblk0 bs=64k count=1 seek=32 oflag=direct 2>/dev/null &&
	fail "$mode: a 64k write with a bad DMA address succeeded"
dd if=/dev/sgblk0 of=/tmp/r bs=64k count=1 skip=16 iflag=direct 2>/tmp/dd.err &&
	fail "$mode: a 64k read with a bad DMA address succeeded"
grep -q 'Input/output error' /tmp/dd.err || fail "read: not EIO: $(cat /tmp/dd.err)"
[ -s /tmp/r ] && fail "the failed read returned data"
echo 0 >"$K"

note "$mode: $(grep -E '^(requests|engine_faults|injected_bad_addrs|errors|dma_maps|dma_unmaps) ' \
	"$DBG/sgblk0/stats" | tr '\n' ' ')"
expect_stat injected_bad_addrs -ge 3
expect_stat engine_faults -eq "$(sgblk_stat injected_bad_addrs)"
expect_stat errors -ge 3
expect_stat rule_violations -eq 0
expect_stat own_violations -eq 0
expect_no_maps "after the faults"

# Nothing moved: the disk still holds the pattern, byte for byte.
dd if=/dev/sgblk0 of=/tmp/c bs=1M count=4 iflag=direct 2>/dev/null || fail "read back"
cmp /tmp/a /tmp/c >/dev/null || fail "$mode: the disk changed: $(cmp /tmp/a /tmp/c | head -n1)"
# And the knob off, the same I/O works.
echo 0 >"$DBG/sgblk0/stats"
fio_verify /dev/sgblk0 --rw=randrw --bs=64k --size=2M || fail "verify after the knob"
expect_clean
expect_no_maps "after the verify"
sgblk_unload
