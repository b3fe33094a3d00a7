#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The LAVA jobs proven against tools/run.sh on this machine: runs the
# scenarios with tools/run.sh (QEMU, TCG), writes one LAVA job per boot of
# that run (python3 -m sst lava jobs), runs each job through Debian's
# lava-dispatcher with no server (lava-run, with the qemu device file the
# tool wrote), one at a time under nice, reads each job's log back
# (python3 -m sst lava collect) and compares, boot by boot, the verdict of
# every check with tools/run.sh's results.txt. docs/lava.md tells more.
#
# Exit: 0 every job ran and gave run.sh's verdicts, 1 a verdict differs or
# a job did not run, 3 bad usage or no lava-run (apt-get install
# lava-dispatcher).
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
	cat <<EOF
usage: tools/lava.sh [--kernel IMAGE] [--kdir DIR] [--out DIR] [--from RUN] [SCENARIO...]
  --kernel IMAGE  the kernel (default: tools/run.sh's)
  --kdir DIR      its module build tree (tools/run.sh --kdir)
  --out DIR       results (default: results/lava-<date>): run/ (tools/run.sh),
                  jobs/ (the jobs, each job's lava/ log and run/ results)
  --from RUN      no tools/run.sh: the jobs of the finished run RUN, or of
                  every kernel of a finished tools/matrix.sh folder (give
                  --kernel IMAGE when a run's is not /boot/vmlinuz-<its kernel>)
SCENARIO: names from tools/run.sh --list (default: mask-high).
EOF
}

die() { echo "lava.sh: $*" >&2; exit 3; }

kernel='' kdir='' out='' from=''
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=${2:?}; shift ;;
	--kdir) kdir=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	--from) from=${2:?}; shift ;;
	-h|--help) usage; exit 0 ;;
	-*) usage >&2; exit 3 ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || [ -n "$from" ] || set -- mask-high
[ -z "$from" ] || [ $# = 0 ] || die "--from RUN takes no scenarios: they are the run's"
command -v lava-run > /dev/null || die "no lava-run: apt-get install lava-dispatcher"
out=${out:-$SST_TOP/results/lava-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
echo "# results: $out"

run=$from
if [ -z "$run" ]; then
	run=$out/run
	opts=()
	[ -z "$kernel" ] || opts+=(--kernel "$kernel")
	[ -z "$kdir" ] || opts+=(--kdir "$kdir")
	echo "# tools/run.sh ${opts[*]} --out $run $*"
	rc=0
	nice -n 19 bash "$SST_TOP/tools/run.sh" "${opts[@]}" --out "$run" "$@" > "$out/run.log" 2>&1 || rc=$?
	[ -r "$run/results.txt" ] || die "tools/run.sh left no results (exit $rc): $(tail -n 1 "$out/run.log")"
	echo "# tools/run.sh exit $rc: $(grep -m1 '^verdict:' "$out/run.log" || true)"
	kernel=${kernel:-}
fi
[ -d "$run" ] || die "--from $run: no such folder"
arg=$run
[ -z "$kernel" ] || arg=$run=$kernel

(cd "$SST_TOP/tools" && python3 -m sst lava jobs --out "$out/jobs" "$arg") || exit 3

status=0
id=$$
while IFS=$'\t' read -r name jobrun n _ scns _; do
	d=$out/jobs/$name
	rm -rf "$d/lava"
	mkdir -p "$d/lava"
	id=$((id + 1))
	echo "# lava-run $name (boot $n: $scns)"
	t0=$SECONDS
	rc=0
	nice -n 19 lava-run --job-id "sst-$id" --output-dir "$d/lava" \
		--device "$d/device.yaml" "$d/job.yaml" > "$d/lava/stdout.txt" 2> "$d/lava/output.yaml" || rc=$?
	echo "#   lava-run exit $rc in $((SECONDS - t0)) s, log $d/lava/output.yaml"
	crc=0
	(cd "$SST_TOP/tools" && python3 -m sst lava collect "$out/jobs" "$name") > "$d/collect.txt" 2>&1 || crc=$?
	head -n 1 "$d/collect.txt" | sed 's/^/#   /'
	if [ $crc = 3 ] || [ ! -r "$d/run/results.txt" ]; then
		echo "#   no results from this job: $(tail -n 1 "$d/collect.txt")"
		status=1
		continue
	fi
	# scenario, check, verdict of this boot's scenarios, both sides.
	want=$(awk -v s=" $scns " 'index(s, " " $1 " ") { print $1, $2, $3 }' "$jobrun/results.txt" | sort)
	got=$(awk '{ print $1, $2, $3 }' "$d/run/results.txt" | sort)
	if [ "$want" = "$got" ]; then
		echo "#   same verdicts as tools/run.sh: $(wc -l <<< "$got") checks"
	else
		echo "#   verdicts differ from tools/run.sh (< run.sh, > LAVA):"
		diff <(echo "$want") <(echo "$got") | grep '^[<>]' | sed 's/^/#     /' || true
		status=1
	fi
done < "$out/jobs/jobs.tsv"
# Each run again from all its jobs (jobs/runs/KVER): the whole of run.sh's
# results.txt, in its order.
mapfile -t jobs < <(cut -f1 "$out/jobs/jobs.tsv")
(cd "$SST_TOP/tools" && python3 -m sst lava collect "$out/jobs" "${jobs[@]}") > "$out/jobs/collect.txt" 2>&1 || true
while IFS=$'\t' read -r jobrun kver; do
	r=$out/jobs/runs/$kver
	if [ ! -r "$r/results.txt" ]; then
		echo "# $jobrun: no whole run from the jobs (one gave no results)"
		status=1
	elif diff <(cut -d' ' -f1-3 "$jobrun/results.txt") <(cut -d' ' -f1-3 "$r/results.txt") > /dev/null; then
		echo "# $jobrun: the jobs' whole run has tools/run.sh's verdicts, in order: $r/results.txt"
	else
		echo "# $jobrun: the jobs' whole run differs from tools/run.sh's: $r/results.txt"
		status=1
	fi
done < <(grep -o "^# .*: its [0-9]* boots' jobs, the whole run: .*" "$out/jobs/collect.txt" |
	sed -E "s|^# (.*): its [0-9]+ boots' jobs, the whole run: .*/runs/([^/]+)/results.txt$|\1\t\2|")
echo "# lava.sh: $([ $status = 0 ] && echo "every job gave tools/run.sh's verdicts" || echo "a job differs or did not run")"
exit $status
