# Runner self-test: after test 03's failure the module loads again and a
# disk verifies.
. /sgblk/guest/lib.sh
sgblk_load capacity_mb=64
fio_verify /dev/sgblk0 --rw=randrw --bs=4k --size=4M || fail "verify"
sgblk_unload
