#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What runs in the guest (or on a test machine with --host): loads the
# module, then runs the selftests or the scenarios named in $SST_ENV, and
# prints what the host runner collects: on stdout, which the QEMU guest's
# /init points at the results channel when there is one (then a short
# "sst: ..." line per scenario, storm and selftest goes to the console, on
# stderr: sst_note), else at the console.
#   SST_MODE=selftests SST_TESTS="ctl_test storm_test.sh"
#   SST_MODE=scenarios SST_SCENARIOS="fr001-nvme-offsets fr002-no-pool"
#   SST_MODE=kselftest	(the kernel runner's install in $SST_ROOT/kselftest)

SST_ROOT=${SST_ROOT:-/sst}
[ -f "$SST_ROOT/env" ] && . "$SST_ROOT/env"
export SST_LIB=$SST_ROOT/selftests
export SST_MODULE=${SST_MODULE:-$SST_ROOT/swiotlb_stress.ko}
. "$SST_LIB/functions.sh"

echo "SST-INFO kernel $(uname -r)"
echo "SST-INFO cmdline $(cat /proc/cmdline)"
echo "SST-INFO memtotal_kb $(sst_mem_kb)"
echo "SST-INFO cpus $(grep -c ^processor /proc/cpuinfo)"

why=$(sst_unusable_reason)
if [ -z "$why" ] && ! why=$(sst_load_module); then
	case $why in
	*"Key was rejected"*|*"Required key not available"*)
		# The kernel's policy (module.sig_enforce): nothing to test
		# here, as under lockdown.
		why="the kernel enforces module signatures and refused the unsigned module: $(echo "$why" | tail -n 1)" ;;
	*)
		# Anything else is a module that does not fit this kernel
		# (a build tree whose configuration is not the kernel's, a
		# missing export): the harness's failure, not a skip.
		klog=$(dmesg 2>/dev/null | grep -E 'swiotlb_stress|module' | tail -n 1 | sed 's/^\[[ 0-9.]*\] //')
		sst_note "the module does not load: $why"
		echo "SST-SETUP-ERROR the module does not load in this kernel: $(echo "$why" | tail -n 1)${klog:+ (kernel: $klog)}"
		exit 1 ;;
	esac
fi
if [ -n "$why" ]; then
	sst_note "nothing can run: $why"
	echo "SST-SKIPALL $why"
	exit 4
fi
# Device errors are wanted in dmesg, not interleaved with the results.
echo 4 > /proc/sys/kernel/printk
# Debug kernels: what boot leaked is not ours; only later leaks count.
if [ -e "$SST_DEBUGFS/kmemleak" ]; then
	echo scan > "$SST_DEBUGFS/kmemleak"
	echo clear > "$SST_DEBUGFS/kmemleak"
fi

rc=0
case $SST_MODE in
selftests)
	for t in $SST_TESTS; do
		sst_note "selftest $t"
		echo "SST-BEGIN ktap:$t"
		(cd "$SST_ROOT/selftests" && "./$t")
		trc=$?
		echo "SST-END ktap:$t"
		echo "SST-RC $t $trc"
		[ $trc = 0 ] || [ $trc = 4 ] || rc=1
	done
	;;
