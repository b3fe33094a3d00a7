#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Expected findings (findings/known.tsv): kernel bugs the tests found in
# stock kernels, proven and written up. Sourced; defines sst_finding_*.

SST_FINDINGS=${SST_FINDINGS:-$SST_TOP/findings/known.tsv}

# sst_finding_for KVER NAME: the finding that explains a failure of NAME on
# kernel KVER, if any.
sst_finding_for() {
	local kglob pat re finding
	[ -r "$SST_FINDINGS" ] || return 1
	while IFS=$'\t' read -r kglob pat re finding; do
		[[ -z $kglob || $kglob == \#* ]] && continue
		# shellcheck disable=SC2053
		if [[ $1 == $kglob && $2 == $pat ]]; then
			echo "$finding"
			return 0
		fi
	done < "$SST_FINDINGS"
	return 1
}

# sst_finding_log_regex KVER: kernel log lines the findings for KVER explain.
sst_finding_log_regex() {
	local kglob pat re finding out=
	[ -r "$SST_FINDINGS" ] || return 0
	while IFS=$'\t' read -r kglob pat re finding; do
		[[ -z $kglob || $kglob == \#* || -z $re || $re == - ]] && continue
		# shellcheck disable=SC2053
		[[ $1 == $kglob ]] && out+="${out:+|}$re"
	done < "$SST_FINDINGS"
	echo "$out"
}

# sst_findings_fixed KVER CHECKS_TSV: the known findings of KVER that this
# run no longer sees: a check a row names for this kernel passed. Printed
# as "SCENARIO<TAB>CHECK<TAB>FINDING", so a kernel that took the fix is
# reported as fixed rather than silently passing. Scenario-level rows
# (the hang or panic itself) have no pass line; the checks beside them do.
sst_findings_fixed() {
	local s check verdict _ finding
	while IFS=$'\t' read -r s check verdict _; do
		[ "$verdict" = pass ] || continue
		finding=$(sst_finding_for "$1" "$s: $check") || continue
		printf '%s\t%s\t%s\n' "$s" "$check" "${finding%%:*}"
	done < "$2"
}

# Kernel log lines that open a splat: any of them fails a run.
SST_SPLAT_RE='BUG:|Oops|WARNING:|general protection|Kernel panic|UBSAN:|suspected memory leak|possible recursive locking|circular locking|INFO: task .* blocked|scheduling while atomic|DMA-API: .*device driver|DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault|IO_PAGE_FAULT'

# sst_finding_for_log KVER LINE: the finding whose log regex explains LINE.
sst_finding_for_log() {
	local kglob pat re finding
	[ -r "$SST_FINDINGS" ] || return 1
	while IFS=$'\t' read -r kglob pat re finding; do
		[[ -z $kglob || $kglob == \#* || -z $re || $re == - ]] && continue
		# shellcheck disable=SC2053
		if [[ $1 == $kglob ]] && grep -qaE -- "$re" <<< "$2"; then
			echo "$finding"
			return 0
		fi
	done < "$SST_FINDINGS"
	return 1
}

# sst_log_check KVER LOG [EXPECT_RE]: the verdict on a kernel log a run
# produced, as "VERDICT<TAB>REASON<TAB>FINDING". Splats the scenario
# expects (EXPECT_RE: the kernel's correct answer, such as dma-direct's
# warning when there is no pool) pass; splats a known finding explains
# fail with that finding named; any other splat fails.
sst_log_check() {
	local kver=$1 log=$2 expect=${3:-} splats rest line finding
	splats=$(grep -aE "$SST_SPLAT_RE" "$log" 2>/dev/null || true)
	if [ -z "$splats" ]; then
		printf 'pass\tno warning, BUG, KASAN, lockdep or DMA-API report\t\n'
		return
	fi
	rest=$splats
	[ -z "$expect" ] || rest=$(grep -avE -- "$expect" <<< "$splats" || true)
	if [ -z "$rest" ]; then
		printf 'pass\tonly what this scenario expects the kernel to print: %s\t\n' \
			"$(head -n 1 <<< "$splats" | sed 's/^| //; s/^\[[^]]*\] //')"
		return
	fi
	line=$(head -n 1 <<< "$rest" | sed 's/^| //; s/^\[[^]]*\] //')
	while IFS= read -r l; do
		finding=$(sst_finding_for_log "$kver" "$l") || {
			printf 'fail\t%s\t\n' "$(sed 's/^| //; s/^\[[^]]*\] //' <<< "$l")"
			return
		}
	done <<< "$rest"
	printf 'fail\t%s\t%s\n' "$line" "$finding"
}

# Upstream fixes per failure class (findings/fingerprints.tsv).
SST_FINGERPRINTS=${SST_FINGERPRINTS:-$SST_TOP/findings/fingerprints.tsv}

# sst_fingerprints CHECK [VERDICT_OR_REASON]: one line per upstream fix
# known to cure a failure of CHECK ("dev.offset" or "offset"): "title
# (vX.Y, commit)".
sst_fingerprints() {
	local class=${1##*.} c commit rel title rest
	[ -r "$SST_FINGERPRINTS" ] || return 0
	# Scenario-level expectations name the report key they looked at.
	case $class in
	map_errors_no_pool) class=no_pool ;;
	map_errors_pool_full|map_errors_unexpected) class=errors ;;
	dma_mask_bits|required_mask_bits) class=mask ;;
	scenario) [[ ${2:-} != panic ]] || class=panic ;;
	kernel_log) [[ ${2:-} != *"Kernel panic"* ]] || class=panic ;;
	esac
	while IFS=$'\t' read -r c commit rel title rest; do
		[[ -z $c || $c == \#* ]] && continue
		[ "$c" = "$class" ] || continue
		[ "$rel" != - ] || rel="release not verified"
		[ "$commit" != - ] || commit="commit id not verified"
		printf '"%s" (%s, %s)\n' "$title" "$rel" "$commit"
	done < "$SST_FINGERPRINTS"
}
