#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Teardown under load: N cycles (default 100; first argument or
# SST_TEARDOWN_CYCLES) of: create devices, start storms on every CPU, then
# at a random moment destroy a device, rmmod the module, or stop the run.
# After each cycle: no splat in the kernel log, kmemleak clean (where the
# kernel has it), no storm thread left, the bounce pool's use back to its
# baseline. Needs SST_MODULE (the .ko) to load the module again.
#
# SST_TEARDOWN_SCAN_EVERY=K scans kmemleak every K cycles (default 1) and
# always after the last; kmemleak reports only objects older than 5 s, so
# the last scan waits that long.

# shellcheck disable=SC2034 # read by functions.sh
SST_TEST_NAME=teardown_test
. "$(dirname "$0")/functions.sh"

cycles=${1:-${SST_TEARDOWN_CYCLES:-100}}
scan_every=${SST_TEARDOWN_SCAN_EVERY:-1}
max_ms=${SST_TEARDOWN_MAX_MS:-1500}
# The runner's list (tools/lib/findings.sh SST_SPLAT_RE) unless given.
splat_re=${SST_SPLAT_RE:-'BUG:|Oops|WARNING:|general protection|Kernel panic|UBSAN:|suspected memory leak|possible recursive locking|circular locking|INFO: task .* blocked|scheduling while atomic|DMA-API: .*device driver'}

sst_require
[ -n "${SST_MODULE:-}" ] && [ -f "$SST_MODULE" ] ||
	ktap_skip_all "SST_MODULE (path of the .ko) not given: an rmmod cycle could not load it again"
case $cycles in
'' | *[!0-9]*) ktap_skip_all "cycles must be a number, not '$cycles'" ;;
esac

ktap_header
ktap_plan 6
ncpu=$(grep -c ^processor /proc/cpuinfo)
kml=$SST_DEBUGFS/kmemleak
[ -e "$kml" ] || kml=
if [ -n "$kml" ]; then
	ktap_print "$cycles cycles, $ncpu CPUs, kmemleak scan every $scan_every cycle(s)"
else
	ktap_print "$cycles cycles, $ncpu CPUs, no kmemleak in this kernel"
fi
# Seconds since boot, to 10 ms.
now_cs() { sed 's/ .*//; s/\.//' /proc/uptime; }

# A random number in 0..$1-1, from the kernel.
rnd() { echo $(( $(od -An -N2 -tu2 /dev/urandom) % $1 )); }
splats() { dmesg | grep -cE "$splat_re"; }
storm_threads() { ps 2>/dev/null | grep -c '[[]sstress/'; }
kmemleak_report() {
	[ -n "$kml" ] || return 0
	echo scan > "$kml"
	r=$(cat "$kml")
	echo clear > "$kml"
	[ -z "$r" ] && return 0
	printf '%s\n' "$r" | head -n 30 | sed 's/^/# kmemleak: /'
	return 1
}

base=$(sst_pool used)
nsplat=$(splats)
# Old leaks (boot, earlier tests) are not this test's.
[ -z "$kml" ] || { echo scan > "$kml"; echo clear > "$kml"; }

