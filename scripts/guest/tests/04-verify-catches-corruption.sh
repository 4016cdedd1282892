# Negative control for the harness: data overwritten behind fio's back must
# make fio's verification fail, so a passing verify means something.
. /sgblk/guest/lib.sh

brd_load
fio --name=w --filename=/dev/ram0 --direct=1 --rw=write --bs=4k --size=8M \
	--verify=crc32c --do_verify=0 >/tmp/w.out 2>&1 || fail "write pass"
dd if=/dev/zero of=/dev/ram0 bs=4096 seek=100 count=1 conv=notrunc 2>/dev/null
if fio --name=w --filename=/dev/ram0 --direct=1 --rw=write --bs=4k --size=8M \
	--verify=crc32c --verify_only=1 >/tmp/v.out 2>&1; then
	cat /tmp/v.out
	fail "verify passed on corrupted data"
fi
grep -qi 'verify' /tmp/v.out || fail "fio failed, but not on verification"
note "fio caught the corruption: $(grep -i -m1 'verify' /tmp/v.out)"
