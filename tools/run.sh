#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swiotlb_stress main job: boots a kernel in QEMU (or uses this machine with
# --host), loads the module, runs scenarios, and prints a report, KTAP and a
# JSON summary. Exit: 0 all checks passed or skipped, 1 a check failed,
# 2 the kernel under test panicked or hung, 3 bad usage or set-up.
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib/vm.sh
. "$SST_TOP/tools/lib/vm.sh"
# shellcheck source=tools/lib/build.sh
. "$SST_TOP/tools/lib/build.sh"
# shellcheck source=tools/lib/findings.sh
. "$SST_TOP/tools/lib/findings.sh"
# shellcheck source=tools/lib/xen.sh
. "$SST_TOP/tools/lib/xen.sh"

usage() {
	cat <<EOF
usage: tools/run.sh [options] [SCENARIO...]

Boots a kernel in QEMU (TCG), loads swiotlb_stress and runs the scenarios
(default: those marked default). Each scenario boots with the kernel
parameters and memory it declares; scenarios that share them share a boot.

  --kernel IMAGE   kernel to test (default: newest /boot/vmlinuz-*)
  --kdir DIR       its build tree (default: /lib/modules/<version>/build)
  --append "ARGS"  extra kernel parameters for every boot
  --mem SIZE       guest memory for every boot (default: per scenario)
  --smp N          guest CPUs (default: 2)
  --host           run in the running kernel instead of QEMU
  --xen            boot the kernel as Xen PV dom0 (Debian's Xen 4.17, TCG);
                   a scenario's memory is dom0's, the machine gets 2 GiB more
  --kvm            use KVM (hangs on some hosts; TCG is the default)
  --edu N[,MASK]   add N QEMU edu PCI devices (DMA engine reaching MASK,
                   default all 64 bits) to every boot: profile=edu devices
  --viommu MODE    put them behind an emulated Intel IOMMU, MODE strict or
                   lazy invalidation (adds intel_iommu=on iommu.strict=1|0)
  --timeout S      per-boot timeout in seconds (default: 300, --xen 900)
  --out DIR        results folder (default: results/run-<date>-<kernel>)
  --list           list scenarios and exit
  -v, --verbose    stream the guest console
EOF
}

die() { echo "run.sh: $*" >&2; exit 3; }

kernel= kdir= append= mem= smp=2 host=0 kvm=0 xen=0 timeout= out= list=0 qemu_opt=
scenarios=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=${2:?}; shift ;;
	--kdir) kdir=${2:?}; shift ;;
	--append) append=${2?}; shift ;;
	--mem) mem=${2:?}; shift ;;
	--smp) smp=${2:?}; shift ;;
	--host) host=1 ;;
	--kvm) kvm=1 ;;
	--xen) xen=1 ;;
	--edu) qemu_opt="$qemu_opt edu=${2:?}"; shift ;;
	--viommu) qemu_opt="$qemu_opt viommu=${2:?}"
		append="$append $(vm_viommu_append "$2")" || die "--viommu takes strict or lazy"; shift ;;
	--timeout) timeout=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	--list) list=1 ;;
	-v|--verbose) export VM_VERBOSE=1 ;;
	-h|--help) usage; exit 0 ;;
	-*) usage >&2; die "unknown option $1" ;;
	*) scenarios+=("$1") ;;
	esac
	shift
done

