#!/usr/bin/env bash
# The agent's cost on a large cluster without one: `day2 agent --replay`
# feeds a generated snapshot through the agent's store (the path of a watch's
# initial list), evaluates it as the agent does, then makes three changes as
# watch events would (a Service's selector, a pod's container restarting, a
# new Event) and evaluates after each. Prints, per size, the replay's own
# figures (store time, each evaluation's time and its change-to-metric time,
# peak RSS) and /usr/bin/time's wall time and peak resident memory.
#
#   bench/agent.sh                      # 10,000 and 150,000 pods
#   DAY2_BENCH_SIZES=1000 bench/agent.sh
#
# Snapshots go to a temporary folder, or to $DAY2_BENCH_DIR (kept, and
# reused by later runs, as bench/run.sh does). $DAY2_BENCH_PROFILE=debug uses
# the debug build (quick to build, slow to run).
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=${DAY2_BENCH_SIZES:-"10000 150000"}
profile=${DAY2_BENCH_PROFILE:-release}
if [ -n "${DAY2_BENCH_DIR:-}" ]; then
    dir=$DAY2_BENCH_DIR
    mkdir -p "$dir"
else
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
fi
if [ "$profile" = release ]; then
    cargo build --release -q -p day2 -p day2-bench
else
    cargo build -q -p day2 -p day2-bench
fi
target=${CARGO_TARGET_DIR:-target}/$profile
day2=$target/day2
bench=$target/day2-bench

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), profile $profile, $(nproc) cores"
for n in $sizes; do
    snap=$dir/c$n.json
    [ -s "$snap" ] || "$bench" gen --pods "$n" -o "$snap"
    echo "## $n pods ($(du -m "$snap" | cut -f1) MB snapshot)"
    if /usr/bin/time -v true >/dev/null 2>&1; then
        /usr/bin/time -v "$day2" agent --replay "$snap" 2>"$dir/time.txt"
        grep -E "Elapsed \(wall|Maximum resident" "$dir/time.txt"
    else
        "$day2" agent --replay "$snap"
    fi
done
