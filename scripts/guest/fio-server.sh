#!/bin/sh
# A guest as a fio server (scripts/vm --fio-server): bring up virtio-net with
# QEMU user networking's defaults (10.0.2.15/24), start `fio --server` on
# port 8765 and wait until a job runs `fleet-ctl.sh stop` (scripts/fleet
# sends it), then stop the server so /init ships /out and powers off.
# The jobs the host sends run here as root: they load the devices and write
# counters under /out/bench (scripts/guest/fleet-ctl.sh).
. /sgblk/guest/lib.sh

modprobe virtio_net || fail "modprobe virtio_net"
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
ip link set lo up
ip link set eth0 up || fail "no eth0"
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
mkdir -p /out/bench


# exec_prerun/postrun output lands in the server's working directory: in
# /out, so that it comes back with the results.
mkdir -p /out/fio-server
cd /out/fio-server || fail "cd"
fio --server=,8765 >/tmp/fio-server.log 2>&1 &
spid=$!
sleep 0.5
kill -0 $spid 2>/dev/null || { cat /tmp/fio-server.log; fail "fio --server did not start"; }
echo "fio-server: listening on 8765 ($(fio --version))"
while [ ! -e /tmp/fleet-stop ]; do
	kill -0 $spid 2>/dev/null || { cat /tmp/fio-server.log; fail "fio --server exited"; }
	sleep 0.2
done
# Let the stop job's reply reach the client before the server goes.
sleep 1
kill $spid 2>/dev/null
wait $spid 2>/dev/null
echo "fio-server: stopped"
exit 0
