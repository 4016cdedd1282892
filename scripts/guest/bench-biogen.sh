#!/bin/sh
# Bio builder benchmark, run inside the guest (icount mode for the headline):
# bios built from pinned user pages, vmalloc and contiguous (kmalloc/pages)
# buffers, 4 KiB, 64 KiB and 1 MiB bios, on profiles none and boundary-1k.
# One JSON line per case in /out/biogen.jsonl.  LEN (bytes per repetition,
# default 16M), REPEAT (default 2), INFLIGHT (default 16).
. /sgblk/guest/lib.sh

len=${LEN:-16M} repeat=${REPEAT:-2} inflight=${INFLIGHT:-16}
sgblk_load capacity_mb=64
: >/out/biogen.jsonl
n=0
for profile in none boundary-1k; do
	set_profile "$profile"
	for bio in 4k 64k 1m; do
		for src in user vmalloc kmalloc; do
			for op in write read; do
				n=$((n + 1))
				l=$len
				# contiguous buffers are capped at 4 MiB by the ioctl
				[ "$src" = kmalloc ] && l=4M
				out=$(sgblk-ctl biogen --source $src --op $op --len "$l" \
					--bio-size $bio --inflight "$inflight" \
					--repeat "$repeat" --json) ||
					fail "biogen $profile $src $op $bio"
				echo "{\"profile\":\"$profile\",\"source\":\"$src\",\"op\":\"$op\",\"bio\":\"$bio\",\"result\":$out}" \
					>>/out/biogen.jsonl
				echo "biogen [$n/36] $profile $src $op $bio"
			done
		done
	done
done
expect_clean
