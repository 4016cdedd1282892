# The bio builder (SGBLK_IOC_BIOGEN, sgblk-ctl biogen): data written through
# one buffer source (user iovecs, vmalloc, contiguous pages) reads back intact
# through every other, on every DMA profile, with sub-page and odd-offset
# iovec layouts; the counters show the splits and bounces each layout must
# cause and nothing else; pinned pages and vmalloc buffers all come back.
. /sgblk/guest/lib.sh

bg_vmallocs() {
	grep -c -E 'sgblk_(bg|biogen)' /proc/vmallocinfo
}
# bg ARGS...: one job that must succeed; its JSON lands in $OUT.
bg() {
	OUT=$(sgblk-ctl biogen --disk sgblk0 --json "$@" 2>/tmp/bg.err) ||
		{ cat /tmp/bg.err; fail "biogen $* (exit $?): $OUT"; }
}
# jget KEY: a field of $OUT
jget() {
	echo "$OUT" | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}
reset_stats() {
	echo 0 >"$DBG/sgblk0/stats"
}

sgblk_load capacity_mb=64
pick_layouts
pin0=$(pins_held)
note "pins held at start: $pin0"

# 1. Cross-source: write through A, read and verify through B, same checksum.
# Each pair gets its own 2 MiB region and seed.
n=0
for pair in user:vmalloc vmalloc:user kmalloc:user user:kmalloc \
	vmalloc:kmalloc kmalloc:vmalloc; do
	w=${pair%:*} r=${pair#*:}
	n=$((n + 1))
	sec=$((n * 4096)) seed=$((1000 + n))
	wopt="" ropt=""
	[ "$w" = user ] && wopt="--iovec-layout $ODD"
	[ "$r" = user ] && ropt="--iovec-layout scatter"
	[ "$w" = vmalloc ] && wopt="--buf-offset $OFF1"
	[ "$r" = kmalloc ] && ropt="--buf-offset $OFF2"
	# shellcheck disable=SC2086
	bg --source "$w" --op write --offset $sec --len 1M --seed $seed --checksum $wopt
	wsum=$(jget checksum)
	# shellcheck disable=SC2086
	bg --source "$r" --op read --offset $sec --len 1M --seed $seed --verify $ropt
	rsum=$(jget checksum)
	[ "$(jget mismatches)" = 0 ] || fail "$pair: mismatches $(jget mismatches)"
	[ "$wsum" = "$rsum" ] || fail "$pair: write checksum $wsum, read $rsum"
	note "$pair ok: checksum $rsum, $(jget bios) bios, $(jget segments) segments"
done

# The verifier is not blind: the wrong seed must fail, block by block.
if sgblk-ctl biogen --disk sgblk0 --source vmalloc --op read --offset 4096 \
	--len 1M --seed 999 --verify --json >/tmp/neg.out 2>&1; then
	cat /tmp/neg.out
	fail "verify passed with the wrong seed"
fi
grep -q '"mismatches":2048' /tmp/neg.out || { cat /tmp/neg.out; fail "wrong seed: expected 2048 bad blocks"; }
# ... and in the user buffer too.
sgblk-ctl biogen --disk sgblk0 --source user --iovec-layout "$ODD" --op read \
	--offset 4096 --len 64k --seed 999 --verify --json >/tmp/neg.out 2>&1 &&
	fail "user verify passed with the wrong seed"
grep -q '"user_mismatches":128' /tmp/neg.out || { cat /tmp/neg.out; fail "wrong seed: user check"; }

# 2. Shape of the bios each source builds.
bg --source kmalloc --op read --len 1M --bio-size 64k --buf-offset 512
[ "$(jget segments)" = "$(jget bios)" ] || fail "kmalloc: one bio_vec per bio expected: $OUT"
bg --source vmalloc --op read --len 1M --bio-size 64k
[ "$(jget max_bio_segs)" = 16 ] || fail "vmalloc, aligned: 16 pieces per 64k bio: $OUT"
bg --source vmalloc --op read --len 1M --bio-size 64k --buf-offset 512
[ "$(jget max_bio_segs)" = 17 ] || fail "vmalloc, offset 512: 17 pieces per 64k bio: $OUT"
bg --source user --iovec-layout "$SUBPAGE" --op read --len 256k --bio-size 64k
want=512
[ "$BVEC_ALIGN_ENFORCED" = 1 ] && want=192
[ "$(jget segments)" = $want ] || fail "$SUBPAGE: $want bio_vecs expected: $OUT"
bg --source vmalloc --op read --len 1M --bio-size 4k --inflight 1 --repeat 3
[ "$(jget bios)" = 768 ] || fail "repeat: 768 bios expected: $OUT"
# --plug lets the block layer merge the 4k bios into larger requests.
reset_stats
bg --source vmalloc --op read --offset 4096 --len 1M --bio-size 4k --inflight 32 \
	--plug --seed 1001 --verify
[ "$(jget mismatches)" = 0 ] || fail "plugged read: $OUT"
expect_stat requests -lt 256
note "plugged: 256 bios became $(sgblk_stat requests) requests"

# 3. Every profile, every layout, both directions, checked end to end.
LAYOUTS="contig $SUBPAGE scatter $ODD tiny"
presets
for p in $PRESETS; do
	set_profile "$p"
	reset_stats
	seed=1
	for l in $LAYOUTS; do
		seed=$((seed + 1))
		bg --source user --iovec-layout "$l" --op write --len 256k --seed $seed
		bg --source vmalloc --op read --len 256k --seed $seed --verify
		[ "$(jget mismatches)" = 0 ] || fail "$p/$l: user write, vmalloc read: $OUT"
		bg --source user --iovec-layout "$l" --op read --len 256k --seed $seed --verify
		[ "$(jget mismatches)" = 0 ] || fail "$p/$l: user read: $OUT"
	done
	bg --source vmalloc --buf-offset 512 --op write --offset 2048 --len 1M --seed 77 --bio-size 128k
	bg --source kmalloc --buf-offset 1536 --op read --offset 2048 --len 1M --seed 77 --verify --inflight 32
	[ "$(jget mismatches)" = 0 ] || fail "$p: vmalloc write, kmalloc read: $OUT"
	note "$p: $(tr '\n' ' ' <"$DBG/sgblk0/stats")"
	expect_clean
	expect_stat requests -gt 0
	case "$p" in
	none|page)
		expect_stat splits_boundary -eq 0
		expect_stat bounce_segs -eq 0 ;;
	boundary-1k)
		expect_stat splits_boundary -gt 0
		expect_stat bounce_segs -eq 0 ;;
	align-4k)
		expect_stat bounce_segs -gt 0
		expect_stat bounce_align -gt 0 ;;
	dma28)
		expect_stat bounce_mask -gt 0 ;;
	desc-4)
		expect_stat bounce_descs -gt 0 ;;
	esac
