#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Shell helpers for swiotlb_stress tests and scenarios: finding and loading
# the module, driving its debugfs control files, KTAP output. POSIX sh
# (busybox ash in the QEMU guest). Modelled on the livepatch selftests'
# functions.sh.

SST_DEBUGFS=${SST_DEBUGFS:-/sys/kernel/debug}
SST_DIR=$SST_DEBUGFS/swiotlb_stress
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

sst_ktap_count=0
sst_ktap_fails=0
sst_ktap_skips=0

# sst_note TEXT: "sst: TEXT" on the console (stderr) when stdout is the
# results channel (SST_RESULTS_DEV, set by the QEMU guest's /init,
# tools/lib/vm.sh): for whoever reads the console, and for the host to tell
# which scenario the kernel's messages there came in. Nothing otherwise:
# stdout is then the console, which shows the protocol lines themselves.
sst_note() { [ -z "${SST_RESULTS_DEV:-}" ] || echo "sst: $*" >&2; }

ktap_header() { echo "KTAP version 1"; }
ktap_plan() { echo "1..$1"; }
ktap_print() { echo "# $*"; }

# ktap_result VERDICT NAME [REASON]: VERDICT is pass, fail or skip.
ktap_result() {
	sst_ktap_count=$((sst_ktap_count + 1))
	case $1 in
	pass) echo "ok $sst_ktap_count $2" ;;
	skip) echo "ok $sst_ktap_count $2 # SKIP ${3:-}"
	      sst_ktap_skips=$((sst_ktap_skips + 1)) ;;
	*)    echo "not ok $sst_ktap_count $2${3:+ # $3}"
	      sst_ktap_fails=$((sst_ktap_fails + 1)) ;;
	esac
}

# Exit code for a test program: 1 if anything failed, 4 if all skipped.
ktap_finish() {
	echo "# totals: pass:$((sst_ktap_count - sst_ktap_fails - sst_ktap_skips)) fail:$sst_ktap_fails skip:$sst_ktap_skips"
	[ "$sst_ktap_fails" -gt 0 ] && exit $KSFT_FAIL
	[ "$sst_ktap_count" -gt 0 ] && [ "$sst_ktap_skips" -eq "$sst_ktap_count" ] && exit $KSFT_SKIP
	exit $KSFT_PASS
}

# ktap_skip_all REASON: a whole test program cannot run.
ktap_skip_all() {
	ktap_plan 1
	sst_ktap_count=0
	ktap_result skip "${SST_TEST_NAME:-swiotlb_stress}" "$1"
	exit $KSFT_SKIP
}

# Why the module's control files cannot be used here, or nothing.
sst_unusable_reason() {
	[ "$(id -u)" = 0 ] || { echo "must run as root"; return; }
	if [ ! -d "$SST_DEBUGFS/.." ] || ! grep -q " $SST_DEBUGFS debugfs" /proc/mounts 2>/dev/null; then
		mount -t debugfs none "$SST_DEBUGFS" 2>/dev/null ||
			{ echo "debugfs is not available"; return; }
	fi
	[ -r /sys/kernel/security/lockdown ] ||
		mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
	if [ -r /sys/kernel/security/lockdown ] &&
	   ! grep -q '\[none\]' /sys/kernel/security/lockdown; then
		# Say what lockdown refused here: the module (unsigned), or
		# only the debugfs writes (a signed or already loaded module).
		lvl=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/security/lockdown)
		if why=$(sst_load_module); then
			echo "kernel lockdown ($lvl): module loaded, but debugfs writes to its control files are refused"
		else
			echo "kernel lockdown ($lvl): the module was refused ($(echo "$why" | tail -n 1)); debugfs writes would be too"
		fi
		return
	fi
}

# Loads the module from $SST_MODULE (a .ko path) or by name; prints why not.
sst_load_module() {
	[ -d "$SST_DIR" ] && return 0
	if [ -n "${SST_MODULE:-}" ] && [ -f "$SST_MODULE" ]; then
		insmod "$SST_MODULE" 2>&1 || return 1
	else
		modprobe swiotlb_stress 2>&1 || return 1
	fi
	[ -d "$SST_DIR" ] || { echo "module loaded but $SST_DIR is missing"; return 1; }
}

# sst_require: skip the whole test program unless the module is usable.
sst_require() {
	why=$(sst_unusable_reason)
	[ -z "$why" ] || ktap_skip_all "$why"
	why=$(sst_load_module) || ktap_skip_all "module not loadable: $why"
}

# sst_ctl FILE LINE: one control write; returns the write's status.
sst_ctl() {
	printf '%s\n' "$2" > "$SST_DIR/$1" 2>/dev/null
}

sst_new_device() { sst_ctl new_device "name=$1${2:+ $2}"; }
sst_del_device() { sst_ctl del_device "$1"; }
sst_dev_file() { cat "$SST_DIR/devices/$1/$2"; }

# sst_key TEXT KEY: the value of "KEY: value" in TEXT.
sst_key() {
	printf '%s\n' "$1" | sed -n "s/^$2: //p" | head -n 1
}

sst_start() { sst_ctl "devices/$1/run" "$2"; }
sst_stop() { sst_ctl "devices/$1/run" stop; }

# sst_wait NAME SECONDS: waits for the device's run to end; 1 on timeout.
sst_wait() {
	n=0
	while [ "$n" -lt "$(($2 * 10))" ]; do
		case $(sst_key "$(sst_dev_file "$1" stats)" state) in
		running) ;;
		*) return 0 ;;
		esac
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# Boot-time facts a test or scenario may need.
sst_cmdline_has() { grep -qw -- "$1" /proc/cmdline; }
sst_mem_kb() { sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
sst_ncpus() { grep -c '^processor' /proc/cpuinfo; }

# The kernel's own bounce pool counters (/sys/kernel/debug/swiotlb/):
# io_tlb_nslabs and io_tlb_used in 6.1, plus io_tlb_used_hiwater in 6.12.
# DIR: the pool's debugfs directory under $SST_DEBUGFS, swiotlb (the
# default pool) unless given; a restricted pool's is swiotlb/<node name>.
sst_pool() { cat "$SST_DEBUGFS/${2:-swiotlb}/io_tlb_$1" 2>/dev/null; }

# sst_pool_settle BASELINE [DIR]: waits up to 2 s for the pool's use to come
# back to BASELINE (frees by other users may lag); prints the last value seen.
sst_pool_settle() {
	n=0
	while [ "$(sst_pool used "$2")" != "$1" ] && [ $n -lt 20 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	sst_pool used "$2"
}

# sst_run_storm DEV SPEC [TIMEOUT_S]: runs a storm to its end; prints the
# stats ("state: start-failed" or "state: timeout" when it did not run).
sst_run_storm() {
	sst_start "$1" "$2" || { echo "state: start-failed"; return; }
	sst_wait "$1" "${3:-300}" || { sst_stop "$1"; echo "state: timeout"; return; }
	sst_dev_file "$1" stats
}

# sst_expect STATS NAME KEY=PATTERN...: one KTAP result; on a mismatch it
# names the first key and shows the report's summary lines.
sst_expect() {
	st=$1 name=$2
	shift 2
	for kv in "$@"; do
		k=${kv%%=*} want=${kv#*=}
		got=$(sst_key "$st" "$k")
		# shellcheck disable=SC2254
		case $got in
		$want) ;;
		*) printf '%s\n' "$st" | grep -E '^(state|spec|maps|map_errors|bounced|check_|failure_)' | sed 's/^/# /'
		   ktap_result fail "$name" "$k is '$got', want '$want'"
		   return ;;
		esac
	done
	ktap_result pass "$name"
}
