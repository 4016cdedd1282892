# fio writes a crc32c-tagged pattern to sgblk0 and reads it back verified.
. /sgblk/guest/lib.sh

sgblk_load capacity_mb=128
fio_verify /dev/sgblk0 --size=64M --bs=4k || fail "fio verify 4k"
fio_verify /dev/sgblk0 --size=64M --bs=128k --rw=write || fail "fio verify 128k"
sgblk_unload
