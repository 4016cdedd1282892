# Helpers for the IOMMU tests (sourced after lib.sh).  scripts/vm --iommu
# boots a guest with an IOMMU (x86: q35 with an intel-iommu; arm64: virt
# with an SMMUv3) and a driverless pci-testdev function (1b36:0005; arm64
# guests always have one, coherent and untranslated without --iommu);
# these find that function and hand it to sgblk.

# The IOMMU mode the kernel command line asks for: lazy, strict, identity,
# or nothing when the guest has no IOMMU.  Without a word on the command
# line, the kernel's default: lazy on x86, strict on arm64.
iommu_mode() {
	[ -n "$(ls /sys/class/iommu 2>/dev/null)" ] || return 0
	if grep -qwE 'iommu=pt|iommu.passthrough=1' /proc/cmdline; then
		echo identity
	elif grep -qw 'iommu.strict=1' /proc/cmdline; then
		echo strict
	elif grep -qw 'iommu.strict=0' /proc/cmdline || [ "$(uname -m)" != aarch64 ]; then
		echo lazy
	else
		echo strict
	fi
}

# testdev_find: the pci-testdev function's name into $TESTDEV; skips the test
# without one (not in a command substitution: skip must end the test).
testdev_find() {
	TESTDEV=""
	for _d in /sys/bus/pci/devices/*; do
		[ "$(cat "$_d/vendor")" = 0x1b36 ] && [ "$(cat "$_d/device")" = 0x0005 ] &&
			TESTDEV=${_d##*/}
	done
	[ -n "$TESTDEV" ] || skip "no pci-testdev function (x86: boot with scripts/vm --iommu)"
}

# testdev_override FN: let only sgblk bind FN (it binds when sgblk loads).
testdev_override() {
	echo sgblk >"/sys/bus/pci/devices/$1/driver_override" ||
		fail "cannot set driver_override of $1"
}

# expect_dma_backend: the disk maps through the IOMMU the boot asked for.
expect_dma_backend() {
	case $(iommu_mode) in
	lazy) want="iommu dma-fq" ;;
	strict) want="iommu dma" ;;
	identity) want="direct identity" ;;
	*) fail "no IOMMU in this boot" ;;
	esac
	got="$(dma_key backend "$1") $(dma_key domain "$1")"
	[ "$got" = "$want" ] || fail "backend/domain '$got', expected '$want'"
}

# iommu_disk_load CAPACITY_MB: skip without an IOMMU; otherwise bind the
# pci-testdev function to sgblk and load sgblk0 mapping through it.  Sets
# fn (the function's name).  Run in the test's own shell, so a skip ends
# the test.
iommu_disk_load() {
	[ -n "$(iommu_mode)" ] || skip "needs a boot with an IOMMU (scripts/vm --iommu=MODE)"
	testdev_find
	fn=$TESTDEV
	testdev_override "$fn"
	sgblk_load capacity_mb="$1" dma_dev="$fn"
	expect_dma_backend sgblk0
}

# seq128 PROFILE LABEL: 128 KiB sequential writes and verifying reads on
# PROFILE from a buffer whose pages are never physically contiguous (fio's
# own allocation sometimes is), so there is always something to merge.
# Sets elems, merged, req and splits from the counters, and notes them.
seq128() {
	SCAT=/tmp/scattered
	# runs of one page: sgblk-membuf checks no two are adjacent
	[ -e $SCAT ] || sgblk-membuf $SCAT 4096 4 >/dev/null || fail "sgblk-membuf $SCAT"
	set_profile "$1"
	echo 0 >"$DBG/sgblk0/stats"
	fio_verify /dev/sgblk0 --rw=write --bs=128k --size=8M --mem=mmapshared:$SCAT ||
		fail "$2: profile $1, 128k sequential: verify failed"
	expect_clean
	elems=$(sgblk_stat sg_elems)
	merged=$(sgblk_stat dma_merged)
	req=$(sgblk_stat requests)
	splits=$(sgblk_stat splits_boundary)
	note "$2, profile $1: $req requests, $elems elements, dma_merged $merged," \
		"splits_boundary $splits; mapped per request:" \
		"$(awk '$1 == "mapped_per_request" && $3 > 0 { printf "%s:%s ", $2, $3 }' "$DBG/sgblk0/hist")"
	# 128 KiB of scattered pages is 32 elements: something to merge.
	[ "$elems" -gt "$req" ] || fail "$2: profile $1: $elems elements in $req requests, nothing to merge"
	expect_no_maps "$2, profile $1"
}

# expect_translation LABEL: the engine's first translation, noted: an
# identity domain reaches the DMA address itself, a translating one
# (lazy, strict) a physical address other than the IOVA.
expect_translation() {
	_s=$(dma_key sample)
	case $_s in *" -> "*) ;; *) fail "$1: no translation sample: '$_s'" ;; esac
	note "$1: engine translation sample $_s"
	if [ "$(iommu_mode)" = identity ]; then
		[ "${_s%% -> *}" = "${_s##* -> }" ] || fail "$1: identity domain: $_s"
	else
		[ "${_s%% -> *}" != "${_s##* -> }" ] || fail "$1: IOVA equals the physical address: $_s"
	fi
}