scn_file() { echo "$SST_TOP/scenarios/$1.sh"; }
scn_meta() { sed -n "s/^# $2: *//p" "$(scn_file "$1")" | head -n 1; }
all_scenarios() { for f in "$SST_TOP"/scenarios/*.sh; do basename "$f" .sh; done; }

if [ $list = 1 ]; then
	for s in $(all_scenarios); do
		printf '%-22s %s\n' "$s" "$(scn_meta "$s" purpose)"
		printf '%-22s boots with: append "%s", mem %s%s\n' "" \
			"$(scn_meta "$s" append)" "$(scn_meta "$s" mem)" \
			"$([ "$(scn_meta "$s" default)" = yes ] && echo ", default")"
	done
	exit 0
fi

if [ ${#scenarios[@]} = 0 ]; then
	for s in $(all_scenarios); do
		[ "$(scn_meta "$s" default)" = yes ] && scenarios+=("$s")
	done
fi
for s in "${scenarios[@]}"; do
	[ -f "$(scn_file "$s")" ] || die "unknown scenario '$s' (see --list)"
	vm_qemu_meta_args "$(scn_meta "$s" qemu) $qemu_opt" > /dev/null || die "scenario $s: bad '# qemu:' line or --edu/--viommu value"
done
# Scenarios with a '# qemu:' line skip themselves where it cannot apply.
[ -z "$qemu_opt" ] || { [ $host = 0 ] && [ $xen = 0 ]; } || die "--edu and --viommu need plain QEMU (not --host, --xen)"
[[ $smp =~ ^[1-9][0-9]*$ ]] || die "--smp needs a positive number"
# Xen and a 6 GiB dom0 take a minute or more to reach the guest under TCG.
timeout=${timeout:-$([ $xen = 1 ] && echo 900 || echo 300)}
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout needs seconds"
[ -z "$mem" ] || [[ $mem =~ ^[1-9][0-9]*[MG]$ ]] || die "--mem takes a size like 2G or 6144M"
# Kernel parameters: a malformed one would boot a kernel that ignores it,
# or none at all; the ones this tool depends on are checked by grammar.
for p in $append; do
	[[ $p =~ ^[A-Za-z0-9_.-]+(=[^[:space:]\'\"]*)?$ ]] || die "--append: '$p' is not a kernel parameter (name or name=value)"
	case $p in
	swiotlb=*) [[ $p =~ ^swiotlb=(force|noforce|[1-9][0-9]*(,[1-9][0-9]*)?(,(force|noforce))?)$ ]] ||
		die "--append: '$p': swiotlb= takes force, noforce or <slabs>[,<areas>][,force|noforce]" ;;
	mem=*|memmap=*) die "--append: '$p': give guest memory with --mem, not a mem= limit" ;;
	esac
done

if [ $xen = 1 ]; then
	[ $host = 0 ] || die "--xen and --host exclude each other"
	[ $kvm = 0 ] || die "--xen runs under TCG only; drop --kvm"
fi

# ---- build ----
if [ $host = 1 ]; then
	[ -z "$kernel" ] || die "--kernel and --host exclude each other"
	kver=$(uname -r)
	kdir=${kdir:-/lib/modules/$kver/build}
	[ -d "$kdir" ] || die "no build tree for the running kernel: apt-get install linux-headers-$kver"
else
	if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
		# shellcheck disable=SC2086
		vm_need_packages $SST_PKGS_BUILD $SST_PKGS_VM || die "cannot install packages"
		if [ -z "$kernel" ] && ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
			vm_need_packages linux-image-amd64 linux-headers-amd64 || die "cannot install a kernel"
		fi
	fi
	if [[ $kernel == debian:* ]]; then
		fetched=$(vm_debian_kernels "$kernel") || exit 3
		[ "$(wc -l <<< "$fetched")" = 1 ] || die "$kernel names more than one kernel: use tools/matrix.sh"
		read -r kernel dkdir <<< "$fetched"
		kdir=${kdir:-$dkdir}
	fi
	kernel=${kernel:-$(vm_default_kernel)} || die "no kernel in /boot: apt-get install linux-image-amd64 linux-headers-amd64"
	[ -r "$kernel" ] || die "kernel image '$kernel' not readable"
	if [ -z "$kdir" ]; then
		kdir=$(vm_kdir_for "$kernel") || die "no build tree for $kernel: give --kdir, or install its linux-headers package"
	fi
	[ -e "$kdir/Makefile" ] || die "--kdir $kdir is not a kernel build tree"
	kver=$(basename "$kernel")
	kver=${kver#vmlinuz-}
	# A kernel built from source: name it by its release.
	[ ! -r "$kdir/include/config/kernel.release" ] || [[ $kernel == */vmlinuz-* ]] ||
		kver=$(cat "$kdir/include/config/kernel.release")
	if [ $xen = 1 ]; then
		xen_need_packages || die "--xen: cannot get Xen's image (xen-hypervisor-4.17-amd64) or QEMU"
		xen_dom0_capable "$kernel" "$kdir" || die "--xen: $kernel cannot boot as Xen PV dom0"
		# Known findings and reports tell a dom0 run by its name.
		kver="$kver@xen-dom0"
	fi
