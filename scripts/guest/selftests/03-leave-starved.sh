# Runner self-test: a test that fails with a fault knob set and its I/O
# starved behind it (every bounce allocation fails) leaves fio running and
# the disk open.  The runner's cleanup must clear the knob, end fio and
# unload the module, or test 04 cannot load it.
. /sgblk/guest/lib.sh
sgblk_load capacity_mb=64
set_profile align-4k
echo 1 >"$DBG/sgblk0/fail_pool_every" || fail "fail_pool_every"
fio --name=w --filename=/dev/sgblk0 --direct=1 --rw=write --bs=64k \
	--mem_align=512 --size=4M >/dev/null 2>&1 &
sleep 2
fail "a starved fio left behind, on purpose"