done

# 4. Each layout causes exactly the work it must, one case at a time.
# case PROFILE "biogen args" "expect_stat args" ...
case_expect() {
	prof=$1 args=$2
	shift 2
	set_profile "$prof"
	reset_stats
	# shellcheck disable=SC2086
	bg $args
	for e in "$@"; do
		# shellcheck disable=SC2086
		expect_stat $e || fail "$prof, $args: $e"
	done
	expect_clean
	note "$prof, $args: ok ($*)"
}
case_expect none "--source user --iovec-layout $ODD --op write --len 256k" \
	"splits_boundary -eq 0" "bounce_segs -eq 0"
case_expect boundary-1k "--source user --iovec-layout $SUBPAGE --op write --len 256k" \
	"splits_boundary -gt 0" "bounce_segs -eq 0"
case_expect boundary-1k "--source kmalloc --op write --len 256k" \
	"splits_boundary -gt 0" "bounce_segs -eq 0"
case_expect align-4k "--source user --iovec-layout contig --op write --len 256k" \
	"bounce_segs -eq 0"
case_expect align-4k "--source vmalloc --op read --len 256k" \
	"bounce_segs -eq 0"
case_expect align-4k "--source user --iovec-layout scatter --op read --len 256k" \
	"bounce_segs -gt 0" "bounce_align -gt 0"
case_expect align-4k "--source vmalloc --buf-offset 512 --op write --len 256k" \
	"bounce_segs -gt 0" "bounce_align -gt 0"
case_expect align-4k "--source user --iovec-layout $SUBPAGE --op write --len 256k" \
	"bounce_align -gt 0"
case_expect desc-4 "--source user --iovec-layout tiny --op write --len 256k" \
	"bounce_descs -gt 0"
set_profile none

# 5. Nothing left behind.
pin1=$(pins_held)
[ "$pin1" = "$pin0" ] || fail "pinned pages: $pin0 at start, $pin1 now"
v=$(bg_vmallocs)
[ "$v" = 0 ] || fail "$v bio builder vmalloc areas left"
note "pins held: $pin1 (start $pin0) after $(pins_acquired) pins; bio builder vmalloc areas: 0"
sgblk_unload
