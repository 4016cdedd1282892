# debugfs: every invalid write returns an error and changes nothing; the
# files are root-only (a non-root user who can reach them, on a debugfs
# mounted 0755, can neither read nor write them).
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

# Root-only: a non-root user can neither read nor change anything.  The
# guest's init mounts debugfs 0700 (the kernel's default), which shuts a
# non-root user out of every file whatever its mode: opened to 0755 here
# (and closed again on exit), so each file's own mode decides.  The user
# must get through to every file (stat) and read a world-readable one
# (dynamic_debug's control, 0644), so that a refusal below comes from the
# file's mode, never from a directory on the way.
D=/sys/kernel/debug
mode0=$(stat -c %a $D)
trap 'mount -o remount,mode=0$mode0 $D' EXIT
mount -o remount,mode=0755 $D || fail "cannot remount debugfs mode=0755"
[ "$(stat -c %a $D)" = 755 ] || fail "debugfs root mode $(stat -c %a $D) after remount, want 755"
files=$(ls "$DBG/sgblk0")
[ "$(echo "$files" | wc -l)" -ge 10 ] || fail "debugfs files missing: $files"
[ "$(as_user "ls $DBG/sgblk0")" = "$files" ] || fail "non-root cannot list $DBG/sgblk0"
# A debug kernel may lack dynamic_debug: then any world-readable file that
# root reads something from (devices_deferred, say, is often empty).
pub=
for f in $D/dynamic_debug/control $(find $D -maxdepth 2 -type f -perm -0004); do
	[ -n "$(head -c 64 "$f" 2>/dev/null)" ] && { pub=$f; break; }
done
[ -n "$pub" ] || fail "no world-readable debugfs file with content to show that non-root reads work"
if ! as_user "head -n1 $pub" >/tmp/pub.out 2>&1 || [ ! -s /tmp/pub.out ]; then
	fail "non-root cannot read $pub ($(stat -c %a "$pub")): $(cat /tmp/pub.out)"
fi
note "non-root lists $DBG/sgblk0 and reads $pub ($(stat -c %a "$pub"))"
for f in $files; do
	# the driver makes them 0600 or 0400: nothing for group or others
	m=$(as_user "stat -c %a $DBG/sgblk0/$f") || fail "non-root cannot reach $f"
	case "$m" in
	[67]00 | [45]00) ;;
	*) fail "$f has mode $m: not root-only" ;;
	esac
	if as_user "cat $DBG/sgblk0/$f" >/dev/null 2>/tmp/user.err; then
		fail "non-root could read $f (mode $m)"
	fi
	grep -q 'Permission denied' /tmp/user.err || fail "non-root read of $f: $(cat /tmp/user.err)"
	if as_user "echo none > $DBG/sgblk0/$f" 2>/tmp/user.err; then
		fail "non-root could write $f (mode $m)"
	fi
	grep -q 'Permission denied' /tmp/user.err || fail "non-root write of $f: $(cat /tmp/user.err)"
done
note "$(echo "$files" | wc -l) files refused to non-root, by their modes"
grep -q '^preset custom$' "$P" || fail "non-root write changed the profile"
sgblk_unload
