# map=iter where the kernel lacks the block layer's DMA iterator (6.1,
# 6.12): the module parameter, the configfs attribute and the debugfs switch
# all refuse it with a message naming the missing kernel feature, and
# nothing changes: no module loaded, the attribute and the live disk stay
# at sg, and I/O still verifies.  On 7.x the same three must take it, and
# the disk must then say map: iter.  A name that is no path is refused on
# every kernel.
. /sgblk/guest/lib.sh

CFS=/sys/kernel/config/sgblk
WHY='lacks'

# logged SINCE PATTERN: the kernel log after line SINCE matches PATTERN.
logged() {
	dmesg | tail -n +$(($1 + 1)) | grep -q "$2"
}

checks=0
k0=$(dmesg | wc -l)
insmod "$SGBLK_KO" map=bogus 2>/dev/null && fail "insmod took map=bogus"
logged "$k0" "map 'bogus': must be sg or iter" || fail "no message for map=bogus"
checks=$((checks + 1))

k0=$(dmesg | wc -l)
if map_iter_expected; then
	sgblk_load capacity_mb=16 map=iter
	[ "$(cat "$DBG/sgblk0/map")" = iter ] || fail "loaded with map=iter, map reads $(cat "$DBG/sgblk0/map")"
	[ "$(sed -n 's/^map: //p' "$DBG/sgblk0/dma")" = iter ] || fail "dma file: $(cat "$DBG/sgblk0/dma")"
	fio_verify /dev/sgblk0 --rw=randrw --bs=64k --size=4M || fail "verify with map=iter"
	expect_clean
	set_map sg
	set_map iter
	checks=$((checks + 3))
	sgblk_unload
else
	insmod "$SGBLK_KO" map=iter 2>/dev/null && fail "insmod took map=iter on $KVER"
	logged "$k0" "map=iter needs .*$WHY" || fail "no message naming the missing feature"
	grep -q '^sgblk ' /proc/modules && fail "module left loaded"
	[ -e /dev/sgblk0 ] && fail "/dev/sgblk0 left behind"
	note "$(dmesg | tail -n +$((k0 + 1)) | grep 'map=iter' | head -n1)"
	checks=$((checks + 1))

	sgblk_load capacity_mb=16
	[ "$(cat "$DBG/sgblk0/map")" = sg ] || fail "default map is not sg"
	k0=$(dmesg | wc -l)
	echo iter 2>/tmp/err >"$DBG/sgblk0/map" && fail "debugfs took map=iter on $KVER"
	grep -q 'not supported' /tmp/err || fail "debugfs refusal is not EOPNOTSUPP: $(cat /tmp/err)"
	logged "$k0" "map=iter needs .*$WHY" || fail "no message for the debugfs write"
	[ "$(cat "$DBG/sgblk0/map")" = sg ] || fail "map changed by a refused write"
	[ "$(sed -n 's/^map: //p' "$DBG/sgblk0/dma")" = sg ] || fail "dma file's map: changed"
	fio_verify /dev/sgblk0 --rw=randrw --bs=64k --size=4M || fail "verify after the refusal"
	expect_clean
	checks=$((checks + 2))
	sgblk_unload
fi

# configfs: refused (or taken) before power; a taken value must reach the disk.
sgblk_load capacity_mb=16
mkdir "$CFS/m" || fail "mkdir"
[ "$(cat "$CFS/m/map")" = sg ] || fail "configfs default map is not sg"
echo bogus 2>/dev/null >"$CFS/m/map" && fail "configfs took map=bogus"
k0=$(dmesg | wc -l)
if map_iter_expected; then
	echo iter >"$CFS/m/map" || fail "configfs refused map=iter on $KVER"
	echo 16 >"$CFS/m/capacity_mb"
	echo 1 >"$CFS/m/power" || fail "power on with map=iter"
	d=$(cat "$CFS/m/disk")
	wait_node "/dev/$d"
	[ "$(sed -n 's/^map: //p' "$DBG/$d/dma")" = iter ] || fail "$d does not map with iter"
	echo sg >"$CFS/m/map" 2>/dev/null && fail "configfs changed map while powered on"
	echo sg >"$DBG/$d/map" || fail "debugfs switch of a configfs disk"
	[ "$(cat "$CFS/m/map")" = sg ] || fail "configfs map does not follow the live disk"
	echo 0 >"$CFS/m/power"
else
	echo iter 2>/tmp/err >"$CFS/m/map" && fail "configfs took map=iter on $KVER"
	grep -q 'not supported' /tmp/err || fail "configfs refusal is not EOPNOTSUPP: $(cat /tmp/err)"
	logged "$k0" "map=iter needs .*$WHY" || fail "no message for the configfs write"
	[ "$(cat "$CFS/m/map")" = sg ] || fail "configfs map changed by a refused write"
fi
checks=$((checks + 2))
rmdir "$CFS/m"
sgblk_unload
note "$KVER: $checks checks, map=iter $(map_iter_expected && echo taken || echo refused)"
