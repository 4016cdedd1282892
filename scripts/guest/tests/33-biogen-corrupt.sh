# Negative control for the bio builder's verification: with corrupt_bounce
# set, data that the align-4k profile must bounce (misaligned user iovecs)
# fails --verify, in both directions, while aligned data that needs no
# bounce still passes.  A passing verify therefore means something.
. /sgblk/guest/lib.sh

sgblk_load capacity_mb=64
set_profile align-4k
K=$DBG/sgblk0/corrupt_bounce

sgblk-ctl biogen --disk sgblk0 --source vmalloc --op write --len 1M --seed 77 >/dev/null ||
	fail "aligned write"
echo 0 >"$DBG/sgblk0/stats"
echo 1 >"$K"

# Aligned: not bounced, not corrupted.
sgblk-ctl biogen --disk sgblk0 --source vmalloc --op read --len 1M --seed 77 --verify >/tmp/a.out 2>&1 ||
	{ cat /tmp/a.out; echo 0 >"$K"; fail "aligned read failed verify with corrupt_bounce"; }
expect_stat bounce_segs -eq 0

# Misaligned user read: bounced, corrupted, caught by the kernel and the tool.
sgblk-ctl biogen --disk sgblk0 --source user --iovec-layout scatter --op read \
	--len 1M --seed 77 --verify --json >/tmp/r.out 2>/tmp/r.err
rc=$?
cat /tmp/r.out /tmp/r.err
[ $rc -eq 3 ] || { echo 0 >"$K"; fail "misaligned read: exit $rc, expected 3 (mismatch)"; }
grep -q '"mismatches":0,' /tmp/r.out && { echo 0 >"$K"; fail "kernel check saw no mismatch"; }
grep -q '"user_mismatches":0}' /tmp/r.out && { echo 0 >"$K"; fail "user check saw no mismatch"; }
expect_stat bounce_segs -gt 0

# Misaligned write with corruption on, then a clean aligned read-back.
sgblk-ctl biogen --disk sgblk0 --source user --iovec-layout 4096@512 --op write \
	--offset 4096 --len 1M --seed 78 >/dev/null || { echo 0 >"$K"; fail "misaligned write"; }
echo 0 >"$K"
if sgblk-ctl biogen --disk sgblk0 --source vmalloc --op read --offset 4096 \
	--len 1M --seed 78 --verify >/tmp/w.out 2>&1; then
	cat /tmp/w.out
	fail "data corrupted on the way in passed verify"
fi
grep -q 'blocks differ' /tmp/w.out || { cat /tmp/w.out; fail "expected a verify failure"; }
note "caught: $(grep -m1 'blocks differ' /tmp/w.out)"

# With the knob off again the same misaligned path is clean.
sgblk-ctl biogen --disk sgblk0 --source user --iovec-layout scatter --op read \
	--len 1M --seed 77 --verify >/tmp/c.out 2>&1 || { cat /tmp/c.out; fail "clean read"; }
for c in rule_violations own_violations map_errors engine_faults errors; do
	expect_stat $c -eq 0
done
sgblk_unload
