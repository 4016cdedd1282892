# Harness self-check: the same verify job passes on the kernel's brd.
. /sgblk/guest/lib.sh

brd_load
fio_verify /dev/ram0 --size=64M || fail "fio verify on brd"
