# Profiles switched every 0.2 s while fio verify runs: the queue is frozen
# for each switch, so no I/O is lost or failed and the data stays intact.
. /sgblk/guest/lib.sh

sgblk_load capacity_mb=64
(
	i=0
	while [ ! -e /tmp/flip.stop ]; do
		for p in boundary-1k align-4k none dma28 desc-4 page; do
			echo "$p" >"$DBG/sgblk0/profile" || echo "flip to $p failed" >>/tmp/flip.err
			i=$((i + 1))
			sleep 0.2
		done
	done
	echo "$i" >/tmp/flip.count
) &
flipper=$!
# shellcheck disable=SC2046
fio_verify /dev/sgblk0 --rw=randrw $(workload_opts misaligned) --size=32M
rc=$?
touch /tmp/flip.stop
wait $flipper
[ $rc -eq 0 ] || fail "fio verify failed while profiles flipped"
[ -s /tmp/flip.err ] && fail "$(cat /tmp/flip.err)"
n=$(cat /tmp/flip.count)
[ "$n" -ge 6 ] || fail "only $n profile switches happened"
note "$n profile switches during the run"
expect_clean
sgblk_unload
