#!/bin/sh
# make bench-dma, the part that runs inside one guest boot: what the boot's
# DMA backend (BACKEND: direct, swiotlb, iommu-lazy, iommu-strict, identity;
# generic: the Xen dom0 kernel without Xen; xen, xen-swiotlb: under Xen;
# arm64: noncoherent, the disk's own platform device as the platform makes
# it, coherent, the same device made coherent with coherent=yes where the
# kernel can, else the coherent pci-testdev function) costs.  sgblk
# backend=null and backend=memory (profile none; through the pci-testdev
# function, dma_dev=, in the IOMMU boots) and, as the same boot's
# baselines, null_blk and brd: each job of JOBS.  The sgblk devices run
# each job once per mapping path (MAPS: sg, and iter where the kernel has
# it), switched in debugfs between runs.
# Output: /out/bench-dma/results.tsv, one line per job:
#   backend device job iops engine_faults+errors map
# (map: sg or iter for sgblk, - for the baselines), the fio JSON next to
# it, and cache.tsv, one line per sgblk job: backend device job map
# requests cache_map_to_dev cache_map_from_dev cache_unmap_from_dev
# engine_cache_bytes (the disk's counters for the job).
# Environment: BACKEND, RUNTIME [1], SIZE [64M], IODEPTH [32],
# MAPS [sg, plus iter on 7.x], JOBS [randread-4k seqread-128k; a job
# read-BS or write-BS is fio-jobs/dma-cost.fio, random, of block size BS].
. /sgblk/guest/lib.sh
. /sgblk/guest/iommu.sh
. /sgblk/guest/devices.sh

export RUNTIME=${RUNTIME:-1} SIZE=${SIZE:-64M} IODEPTH=${IODEPTH:-32}
MAPS=${MAPS:-$(map_paths)}
for m in $MAPS; do
	case $m in
	sg) ;;
	iter) map_iter_expected || fail "MAPS: no map=iter on $KVER" ;;
	*) fail "MAPS '$MAPS': sg and/or iter" ;;
	esac
done
OUT=/out/bench-dma
mkdir -p $OUT
common="submit_queues=1 queue_depth=64"
JOBS=${JOBS:-randread-4k seqread-128k}
dmadev="" want_coherent=""
case $BACKEND in
iommu-*|identity)
	testdev_find
	testdev_override "$TESTDEV"
	dmadev="dma_dev=$TESTDEV" ;;
direct|swiotlb|generic) ;;
noncoherent) want_coherent=no ;;
coherent)
	want_coherent=yes
	# the platform device made coherent where the kernel can (7.x),
	# else the PCI function, coherent behind virt's PCIe host
	if insmod "$SGBLK_KO" nr_devices=1 capacity_mb=1 coherent=yes 2>/dev/null; then
		rmmod sgblk
		dmadev=coherent=yes
	else
		testdev_find
		testdev_override "$TESTDEV"
		dmadev="dma_dev=$TESTDEV"
	fi ;;
xen|xen-swiotlb)
	[ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ] ||
		fail "BACKEND $BACKEND: not booted under Xen (scripts/vm --xen)" ;;
*) fail "BACKEND '$BACKEND': direct, swiotlb, iommu-lazy, iommu-strict, identity, generic, xen, xen-swiotlb, noncoherent or coherent" ;;
esac

# run DEVICE JOB [MAP]: one fio job on $DEV (sgblk: mapping with MAP), a
# line in results.tsv (and, for sgblk, in cache.tsv).
run() {
	base=$1-$2${3:+-$3}
	case $1 in sgblk-*)
		set_map "$3"
		echo 0 >"$DBG/sgblk0/stats" ;;
	esac
	job=/sgblk/fio-jobs/$2.fio rw="" bs=""
	case $2 in
	read-*|write-*) job=/sgblk/fio-jobs/dma-cost.fio rw=rand${2%%-*} bs=${2#*-} ;;
	esac
	RW=$rw BS=$bs fio --eta=never --output-format=json --output="$OUT/$base.json" \
		"$job" >/tmp/fio.err 2>&1 ||
		{ cat /tmp/fio.err; fail "fio $2 on $1"; }
	iops=$(grep -o '"iops" *: *[0-9.]*' "$OUT/$base.json" | head -n3 |
		awk -F: '{ s += $2 } END { printf "%.0f", s }')
	bad=0
	case $1 in sgblk-*)
		bad=$(($(sgblk_stat engine_faults) + $(sgblk_stat errors)))
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$BACKEND" "$1" "$2" "$3" \
			"$(sgblk_stat requests)" "$(sgblk_stat cache_map_to_dev)" \
			"$(sgblk_stat cache_map_from_dev)" "$(sgblk_stat cache_unmap_from_dev)" \
			"$(sgblk_stat engine_cache_bytes)" >>"$OUT/cache.tsv" ;;
	esac
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$BACKEND" "$1" "$2" "$iops" "$bad" \
		"${3:--}" >>"$OUT/results.tsv"
	echo "bench-dma $BACKEND $1 $2${3:+ map=$3} $iops IOPS"
}

# device NAME: load it, prefill memory-backed ones, run the JOBS, unload.
device() {
	case $1 in
	sgblk-null)
		# shellcheck disable=SC2086 # module parameters, split on purpose
		sgblk_load backend=null $common $dmadev; DEV=/dev/sgblk0 ;;
	sgblk-memory)
		# shellcheck disable=SC2086 # as above
		sgblk_load backend=memory $common $dmadev; DEV=/dev/sgblk0 ;;
	null_blk)
		# shellcheck disable=SC2086 # module parameters, split on purpose
		modprobe null_blk $DEV_NULLB memory_backed=0 || fail "null_blk"
		DEV=/dev/nullb0 ;;
	brd) brd_load; DEV=/dev/ram0 ;;
	esac
	[ -b "$DEV" ] || fail "$DEV missing"
	export DEV
	case $1 in sgblk-*)
		note "$1: $(tr '\n' ' ' <"$DBG/sgblk0/dma")"
		[ -z "$want_coherent" ] || [ "$(dma_key coherent)" = "$want_coherent" ] ||
			fail "BACKEND $BACKEND: the disk's device is coherent: $(dma_key coherent)" ;;
	esac
	case $1 in sgblk-memory|brd)
		fio /sgblk/fio-jobs/prefill.fio >/tmp/fio.err 2>&1 ||
			{ cat /tmp/fio.err; fail "prefill $1"; } ;;
	esac
	case $1 in
	sgblk-*)
		for m in $MAPS; do
			for j in $JOBS; do
				run "$1" "$j" "$m"
			done
		done ;;
	*)
		for j in $JOBS; do
			run "$1" "$j"
		done ;;
	esac
	sgblk_cleanup
}

: >"$OUT/results.tsv"
: >"$OUT/cache.tsv"
# Warm-up, not recorded (the first fio run of a boot can find it settling).
modprobe null_blk nr_devices=1 queue_mode=2 irqmode=0 memory_backed=0 gb=1 || fail "null_blk"
DEV=/dev/nullb0 RUNTIME=1 fio --eta=never /sgblk/fio-jobs/randread-4k.fio >/dev/null 2>&1
sgblk_cleanup
for d in sgblk-null null_blk sgblk-memory brd; do
	device $d
done
