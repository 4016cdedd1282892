# debugfs: every invalid write returns an error and changes nothing; the
# files are root-only (a non-root user cannot read or write them).
. /sgblk/guest/lib.sh

sgblk_load capacity_mb=64
P=$DBG/sgblk0/profile
set_profile boundary-1k
before=$(cat "$P")
n=0
# (An empty write never reaches the kernel: the shell issues no write(2).)
for bad in " " bogus "seg_boundary=1000" "seg_boundary=256" "seg_boundary=0" \
	"seg_boundary=8589934592" "max_seg_size=100" "max_seg_size=-1" \
	"dma_align=3" "dma_align=8192" "dma_mask_bits=23" "dma_mask_bits=65" \
	"max_descs=1" "bounce_pool_kb=0" "bounce_pool_kb=abc" "nokey=1" "=5" \
	"seg_boundary=" "seg_boundary=4096 bogus=1" "seg_boundary=4096 dma_align" \
	"max_seg_size=99999999999999999999" \
	"$(head -c 300 /dev/zero | tr '\0' 'x')"; do
	if printf '%s' "$bad" >"$P" 2>/dev/null; then
		fail "profile accepted '$bad'"
	fi
	[ "$(cat "$P")" = "$before" ] || fail "profile changed by rejected '$bad'"
	n=$((n + 1))
done
note "$n invalid profile writes rejected, profile unchanged"

for bad in 1 -1 abc " " 99999999999999999999; do
	printf '%s' "$bad" >"$DBG/sgblk0/stats" 2>/dev/null && fail "stats accepted '$bad'"
done
for bad in 2 abc -1 " "; do
	printf '%s' "$bad" >"$DBG/sgblk0/corrupt_bounce" 2>/dev/null &&
		fail "corrupt_bounce accepted '$bad'"
done
[ "$(cat "$DBG/sgblk0/corrupt_bounce")" = 0 ] || fail "corrupt_bounce changed"

# A valid key=value update applies on top of the preset and says custom.
set_profile "dma_align=512 max_descs=8"
grep -q '^preset custom$' "$P" || fail "custom profile not reported"
grep -q '^dma_align 512$' "$P" || fail "dma_align not applied"
grep -q '^seg_boundary 1024$' "$P" || fail "update did not keep the other fields"

# Root-only: a non-root user can neither read nor change anything.
files=$(ls "$DBG/sgblk0")
[ "$(echo "$files" | wc -l)" -ge 10 ] || fail "debugfs files missing: $files"
for f in $files; do
	if as_user "cat $DBG/sgblk0/$f" >/dev/null 2>&1; then
		fail "non-root could read $f"
	fi
	if as_user "echo none > $DBG/sgblk0/$f" 2>/dev/null; then
		fail "non-root could write $f"
	fi
done
grep -q '^preset custom$' "$P" || fail "non-root write changed the profile"
sgblk_unload
