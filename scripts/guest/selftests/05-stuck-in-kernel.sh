# Watchdog self-test: a direct read whose request sgblk drops, under an
# io_timeout of ten minutes, holds dd in the kernel (D state) past any
# SIGKILL: the runner must report it and stop the run.
. /sgblk/guest/lib.sh
sgblk_load capacity_mb=4
echo 600000 >/sys/block/sgblk0/queue/io_timeout || fail "io_timeout"
echo 1 >"$DBG/sgblk0/drop_request_every" || fail "drop_request_every"
dd if=/dev/sgblk0 of=/dev/null bs=4k count=1 iflag=direct