fi

out=${out:-$SST_TOP/results/run-$(date +%Y%m%d-%H%M%S)-$kver}
mkdir -p "$out"
echo "# results: $out"
ko=$(sst_build_module "$kdir" "$out/build") || die "module build failed"
sst_build_selftests "$out/build/selftests" || die "selftest build failed"

# ---- run: one boot per distinct (append, mem) ----
results=$out/results.txt
: > "$results"
: > "$out/boots.txt"
status=0

run_group() { # LOG ENVFILE SCENARIOS...
	local log=$1 envf=$2 rc=0
	shift 2
	local payload=$out/payload
	sst_stage_payload "$payload" "$ko" "$out/build/selftests"
	cp "$envf" "$payload/env"
	if [ $host = 1 ]; then
		SST_ROOT=$payload sh "$payload/tools/guest/main.sh" > "$log" 2>&1 || rc=$?
		VM_VERDICT=ok
		[ $rc = 0 ] || [ $rc = 4 ] || VM_VERDICT=fail
		return 0
	fi
	vm_build_initramfs "$out/initramfs.cpio.gz" "$payload"
	if [ $xen = 1 ]; then
		# The scenario's memory is dom0's; Xen fills dom0 from the top
		# of machine memory, so its RAM lies at machine addresses above
		# 4 GiB whatever its size.
		local d0
		d0=$(xen_size_mib "$bootmem")
		vm_boot_xen --kernel "$kernel" --initrd "$out/initramfs.cpio.gz" \
			--append "$bootappend" --mem "$((d0 + 2048))M" --dom0-mem "${d0}M" \
			--smp "$smp" --timeout "$boottimeout" --log "$log" || true
		return 0
	fi
	local -a kvmopt=()
	[ $kvm = 1 ] && kvmopt=(--kvm)
	vm_boot_guest --kernel "$kernel" --initrd "$out/initramfs.cpio.gz" \
		--append "$bootappend" --mem "$bootmem" --smp "$smp" \
		--timeout "$boottimeout" --log "$log" "${kvmopt[@]}" \
		--extra "$bootqemu" || true
}

declare -A groups=()
order=()
for s in "${scenarios[@]}"; do
	a=$(scn_meta "$s" append)
	m=${mem:-$(scn_meta "$s" mem)}
	key="${m:-2G}|$a|$(scn_meta "$s" qemu)"
	# A scenario that may take its kernel down boots alone.
	[ "$(scn_meta "$s" boot)" != alone ] || key="$key|$s"
	[ -n "${groups[$key]+x}" ] || order+=("$key")
	groups[$key]="${groups[$key]:-} $s"
done
[ $host = 1 ] && { order=("host|"); groups["host|"]="${scenarios[*]}"; }

