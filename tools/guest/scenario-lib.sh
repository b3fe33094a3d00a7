#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for scenarios (scenarios/*.sh), run in the guest or on a test
# machine by tools/guest/main.sh. A scenario creates devices, runs storms
# and hands each device's verdicts back; this file turns them into lines
# the host runner reads, on stdout (the results channel or the console:
# main.sh):
#
#   SST-RESULT <scenario> <check> <pass|fail|skip> <reason>
#   SST-BEGIN file:<scenario>:<device>.<config|stats> ... SST-END ...
#
# Scenarios stay declarative: what devices, what storm, what they expect.

. "${SST_LIB:-/sst/selftests}/functions.sh"

scn_result() { # CHECK VERDICT REASON
	echo "SST-RESULT $SST_SCENARIO $1 $2 $3"
}

scn_section() { # NAME (text on stdin)
	echo "SST-BEGIN file:$SST_SCENARIO:$1"
	cat
	echo "SST-END file:$SST_SCENARIO:$1"
}

# scn_device NAME NEW_DEVICE_ARGS: creates it and records its config.
scn_device() {
	if ! sst_new_device "$1" "$2"; then
		scn_result "$1.create" fail "new_device '$2' refused: $(dmesg | grep swiotlb_stress | tail -n 1)"
		return 1
	fi
	sst_dev_file "$1" config | scn_section "$1.config"
}

# scn_storm NAME SPEC [TIMEOUT_S]: runs a storm to its end, records stats,
# reports every check the module gave a verdict for, and checks that the
# bounce pool's use came back to where it was (the kernel's own counter).
scn_storm() {
	scn_storms "${3:-600}" "$1" "$2"
}

# scn_pool_dir NAME: the debugfs directory (under $SST_DEBUGFS) of the pool
# NAME bounces through: a restricted pool keeps its own counters, in
# swiotlb/<its reserved-memory node's name> (rmem_swiotlb_device_init()).
scn_pool_dir() {
	cfg=$(sst_dev_file "$1" config)
	case $(sst_key "$cfg" pool) in
	restricted*) echo "swiotlb/$(sst_key "$cfg" rpool_node)" ;;
	*) echo swiotlb ;;
	esac
}

# scn_storms TIMEOUT_S NAME SPEC [NAME SPEC]...: storms on several devices
# at once (one run per device), then the same reports as scn_storm for
# each; the pool check is made once all of them ended, once per pool they
# bounce through (named after the first device using it).
scn_storms() {
	tmo=$1
	shift
	# pools: "DIR,DEVICE,BASELINE" words ("-" for no baseline).
	pools='' odd=1
	for a in "$@"; do
		[ $odd = 1 ] || { odd=1; continue; }
		odd=0
		dir=$(scn_pool_dir "$a")
		case " $pools" in *" $dir,"*) continue ;; esac
		b=$(sst_pool used "$dir")
		pools="$pools $dir,$a,${b:--}"
		[ -z "$(sst_pool used_hiwater "$dir")" ] || echo 0 > "$SST_DEBUGFS/$dir/io_tlb_used_hiwater"
	done
	started=
	while [ $# -ge 2 ]; do
		# Names the storm, so a guest that dies in it can be told by it.
		echo "SST-STORM $SST_SCENARIO $1 $2"
		sst_note "storm $SST_SCENARIO $1 $2"
		if ! sst_start "$1" "$2"; then
			scn_result "$1.start" fail "run '$2' refused: $(dmesg | grep swiotlb_stress | tail -n 1)"
			for d in $started; do sst_stop "$d"; sst_wait "$d" 10; done
			return 1
		fi
		started="$started $1"
		shift 2
	done
	hung=
	for d in $started; do
		if ! sst_wait "$d" "$tmo"; then
			# A thread stuck in the kernel cannot be stopped: leave
			# it, and let the report (check_hang) say where it is.
			hung=1
			scn_result "$d.storm" fail "storm did not end within $tmo s"
		fi
	done
	for d in $started; do
		st=$(sst_dev_file "$d" stats)
		printf '%s\n' "$st" | scn_section "$d.stats"
		printf '%s\n' "$st" | sed -nE 's/^check_([a-z_]*): (pass|fail|skip)$/\1 \2/p' |
		while read -r check verdict; do
			scn_result "$d.$check" "$verdict" "$(sst_key "$st" "check_${check}_reason")"
		done
	done
	[ -z "$hung" ] || return 1
	for p in $pools; do
		dir=${p%%,*} b=${p##*,}
		dev=${p#"$dir",} dev=${dev%,"$b"}
		[ "$b" != - ] || b=
		scn_pool_check "$dev" "$b" "$dir"
	done
}

# scn_pool_check NAME BASELINE [DIR]: the use of the pool whose counters are
# in DIR (scn_pool_dir; the default pool's if not given) is back to BASELINE.
scn_pool_check() {
	if [ -z "$2" ]; then
		scn_result "$1.pool" skip "the kernel exposes no /sys/kernel/debug/${3:-swiotlb}/io_tlb_used"
		return
	fi
	after=$(sst_pool_settle "$2" "$3")
	peak=$(sst_pool used_hiwater "$3")
	case ${3:-swiotlb} in
	swiotlb) what=pool ;;
	*) what="restricted pool ${3#swiotlb/}" ;;
	esac
	info="$what of $(sst_pool nslabs "$3") slots, in use $2 before and $after after the storm${peak:+, peak $peak}"
	if [ "$after" = "$2" ]; then
		scn_result "$1.pool" pass "$info"
	else
		scn_result "$1.pool" fail "slots not returned: $info"
	fi
}

