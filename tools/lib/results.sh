#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Result lines for the host-side test drivers (tools/test.sh,
# tools/harden.sh): one verdict per line, known findings turned into xfail,
# and the KTAP of the guest's selftests turned into results. Sourced after
# tools/lib/vm.sh and tools/lib/findings.sh.
#
# The caller sets: pass=0 fail=0 skip=0 xfail=0 summary=() seen_findings=
# and kver (the kernel the results belong to; empty for none).

# result VERDICT NAME [REASON]: counts and prints one result. A failure a
# known finding of $kver explains becomes xfail, counted as passed.
result() {
	local verdict=$1 reason=${3:-} finding
	if [ "$verdict" = fail ] && [ -n "${kver:-}" ] &&
	   finding=$(sst_finding_for "$kver" "$2"); then
		verdict=xfail
		reason="known kernel bug: $finding${reason:+; $reason}"
		seen_findings+="${finding%%:*} "
	fi
	case $verdict in
	pass) pass=$((pass + 1)) ;;
	xfail) pass=$((pass + 1)); xfail=$((xfail + 1)) ;;
	skip) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
	summary+=("$(printf '%-5s %s%s' "$verdict" "$2" "${reason:+ ($reason)}")")
	printf '%-5s %s%s\n' "$verdict" "$2" "${reason:+ ($reason)}"
}

# sst_ktap_results TAG LOG TESTS KTAP_FMT: one result per KTAP line of each
# test the guest ran (section "ktap:TEST" and "SST-RC TEST RC" in LOG, or in
# LOG.results when the guest used the results channel: vm_results_log). Each
# test's KTAP is kept in the file printf KTAP_FMT TEST names. A test that
# never reported its exit code, or that exited non-zero (and not 4, skip)
# without a failing line, fails. "# figures: ..." lines are appended to the
# caller's figures array.
sst_ktap_results() {
	local tag=$1 log=$2 tests=$3 fmt=$4 t ktap rc line file
	for t in $tests; do
		ktap=$(vm_extract_section "$log" "ktap:$t" 2>/dev/null || true)
		# shellcheck disable=SC2059 # the format is the caller's
		printf -v file "$fmt" "$t"
		printf '%s\n' "$ktap" > "$file"
		rc=$(sed -n "s/^SST-RC $t //p" "$(vm_results_log "$log")" | head -n 1)
		if [ -z "$rc" ]; then
			result fail "$tag: $t" "did not finish: VM verdict $VM_VERDICT, see $log"
			continue
		fi
		while IFS= read -r line; do
			case $line in
			"ok "*"# SKIP"*) result skip "$tag: $t: $(echo "${line%%# SKIP*}" | cut -d' ' -f3-)" "${line#*# SKIP }" ;;
			"ok "*) result pass "$tag: $t: $(echo "$line" | cut -d' ' -f3-)" ;;
			"not ok "*) result fail "$tag: $t: $(echo "$line" | cut -d' ' -f4-)" ;;
			"# figures: "*) figures+=("$tag: ${line#\# figures: }") ;;
			esac
		done <<< "$ktap"
		[ "$rc" = 0 ] || [ "$rc" = 4 ] || grep -q '^not ok' <<< "$ktap" ||
			result fail "$tag: $t exit code" "exited $rc without a failing result"
	done
}