n=0
for key in "${order[@]}"; do
	n=$((n + 1))
	bootmem=${key%%|*}
	bootappend=${key#*|}
	# QEMU devices: the scenario's '# qemu:' line and --edu/--viommu.
	bootqemu=${bootappend#*|}
	bootqemu=$(vm_qemu_meta_args "${bootqemu%%|*} $qemu_opt")
	bootappend="$(echo "${bootappend%%|*} $append" | xargs)"
	log=$out/console-$n.log
	# A scenario may bound its boot more tightly (one expected to hang).
	boottimeout=$timeout
	for s in ${groups[$key]}; do
		t=$(scn_meta "$s" timeout)
		[ -z "$t" ] || [ $xen = 0 ] || t=$((t + 180))
		[ -z "$t" ] || [ "$t" -ge "$boottimeout" ] || boottimeout=$t
	done
	envf=$out/env-$n
	{ echo "SST_MODE=scenarios"; echo "SST_SCENARIOS=\"${groups[$key]# }\""; } > "$envf"
	if [ $host = 1 ]; then
		echo "# run $n: this machine ($(uname -r)): ${groups[$key]# }"
	else
		echo "# boot $n: $kver, mem $bootmem, append '$bootappend'${bootqemu:+, qemu '$bootqemu'}: ${groups[$key]# }"
	fi
	run_group "$log" "$envf" ${groups[$key]}
	echo "boot $n verdict=$VM_VERDICT mem=$bootmem append=$bootappend scenarios=${groups[$key]# }" >> "$out/boots.txt"
	# Files the guest sent back.
	for sec in $(sed -n 's/^SST-BEGIN \(file:[^ ]*\)$/\1/p' "$log" | sort -u); do
		name=${sec#file:}
		vm_extract_section "$log" "$sec" > "$out/${name//:/.}"
	done
	vm_extract_section "$log" dmesg | sed "s/^| //" > "$out/dmesg-$n.txt" || true
	grep -a '^SST-RESULT ' "$log" | sed 's/^SST-RESULT //' >> "$results" || true
	skipall=$(sed -n 's/^SST-SKIPALL //p' "$log" | head -n 1)
	for s in ${groups[$key]}; do
		if [ -n "$skipall" ]; then
			echo "$s scenario skip $skipall" >> "$results"
		elif grep -aq "^SST-BEGIN dmesg:$s\$" "$log"; then
			# The kernel's log during the scenario: splats fail it.
			vm_extract_section "$log" "dmesg:$s" | sed 's/^| //' > "$out/$s.dmesg.txt"
			IFS=$'\t' read -r lv lr _ < <(sst_log_check "$kver" "$out/$s.dmesg.txt" "$(scn_meta "$s" expect-log)")
			echo "$s kernel_log $lv $lr" >> "$results"
		fi
		if [ -z "$skipall" ] && ! grep -aq "^SST-SCENARIO-END $s\$" "$log"; then
			# The kernel under test died or hung inside this scenario.
			last=$(grep -a "^SST-STORM $s " "$log" | tail -n 1 | cut -d' ' -f3- || true)
			case $VM_VERDICT in
			panic) why="kernel panicked or oopsed" ;;
			timeout) why="guest stopped answering within ${boottimeout}s (hang in the kernel under test)" ;;
			*) why="scenario did not finish: VM verdict $VM_VERDICT" ;;
			esac
			why="$why${last:+, in the storm on $last}; see $log"
			echo "$s scenario ${VM_VERDICT} $why" >> "$results"
			status=2
		fi
	done
done

# ---- report: readable, KTAP, JSON ----
report=$out/report.txt
ktap=$out/results.ktap
json=$out/summary.json
# One line per check, for tools/matrix.sh: scenario, check, verdict,
# known finding (or empty), reason.
checks_tsv=$out/checks.tsv
: > "$checks_tsv"
npass=0 nfail=0 nskip=0

json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/ /g')"; }

{
	echo "swiotlb_stress report"
	echo "kernel: $kver$([ $host = 1 ] && echo " (running kernel, --host)")$([ $xen = 1 ] && echo " (Xen PV dom0 under Xen 4.17)")"
	echo "kdir: $kdir"
	echo "results: $out"
	echo
} > "$report"
{
	echo "KTAP version 1"
	echo "1..${#scenarios[@]}"
} > "$ktap"
echo "{\"kernel\": $(json_str "$kver"), \"scenarios\": [" > "$json"