# scn_expect_refused NAME NEW_DEVICE_ARGS PATTERN WHAT: new_device must
# refuse NAME (WHAT says what it is), with a reason in the module's
# "rejected:" line that matches PATTERN (a shell pattern).
scn_expect_refused() {
	if sst_new_device "$1" "$2" 2>/dev/null; then
		scn_result "$1.refused" fail "$4 was accepted"
		sst_del_device "$1"
		return
	fi
	why=$(dmesg | grep 'rejected: new_device' | tail -n 1 | sed 's/.*rejected: //')
	case $why in
	$3) scn_result "$1.refused" pass "$why" ;;
	*) scn_result "$1.refused" fail "refused for another reason: $why" ;;
	esac
}

# scn_expect_key NAME FILE KEY PATTERN WHY: a scenario-level expectation on
# a report value (a shell pattern), reported as its own check.
scn_expect_key() {
	got=$(sst_key "$(sst_dev_file "$1" "$2")" "$3")
	case $got in
	$4) scn_result "$1.$3" pass "$5: $got" ;;
	*) scn_result "$1.$3" fail "$5: got '$got', want '$4'" ;;
	esac
}

# scn_expect_domain NAME WANT WHY: the device's IOMMU domain is WANT
# (dma-strict or dma-lazy). Before 5.15 a DMA domain has no flush-mode type
# (the module says "dma"): the mode cannot be confirmed, so that one key
# skips and the rest of the scenario runs through the IOMMU all the same.
scn_expect_domain() {
	got=$(sst_key "$(sst_dev_file "$1" config)" iommu_domain)
	if [ "$got" = dma ] && [ "$2" != dma ]; then
		scn_result "$1.iommu_domain" skip "$3: a DMA domain, but this kernel's domains carry no strict/lazy type (IOMMU_DOMAIN_DMA_FQ is 5.15+; the flush mode is the IOMMU driver's own), so '$2' cannot be confirmed"
		return 0
	fi
	scn_expect_key "$1" config iommu_domain "$2" "$3"
}

# scn_expect_pool_full NAME WHY: the last storm ran the pool dry, and the
# refusals were classified pool_full. A kernel whose pool grows on demand
# (CONFIG_SWIOTLB_DYNAMIC) promises instead to serve from transient pools:
# there, transient slots in use are the answer, refusals not required.
scn_expect_pool_full() {
	st=$(sst_dev_file "$1" stats)
	full=$(sst_key "$st" map_errors_pool_full)
	case $(sst_key "$st" pool_can_grow) in
	yes*)
		tr=$(sst_key "$st" pool_transient_peak)
		case $full:$tr in
		[1-9]*:*) scn_result "$1.map_errors_pool_full" pass "$2 (a pool that can grow still refused): $full" ;;
		*:[1-9]*) scn_result "$1.map_errors_pool_full" pass "the pool ran out and grew instead of refusing, as CONFIG_SWIOTLB_DYNAMIC promises: up to $tr slots in transient pools, $full refusals" ;;
		*:0) scn_result "$1.map_errors_pool_full" fail "the pool can grow, but the storm neither filled it (0 slots in transient pools) nor was refused: it did not run the pool dry" ;;
		*) scn_result "$1.map_errors_pool_full" skip "the pool can grow (CONFIG_SWIOTLB_DYNAMIC) and this kernel keeps no transient-pool count a module can read, so running it dry cannot be seen" ;;
		esac ;;
	*)
		case $full in
		[1-9]*) scn_result "$1.map_errors_pool_full" pass "$2: $full" ;;
		*) scn_result "$1.map_errors_pool_full" fail "$2: got '$full', want '[1-9]*'" ;;
		esac ;;
	esac
}

# scn_expect_mapped NAME PATTERN WHY: how many maps of the last storm
# succeeded (maps counts attempts) matches PATTERN.
scn_expect_mapped() {
	st=$(sst_dev_file "$1" stats)
	got=$(( $(sst_key "$st" maps) - $(sst_key "$st" map_errors) ))
	case $got in
	$2) scn_result "$1.mapped" pass "$3: $got" ;;
	*) scn_result "$1.mapped" fail "$3: got $got, want '$2'" ;;
	esac
}

# scn_agree FAKE EDU [CHECK...]: the cross-check between backends. FAKE (a
# fake device, CPU backend) and EDU (an edu device) ran the same storm; a
# check both gave a verdict (pass or fail) must have the same one, else
# the harness itself is wrong. Default checks: the data-path ones.
scn_agree() {
	fk=$1 ed=$2
	shift 2
	[ $# -gt 0 ] || set -- data stale sync_for_device offset
	fst=$(sst_dev_file "$fk" stats)
	est=$(sst_dev_file "$ed" stats)
	for ck in "$@"; do
		fv=$(sst_key "$fst" "check_$ck")
		ev=$(sst_key "$est" "check_$ck")
		case "$fv $ev" in
		"pass pass" | "fail fail")
			scn_result "agree.$ck" pass "$fk (cpu) and $ed (edu) both $fv" ;;
		"pass fail" | "fail pass")
			scn_result "agree.$ck" fail "harness fault: $fk (cpu backend) says $fv, $ed (edu backend) says $ev" ;;
		*)
			scn_result "agree.$ck" skip "not comparable: $fk says '${fv:-none}', $ed says '${ev:-none}'" ;;
		esac
	done
}

# scn_have_edu: there is an edu PCI device (1234:11e8) in this machine.
scn_have_edu() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor" 2>/dev/null):$(cat "$d/device" 2>/dev/null)" = 0x1234:0x11e8 ] &&
			return 0
	done
	return 1
}

# scn_need_edu NAME: true with an edu device; else reports NAME skipped.
scn_need_edu() {
	scn_have_edu && return 0
	scn_result "$1.create" skip "no edu PCI device 1234:11e8 in this VM (tools/run.sh --edu N, or '# qemu: edu=N')"
	return 1
}
