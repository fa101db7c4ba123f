#!/usr/bin/env bash
# `day2 diagnose --snapshot` on synthetic clusters of 1k, 10k, 50k and 150k
# pods (one node per 30 pods, two events per pod: 150,000 pods ↔ 5,000 nodes
# ↔ 300,000 events), against two naive baselines, one thread each with the
# system allocator: `day2-bench naive` (the whole file into a
# serde_json::Value, then each item into its k8s-openapi type) and
# `day2-bench naive --typed` (each item decoded straight from its text into
# its type). Prints a Markdown table: wall time (day2: best of two runs) and
# peak resident memory, from /usr/bin/time -v.
#
#   bench/run.sh
#
# Snapshots go to a temporary folder, or to $DAY2_BENCH_DIR (kept, and reused
# by later runs). $DAY2_BENCH_SIZES overrides the pod counts.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! /usr/bin/time -v true >/dev/null 2>&1; then
    echo "bench/run.sh needs GNU time at /usr/bin/time (Debian/Ubuntu: apt-get install time)" >&2
    exit 1
fi

sizes=${DAY2_BENCH_SIZES:-"1000 10000 50000 150000"}
if [ -n "${DAY2_BENCH_DIR:-}" ]; then
    dir=$DAY2_BENCH_DIR
    mkdir -p "$dir"
else
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
fi
target=${CARGO_TARGET_DIR:-target}/release

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# The baseline with the system allocator, then day2 and the generator as shipped.
cargo build --release -q -p day2-bench --features system-alloc
cp "$target/day2-bench" "$dir/day2-bench-naive"
cargo build --release -q -p day2 -p day2-bench
day2=$target/day2
bench=$target/day2-bench

# measure CMD… → "SECONDS PEAK_MIB" of one run. Exit code 1 is day2 reporting
# findings; anything else is a failure.
measure() {
    local log=$dir/time.log rc=0
    /usr/bin/time -v "$@" >/dev/null 2>"$log" || rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "failed ($rc): $*" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    awk -F': ' '
        /Elapsed \(wall clock\) time/ {
            n = split($2, t, ":"); s = 0
            for (i = 1; i <= n; i++) s = s * 60 + t[i]
        }
        /Maximum resident set size/ { kb = $2 }
        END { printf "%.2f %.0f\n", s, kb / 1024 }
    ' "$log"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem:/ {print $2}') GiB"
echo "load average (1, 5, 15 min): before building $load_before, before measuring $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| pods | nodes | events | MB | day2 wall s | day2 peak MiB | typed naive s | typed naive MiB | Value naive s | Value naive MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for pods in $sizes; do
    file=$dir/cluster-$pods.json
    [ -s "$file" ] || "$bench" gen --pods "$pods" -o "$file" 2>/dev/null
    # The proportions of `Spec::scaled` (bench/src/synth.rs).
    nodes=$(( pods / 30 > 3 ? pods / 30 : 3 ))
    events=$(( pods * 2 ))
    mb=$(( $(stat -c %s "$file") / 1000000 ))
    cat "$file" >/dev/null # in the page cache for every run
    r=$(measure "$day2" diagnose --snapshot "$file" -o json)
    read -r w1 p1 <<<"$r"
    r=$(measure "$day2" diagnose --snapshot "$file" -o json)
    read -r w2 p2 <<<"$r"
    if awk "BEGIN { exit !($w2 < $w1) }"; then w1=$w2 p1=$p2; fi
    r=$(measure "$dir/day2-bench-naive" naive --typed "$file")
    read -r tw tp <<<"$r"
    r=$(measure "$dir/day2-bench-naive" naive "$file")
    read -r nw np <<<"$r"
    echo "| $pods | $nodes | $events | $mb | $w1 | $p1 | $tw | $tp | $nw | $np |"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
