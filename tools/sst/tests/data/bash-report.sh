#!/bin/bash
# The bash report code of main@8c39d5b (tools/run.sh lines 244-371), run on
# recorded consoles, to make tools/sst/tests/data/runs/*/expected:
#   SST_TOP=DIR bash bash-report.sh OUT KVER KDIR SCENARIO... > /dev/null
# OUT holds boots.tsv (n, verdict, seconds, timeout, mem, append, qemu,
# scenarios) and console-N.log; the files land in OUT.
set -euo pipefail
SST_TOP=${SST_TOP:?give SST_TOP: an export of 8c39d5b (git archive 8c39d5b | tar -x -C DIR)}
. "$SST_TOP/tools/lib/vm.sh"
. "$SST_TOP/tools/lib/findings.sh"
scn_file() { echo "$SST_TOP/scenarios/$1.sh"; }
scn_meta() { sed -n "s/^# $2: *//p" "$(scn_file "$1")" | head -n 1; }
out=$1 kver=$2 kdir=$3; shift 3
scenarios=("$@") host=0 xen=0
results=$out/results.txt
: > "$results"
status=0
while IFS= read -r line; do
	n=$(cut -f1 <<< "$line"); VM_VERDICT=$(cut -f2 <<< "$line")
	boottimeout=$(cut -f4 <<< "$line"); scns=$(cut -f8 <<< "$line")
	log=$out/console-$n.log
	declare -A groups=([k]=" $scns")
	key=k
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
done < "$out/boots.tsv"

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

cat "$report"
echo
exit $status
