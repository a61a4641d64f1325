#!/usr/bin/env bash
# Alternating criterion runs of two commits' `analysis` and `decide` benches (issue 15:
# "medians of alternating before/after runs within 5 %").
#
#   benches/compare_commits.sh BEFORE AFTER [ROUNDS] [OUT]
#
# Builds both commits' bench binaries in one scratch worktree (target/compare, sharing
# one target folder), then runs them in ROUNDS rounds (default 3) in the order
# before-after, after-before, ... so that a drift of the machine over time falls on both
# sides alike, at high priority on one CPU when run as root. Both sides read the BEFORE
# commit's policies/ (the benches read CARGO_MANIFEST_DIR/policies). Then
# benches/compare_summary.py OUT prints, per benchmark, the ratio of the medians and
# the median of the per-round ratios.
set -euo pipefail
before=$1 after=$2 rounds=${3:-3}
root=$(git rev-parse --show-toplevel)
scratch=$root/target/compare
out=${4:-$scratch/$before-$after.log}
mkdir -p "$scratch/bin"
[ -d "$scratch/tree" ] || git -C "$root" worktree add -q --detach "$scratch/tree" "$before"
build() {
  git -C "$scratch/tree" checkout -q --detach "$1"
  (cd "$scratch/tree" && CARGO_TARGET_DIR=$scratch/target cargo bench --no-run \
     --bench analysis --bench decide --message-format=json 2>/dev/null) |
    python3 -c '
import json, shutil, sys
for line in sys.stdin:
    try: m = json.loads(line)
    except ValueError: continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["kind"] == ["bench"]:
        shutil.copy(m["executable"], sys.argv[1] + "-" + m["target"]["name"])
' "$scratch/bin/$1"
}
build "$before"
build "$after"
git -C "$scratch/tree" checkout -q --detach "$before"
prio=()
if [ "$(id -u)" = 0 ]; then prio=(nice -n -20 taskset -c 1); fi
filter='bundled|synthetic_analysis|exact_vs_brute_force/decision_diagrams|decide_in_process|policyc_decide'
: > "$out"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then order="$before $after"; else order="$after $before"; fi
  for side in $order; do
    for bench in analysis decide; do
      echo "== round $r $side $bench $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)" >> "$out"
      CRITERION_HOME=$scratch/criterion-$side "${prio[@]}" "$scratch/bin/$side-$bench" \
        --bench "$filter" --warm-up-time 0.5 --measurement-time 2 --noplot >> "$out" 2>&1
    done
  done
done
python3 "$root/benches/compare_summary.py" "$out"