bad_action=0 bad_splat=0 bad_leak=0 bad_pool=0 bad_threads=0
n_destroy=0 n_rmmod=0 n_stop=0 done_cycles=0
profiles="nvme legacy sas custom"
i=0
while [ $i -lt "$cycles" ]; do
	i=$((i + 1))
	c0=$(now_cs)
	why=$(sst_load_module) || { bad_action=$((bad_action + 1)); ktap_print "cycle $i: module does not load: $why"; break; }
	devs="td_a td_b"
	for d in $devs; do
		p=$(echo $profiles | cut -d' ' -f$(( $(rnd 4) + 1 )))
		sst_new_device "$d" "profile=$p" || { ktap_print "cycle $i: new_device $d profile=$p failed"; bad_action=$((bad_action + 1)); }
	done
	# Every CPU busy: td_a has one pinned thread per CPU, td_b one more
	# thread wherever the scheduler puts it (more would starve this
	# shell under TCG and gain nothing).
	for d in $devs; do
		case $(rnd 3) in
		0) spec="op=map_sg segs=4 size_min=512 size_max=16384 live=8" ;;
		# One coherent buffer at a time: live= is refused there.
		1) spec="op=alloc_coherent size_min=4096 size_max=65536" ;;
		*) spec="op=map_single size_min=1 size_max=65536 offset=random live=8" ;;
		esac
		if [ "$d" = td_a ]; then thr="threads=$ncpu pin=1"; else thr="threads=1"; fi
		sst_start "$d" "$spec $thr duration_ms=600000" ||
			{ ktap_print "cycle $i: run on $d refused: $spec"; bad_action=$((bad_action + 1)); }
	done
	ms=$(rnd "$max_ms")
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	action=$(rnd 3)
	case $action in
	0)
		# Destroy: a running device refuses; stop and delete race.
		n_destroy=$((n_destroy + 1))
		victim=td_a
		if sst_del_device $victim; then
			ktap_print "cycle $i: del_device of a running device succeeded"
			bad_action=$((bad_action + 1))
		fi
		sst_stop $victim &
		n=0
		until sst_del_device $victim; do
			n=$((n + 1))
			[ $n -lt 500 ] || { ktap_print "cycle $i: $victim cannot be deleted after stop"; bad_action=$((bad_action + 1)); break; }
		done
		wait
		[ ! -d "$SST_DIR/devices/$victim" ] || { ktap_print "cycle $i: $victim still listed"; bad_action=$((bad_action + 1)); }
		if ! sst_stop td_b || ! sst_del_device td_b; then
			ktap_print "cycle $i: td_b stop/delete failed"
			bad_action=$((bad_action + 1))
		fi
		;;
	1)
		n_rmmod=$((n_rmmod + 1))
		if ! out=$(rmmod swiotlb_stress 2>&1) || [ -d "$SST_DIR" ]; then
			ktap_print "cycle $i: rmmod during storms failed: $out"
			bad_action=$((bad_action + 1))
		fi
		;;
	*)
		n_stop=$((n_stop + 1))
		for d in $devs; do
			sst_stop "$d" || { ktap_print "cycle $i: stop $d failed"; bad_action=$((bad_action + 1)); }
			st=$(sst_key "$(sst_dev_file "$d" stats)" state)
			case $st in
			stopped | done) ;;
			*) ktap_print "cycle $i: $d state '$st' after stop"; bad_action=$((bad_action + 1)) ;;
			esac
			sst_del_device "$d" || { ktap_print "cycle $i: del_device $d after stop failed"; bad_action=$((bad_action + 1)); }
		done
		;;
	esac

	n=$(storm_threads)
	[ "$n" = 0 ] || { ktap_print "cycle $i: $n storm threads left"; bad_threads=$((bad_threads + 1)); }
	used=$(sst_pool_settle "$base")
	[ "$used" = "$base" ] || { ktap_print "cycle $i: pool use $used, baseline $base"; bad_pool=$((bad_pool + 1)); }
	now=$(splats)
	if [ "$now" != "$nsplat" ]; then
		ktap_print "cycle $i: $((now - nsplat)) new splat line(s):"
		dmesg | grep -E "$splat_re" | tail -n $((now - nsplat)) | head -n 5 | sed 's/^/#   /'
		bad_splat=$((bad_splat + 1))
		nsplat=$now
	fi
	c1=$(now_cs)
	if [ -n "$kml" ] && [ $((i % scan_every)) = 0 ]; then
		kmemleak_report || { ktap_print "cycle $i: kmemleak reports the above"; bad_leak=$((bad_leak + 1)); }
	fi
	c2=$(now_cs)
	ktap_print "cycle $i: $(echo "destroy rmmod stop" | cut -d' ' -f$((action + 1))) after $ms ms; cycle $(( (c1 - c0) / 100 )).$(( (c1 - c0) % 100 / 10 )) s, kmemleak scan $(( (c2 - c1) / 100 )) s"
	done_cycles=$i
done

# Leaks younger than kmemleak's 5 s minimum age show only now.
why=$(sst_load_module) || bad_action=$((bad_action + 1))
if [ -n "$kml" ]; then
	sleep 6
	kmemleak_report || { ktap_print "after the last cycle: kmemleak reports the above"; bad_leak=$((bad_leak + 1)); }
fi

ktap_print "figures: teardown_cycles=$done_cycles teardown_destroy=$n_destroy teardown_rmmod=$n_rmmod teardown_stop=$n_stop"
name="$done_cycles of $cycles cycles ($n_destroy destroy, $n_rmmod rmmod, $n_stop stop under storms on $ncpu CPUs)"
if [ "$bad_action" = 0 ] && [ "$done_cycles" = "$cycles" ]; then
	ktap_result pass "$name: every teardown did what it should"
else
	ktap_result fail "$name: every teardown did what it should" "$bad_action failed steps"
fi
if [ "$bad_threads" = 0 ]; then
	ktap_result pass "no storm thread outlives its teardown"
else
	ktap_result fail "no storm thread outlives its teardown" "$bad_threads cycles left threads"
fi
if [ "$bad_splat" = 0 ]; then
	ktap_result pass "no splat in the kernel log in any cycle"
else
	ktap_result fail "no splat in the kernel log in any cycle" "$bad_splat cycles"
fi
if [ -z "$kml" ]; then
	ktap_result skip "kmemleak clean after every cycle" "no kmemleak in this kernel (CONFIG_DEBUG_KMEMLEAK)"
elif [ "$bad_leak" = 0 ]; then
	ktap_result pass "kmemleak clean after every cycle (scanned every $scan_every)"
else
	ktap_result fail "kmemleak clean after every cycle" "$bad_leak scans reported leaks"
fi
if [ -z "$base" ]; then
	ktap_result skip "bounce pool use back to its baseline after every cycle" "no /sys/kernel/debug/swiotlb/io_tlb_used"
elif [ "$bad_pool" = 0 ]; then
	ktap_result pass "bounce pool use back to its baseline ($base) after every cycle"
else
	ktap_result fail "bounce pool use back to its baseline ($base) after every cycle" "$bad_pool cycles"
fi
if [ -d "$SST_DIR" ] && [ -z "$(ls "$SST_DIR/devices")" ]; then
	ktap_result pass "module loaded again, no device left over"
else
	ktap_result fail "module loaded again, no device left over" "$(ls "$SST_DIR/devices" 2>&1 | head -n 3 | paste -sd ' ')"
fi
ktap_finish
