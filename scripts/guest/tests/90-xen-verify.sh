# In a Xen PV dom0 (scripts/vm --xen), where a DMA address is a machine
# address, the engine goes back through dom0's p2m: debugfs dma shows
# backend xen-swiotlb and a sample DMA -> machine M -> P whose machine frame
# is not its physical one.  Every DMA profile passes fio crc32c verification
# for each workload, write-then-verify and randrw, and after each profile
# no mapping is outstanding and swiotlb-xen holds as many bounce slots as
# before the test.  Then the same after dom0's balloon went down 256 MiB
# and back up: Xen took machine frames back and gave others, so pages that
# follow each other in dom0 no longer do in machine memory.  There
# swiotlb-xen must bounce by itself: a physically contiguous kernel buffer
# (the bio builder's kmalloc source: one bio_vec per 256 KiB bio) spans
# machine frames that are no run, and the elements it bounced
# (dma_bounced_elems: a DMA address other than the page's own machine
# address) are counted while the data reads back intact.  In the boot with
# swiotlb=force every element bounces, and dma_bounced_elems counts each.
# Skipped outside a dom0.
. /sgblk/guest/lib.sh
. /sgblk/guest/xen.sh

xen_require
base=$(swiotlb_used)
sgblk_load capacity_mb=128

force=0
grep -qw swiotlb=force /proc/cmdline && force=1

# check_xen MAP PRESET: nothing mapped, no swiotlb slot held; with
# swiotlb=force every element bounced
check_xen() {
	expect_no_maps "profile $2"
	_u=$(swiotlb_used)
	[ "$_u" = "$base" ] || fail "profile $2: swiotlb-xen holds $_u slots, $base before"
	[ $force = 0 ] || expect_stat dma_bounced_elems -eq "$(sgblk_stat sg_elems)"
}

# contig_bounces: the bio builder's contiguous buffer, 3 x 4 MiB written and
# read back verified in 256 KiB bios; sets CB_BOUNCED (dma_bounced_elems)
# and CB_ELEMS (sg_elems).  Not in a command substitution: fail must end the
# test.
contig_bounces() {
	echo 0 >"$DBG/sgblk0/stats"
	for _s in 1 2 3; do
		for _op in write read; do
			_v=""
			[ $_op = read ] && _v=--verify
			# shellcheck disable=SC2086 # _v: one option or none
			sgblk-ctl biogen --disk sgblk0 --source kmalloc --op $_op \
				--offset $((_s * 8192)) --len 4M --bio-size 256k --seed $_s \
				$_v --json >/tmp/bg.out 2>&1 ||
				{ cat /tmp/bg.out; fail "biogen kmalloc $_op $_s"; }
			grep -q '"errors":0' /tmp/bg.out || fail "biogen kmalloc $_op: $(cat /tmp/bg.out)"
			[ $_op = write ] || grep -q '"mismatches":0' /tmp/bg.out ||
				fail "biogen kmalloc read $_s: $(cat /tmp/bg.out)"
		done
	done
	expect_clean
	CB_BOUNCED=$(sgblk_stat dma_bounced_elems)
	CB_ELEMS=$(sgblk_stat sg_elems)
}

dd if=/dev/zero of=/dev/sgblk0 bs=4k count=1 oflag=direct 2>/dev/null ||
	fail "a first write"
expect_xen_translation
note "$(tr '\n' ' ' <"$DBG/sgblk0/dma")"
contig_bounces
note "contiguous buffer before ballooning: swiotlb-xen bounced $CB_BOUNCED of $CB_ELEMS elements"

st='requests|descs|bounce_segs|bounce_mask|engine_faults'
verify_matrix label=xen div=8 stats="$st" check=check_xen
runs=$VM_RUNS

kb=$(balloon_kb)
balloon_to $((kb - 262144))
note "balloon down to $(balloon_kb) KiB"
balloon_to "$kb"
note "balloon back up to $(balloon_kb) KiB"
contig_bounces
note "contiguous buffer after ballooning: swiotlb-xen bounced $CB_BOUNCED of $CB_ELEMS elements"
[ "$CB_BOUNCED" -gt 0 ] ||
	fail "after ballooning swiotlb-xen bounced none of $CB_ELEMS elements of a contiguous buffer"
[ $force = 0 ] || [ "$CB_BOUNCED" = "$CB_ELEMS" ] ||
	fail "swiotlb=force, yet only $CB_BOUNCED of $CB_ELEMS elements bounced"
verify_matrix label="xen, after ballooning" workloads="64k 1m misaligned" div=8 \
	stats="$st" check=check_xen
note "verify matrix: $runs + $VM_RUNS runs, 0 failures; swiotlb slots $base," \
	"high-water $(cat /sys/kernel/debug/swiotlb/io_tlb_used_hiwater 2>/dev/null || echo n/a)"
sgblk_unload
[ "$(swiotlb_used)" = "$base" ] || fail "after rmmod swiotlb-xen holds $(swiotlb_used) slots, $base before"