kselftest)
	# The selftests as installed by a kernel tree's kselftest build
	# (tools/kselftest-install.sh, then make install), run by the
	# kernel's own runner.
	# The runner logs to /dev/stdout, which a bare initramfs /dev lacks,
	# and calls /usr/bin/timeout --foreground, which busybox's timeout
	# refuses (every test would "fail" with exit 1); without it the
	# runner runs the tests unbounded, and the host bounds the boot.
	[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
	[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
	/usr/bin/timeout --foreground 5 true 2>/dev/null || rm -f /usr/bin/timeout
	echo "SST-BEGIN ktap:run_kselftest"
	(cd "$SST_ROOT/kselftest" && ./run_kselftest.sh)
	rc=$?
	echo "SST-END ktap:run_kselftest"
	echo "SST-RC run_kselftest $rc"
	;;
scenarios)
	. "$SST_ROOT/tools/guest/scenario-lib.sh"
	# What a scenario asking for intel_iommu=on lacks when the kernel
	# registered no IOMMU: the parameter alone proves nothing. arm64
	# boots these behind virt's SMMUv3 (tools/run.sh drops intel_iommu=),
	# whose driver registers under /sys/class/iommu too.
	iommu_missing() {
		[ -z "$(ls /sys/class/iommu 2>/dev/null)" ] || return 0
		if [ "$(uname -m)" = aarch64 ]; then
			if dmesg | grep -q 'arm-smmu-v3'; then
				echo " an IOMMU: the SMMUv3 driver probed but registered none (/sys/class/iommu is empty): $(dmesg | grep 'arm-smmu-v3' | tail -n 1 | sed 's/^\[[^]]*\] //')"
			else
				echo " an IOMMU: no SMMUv3 (QEMU virt,iommu=smmuv3) registered under /sys/class/iommu (a kernel without CONFIG_ARM_SMMU_V3, or a boot without the SMMU)"
			fi
		elif dmesg | grep -q 'Unknown kernel command line parameters.*intel_iommu='; then
			echo " an IOMMU: the kernel does not know intel_iommu= (built without CONFIG_INTEL_IOMMU)"
		elif sst_cmdline_has swiotlb=force && dmesg | grep -q 'DMAR: IOMMU enabled'; then
			echo " an IOMMU: intel_iommu=on was taken, but with swiotlb=force this kernel stops IOMMU detection (x86's IOMMU_INIT table: pci_swiotlb_detect_override() is IOMMU_INIT_FINISH), so no IOMMU registered"
		else
			echo " an IOMMU: intel_iommu=on is given, but the kernel registered none (/sys/class/iommu is empty)"
		fi
	}
	for s in $SST_SCENARIOS; do
		f=$SST_ROOT/scenarios/$s.sh
		sst_note "scenario $s"
		echo "SST-SCENARIO-BEGIN $s"
		# The guest's clock, for the time a scenario took.
		echo "SST-UPTIME $(cut -d' ' -f1 /proc/uptime)"
		need=$(sed -n 's/^# requires: //p' "$f")
		miss=
		for p in $need; do
			case $p in
			mem\>*) [ "$(sst_mem_kb)" -gt $(( ${p#mem>} * 1024 * 1024 )) ] || miss="$miss more than ${p#mem>} GiB of memory" ;;
			!*) ! sst_cmdline_has "${p#!}" || miss="$miss no ${p#!}" ;;
			# x86's switch; arm64's SMMUv3 needs none (iommu_missing).
			intel_iommu=on) [ "$(uname -m)" != x86_64 ] || sst_cmdline_has "$p" || miss="$miss $p" ;;
			*) sst_cmdline_has "$p" || miss="$miss $p" ;;
			esac
		done
		case " $need " in
		*" intel_iommu=on "*) [ -n "$miss" ] || miss=$(iommu_missing) ;;
		esac
		# '# arch: arm64': a scenario of one architecture's machine.
		want=$(sed -n 's/^# arch: //p' "$f")
		case $want:$(uname -m) in
		:* | arm64:aarch64 | amd64:x86_64) ;;
		*) miss=" an $want guest (this one is $(uname -m)): the scenario needs $want's QEMU machine (tools/run.sh --arch $want)" ;;
		esac
		if [ -n "$miss" ]; then
			SST_SCENARIO=$s scn_result scenario skip "this boot lacks:$miss"
		else
			# What the kernel logged during this scenario: the
			# host scans it for splats. Counted, not cleared, so
			# --host leaves the machine's log alone.
			seen=$(dmesg | wc -l)
			(SST_SCENARIO=$s; . "$f")
			echo "SST-BEGIN dmesg:$s"
			dmesg | tail -n +$((seen + 1)) | sed 's/^/| /'
			echo "SST-END dmesg:$s"
		fi
		echo "SST-UPTIME $(cut -d' ' -f1 /proc/uptime)"
		echo "SST-SCENARIO-END $s"
		sst_note "scenario $s ended"
	done
	;;
*)
	echo "SST-SKIPALL unknown SST_MODE '$SST_MODE'"
	exit 4
	;;
esac
# Everything the module allocated must be gone after rmmod (debug kernels).
if [ -e "$SST_DEBUGFS/kmemleak" ] && grep -q '^swiotlb_stress ' /proc/modules; then
	rmmod swiotlb_stress
	echo scan > "$SST_DEBUGFS/kmemleak"
	echo scan > "$SST_DEBUGFS/kmemleak"
	echo "SST-BEGIN kmemleak"
	cat "$SST_DEBUGFS/kmemleak"
	echo "SST-END kmemleak"
fi
echo "SST-BEGIN dmesg"
# Prefixed, so the host does not take them for console printk lines.
dmesg | sed 's/^/| /'
echo "SST-END dmesg"
exit $rc
