#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Expected findings (findings/known.tsv): kernel bugs the tests found in
# stock kernels, proven and written up. Sourced by tools/test.sh and
# tools/harden.sh; defines sst_finding_* and SST_SPLAT_RE. tools/run.sh's
# results (log checks, findings, fingerprints, fixed.tsv) are
# tools/sst/findings.py and tools/sst/model.py.

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

# Kernel log lines that open a splat: any of them fails a run.
SST_SPLAT_RE='BUG:|Oops|WARNING:|general protection|Kernel panic|UBSAN:|suspected memory leak|possible recursive locking|circular locking|INFO: task .* blocked|scheduling while atomic|DMA-API: .*device driver|DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault|IO_PAGE_FAULT|arm-smmu-v3 .*event 0x[0-9a-f]+ received|arm-smmu-v3 .*EVTQ overflow'
