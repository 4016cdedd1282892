# The bio builder refuses bad requests with a precise errno and submits
# nothing; only CAP_SYS_ADMIN may use it; no pin or vmalloc buffer leaks,
# including on the failure paths (a pin that fails half way, a bad iovec).
. /sgblk/guest/lib.sh

# expect_errno NAME ARGS...: sgblk-ctl biogen fails with exit 1 and errno NAME.
expect_errno() {
	want=$1
	shift
	if sgblk-ctl biogen --disk sgblk0 "$@" >/tmp/e.out 2>&1; then
		cat /tmp/e.out
		fail "biogen $* succeeded, expected $want"
	else
		rc=$?
	fi
	[ "$rc" -eq 1 ] || { cat /tmp/e.out; fail "biogen $*: exit $rc, expected 1 ($want)"; }
	grep -q "($want)" /tmp/e.out || { cat /tmp/e.out; fail "biogen $*: expected $want"; }
	note "$want: $*"
}
ok() {
	sgblk-ctl biogen --disk sgblk0 "$@" >/tmp/e.out 2>&1 ||
		{ cat /tmp/e.out; fail "biogen $* failed"; }
}

sgblk_load capacity_mb=64
pin0=$(pins_held)
echo 0 >"$DBG/sgblk0/stats"

# Unknown disk.
expect_errno ENODEV --disk sgblk7 --len 4k
expect_errno ENODEV --disk 9 --len 4k
expect_errno ENODEV --disk nosuchdisk --len 4k
# Lengths: zero, not whole blocks, over the caps.
expect_errno EINVAL --len 0
expect_errno EINVAL --len 1000
expect_errno EINVAL --bio-size 0
expect_errno EINVAL --bio-size 1000
expect_errno E2BIG --len 65M
expect_errno E2BIG --bio-size 8M
expect_errno E2BIG --source kmalloc --len 8M
# Past the end (64 MiB = 131072 sectors), and straddling it.
expect_errno EINVAL --offset 131072 --len 4k
expect_errno EINVAL --offset 131064 --len 8k
expect_errno EINVAL --offset 18446744073709551615 --len 4k
# Counts.
expect_errno EINVAL --inflight 0
expect_errno EINVAL --inflight 257
expect_errno EINVAL --repeat 0
expect_errno EINVAL --buf-offset 4096
# Struct hygiene: reserved, size, flags, enums.
expect_errno EINVAL --fault reserved
expect_errno EINVAL --fault size=16
expect_errno EINVAL --fault size=8192
expect_errno E2BIG --fault tail
expect_errno EINVAL --fault flags=0x80
expect_errno EINVAL --fault op=7
expect_errno EINVAL --fault source=9
expect_errno EINVAL --fault index=-2
# User iovecs: NULL and unmapped arrays or buffers, too many, bad sums.
expect_errno EFAULT --source user --fault null-iov --len 4k
expect_errno EFAULT --source user --fault unmapped-iov --len 4k
expect_errno EFAULT --source user --iovec-layout scatter --len 28k --fault unmapped-buf
expect_errno EFAULT --source user --iovec-layout scatter --len 28k --op read --fault readonly-buf
expect_errno E2BIG --source user --iovec-layout tiny --len 1M
expect_errno EINVAL --source user --len 4k --fault iovcnt=0
expect_errno EINVAL --source user --iovec-layout 4096@0 --len 8k --fault len=4096
expect_errno EINVAL --source user --iovec-layout 4096@0 --len 8k --fault len=16384
expect_errno EINVAL --source user --len 4k --buf-offset 8
expect_errno EINVAL --source vmalloc --len 4k --fault iovcnt=1
# A bio that would need more than 256 bio_vecs.
expect_errno EINVAL --source user --iovec-layout tiny --len 256k --bio-size 256k
expect_stat requests -eq 0
expect_stat other_requests -eq 0
note "nothing was submitted by any refused request"

# The legal neighbours of those cases work.
ok --len 64M --bio-size 1M --source vmalloc
ok --source kmalloc --len 4M --op write
ok --offset 131064 --len 4k
ok --fault size=256
ok --source user --iovec-layout scatter --len 28k --op write --fault readonly-buf
ok --source user --iovec-layout tiny --len 128k --bio-size 128k

# Permissions: the node is 0600 root (EACCES); past it, CAP_SYS_ADMIN (EPERM).
mode=$(stat -c %a /dev/sgblk-ctl)
[ "$mode" = 600 ] || fail "/dev/sgblk-ctl mode $mode, expected 600"
su -s /bin/sh sgtest -c "sgblk-ctl biogen --disk sgblk0 --len 4k" >/tmp/p.out 2>&1 &&
	fail "non-root opened /dev/sgblk-ctl"
grep -q '(EACCES)' /tmp/p.out || { cat /tmp/p.out; fail "non-root: expected EACCES"; }
chmod 666 /dev/sgblk-ctl
su -s /bin/sh sgtest -c "sgblk-ctl biogen --disk sgblk0 --len 4k" >/tmp/p.out 2>&1
rc=$?
chmod 600 /dev/sgblk-ctl
[ $rc -ne 0 ] || fail "non-root ran the bio builder"
grep -q '(EPERM)' /tmp/p.out || { cat /tmp/p.out; fail "non-root: expected EPERM"; }
note "non-root: EACCES at open, EPERM at the ioctl"

# A fatal signal stops submission: bios in flight complete, pins come back.
echo 0 >"$DBG/sgblk0/stats"
sgblk-ctl biogen --disk sgblk0 --source user --iovec-layout scatter --op read \
	--len 4M --repeat 100000 >/dev/null 2>&1 &
pid=$!
sleep 2
kill -9 $pid
wait $pid
rc=$?
[ $rc -eq 137 ] || fail "killed job: exit $rc, expected 137 (SIGKILL)"
expect_stat requests -gt 0
expect_stat errors -eq 0
note "killed a running job after $(sgblk_stat requests) requests"

# A 4096-byte logical block disk: lengths, bio sizes and offsets in 4 KiB.
sgblk_unload
sgblk_load capacity_mb=16 bs=4096
pick_layouts
expect_errno EINVAL --len 512
expect_errno EINVAL --len 8k --bio-size 512
expect_errno EINVAL --offset 1 --len 4k
# Odd iovecs are fine as long as each bio is whole blocks.
ok --source user --iovec-layout "$ODD" --op write --len 64k --bio-size 8k --seed 5
ok --source vmalloc --op read --len 64k --seed 5 --verify
ok --source user --iovec-layout "$SUBPAGE" --op read --len 64k --seed 5 --verify

pin1=$(pins_held)
[ "$pin1" = "$pin0" ] || fail "pinned pages: $pin0 at start, $pin1 now"
v=$(grep -c -E 'sgblk_(bg|biogen)' /proc/vmallocinfo)
[ "$v" = 0 ] || fail "$v bio builder vmalloc areas left"
note "pins held: $pin1 (start $pin0) after $(pins_acquired) pins; bio builder vmalloc areas: 0"
sgblk_unload