i=0
for s in "${scenarios[@]}"; do
	i=$((i + 1))
	sverdict=skip sub=0
	{
		echo "== $s: $(scn_meta "$s" purpose)"
		for f in "$out/$s".*.config; do
			[ -f "$f" ] || continue
			d=$(basename "$f" .config); d=${d#"$s".}
			printf '   device %s: %s\n' "$d" "$(grep -E '^(profile|dma_mask|mask_source|required_mask|min_align_mask|max_mapping_size|bounces|backend|iommu_domain|edu_pci|edu_untrusted):' "$f" | paste -sd ';' | sed 's/;/; /g')"
		done
		for f in "$out/$s".*.stats; do
			[ -f "$f" ] || continue
			d=$(basename "$f" .stats); d=${d#"$s".}
			printf '   storm %s: %s\n' "$d" "$(grep -E '^(seed|maps|map_errors|bounced|direct|bounce_mechanism|offset_failures|data_failures|elapsed_ms):' "$f" | paste -sd ';' | sed 's/;/; /g')"
			grep '^failure_' "$f" | sed 's/^/   /' || true
		done
	} >> "$report"
	echo "    KTAP version 1" >> "$ktap"
	echo "    # $s: $(scn_meta "$s" purpose)" >> "$ktap"
	checks_json=
	lines=$(grep -a "^$s " "$results" || true)
	nsub=$(printf '%s\n' "$lines" | grep -c . || true)
	echo "    1..$nsub" >> "$ktap"
	while read -r _ check verdict reason; do
		[ -n "$check" ] || continue
		sub=$((sub + 1))
		finding= fixes=
		if [ "$verdict" != pass ] && [ "$verdict" != skip ]; then
			finding=$(sst_finding_for "$kver" "$s: $check") ||
				{ [ "$check" != kernel_log ] || finding=$(sst_finding_for_log "$kver" "$reason"); } ||
				finding=
			fixes=$(sst_fingerprints "$check" "$([ "$check" = scenario ] && echo "$verdict" || echo "$reason")")
		fi
		[ -z "$finding" ] || reason="$reason [known kernel bug: $finding]"
		printf '   %-28s %-5s %s\n' "$check" "$verdict" "$reason" >> "$report"
		[ -z "$fixes" ] || sed 's/^/      upstream fix for this failure class: /' <<< "$fixes" >> "$report"
		printf '%s\t%s\t%s\t%s\t%s\n' "$s" "$check" "$verdict" "${finding%%:*}" "$reason" >> "$checks_tsv"
		case $verdict in
		pass) echo "    ok $sub $check" >> "$ktap"; npass=$((npass + 1))
		      [ $sverdict = skip ] && sverdict=pass ;;
		skip) echo "    ok $sub $check # SKIP $reason" >> "$ktap"; nskip=$((nskip + 1)) ;;
		*) echo "    not ok $sub $check # $reason" >> "$ktap"; nfail=$((nfail + 1))
		   sverdict=fail ;;
		esac
		fixes_json=
		while IFS= read -r f; do
			[ -z "$f" ] || fixes_json+="${fixes_json:+, }$(json_str "$f")"
		done <<< "$fixes"
		checks_json+="${checks_json:+, }{\"check\": $(json_str "$check"), \"verdict\": $(json_str "$verdict"), \"reason\": $(json_str "$reason"), \"finding\": $(json_str "${finding%%:*}"), \"upstream_fixes\": [$fixes_json]}"
	done <<< "$lines"
	case $sverdict in
	pass) echo "ok $i $s" >> "$ktap" ;;
	skip) echo "ok $i $s # SKIP nothing to check in this boot" >> "$ktap" ;;
	*) echo "not ok $i $s" >> "$ktap"; [ $status = 2 ] || status=1 ;;
	esac
	echo "   => $s: $sverdict" >> "$report"
	echo >> "$report"
	[ $i = 1 ] || echo "," >> "$json"
	printf '  {"scenario": %s, "verdict": %s, "checks": [%s]}' \
		"$(json_str "$s")" "$(json_str "$sverdict")" "$checks_json" >> "$json"
done
verdict=$([ $status = 0 ] && echo pass || { [ $status = 2 ] && echo hang-or-panic || echo fail; })
printf '\n], "passed": %d, "failed": %d, "skipped": %d, "verdict": %s}\n' \
	$npass $nfail $nskip "$(json_str "$verdict")" >> "$json"
echo "verdict: $verdict ($npass passed, $nfail failed, $nskip skipped)" >> "$report"
# Known findings of this kernel that passed here: fixed, and said so.
sst_findings_fixed "$kver" "$checks_tsv" > "$out/fixed.tsv"
while IFS=$'\t' read -r s check finding; do
	echo "fixed here: $finding (findings/known.tsv expects $s: $check to fail on $kver; it passed)"
done < "$out/fixed.tsv" >> "$report"

cat "$report"
echo
cat "$ktap"
exit $status
