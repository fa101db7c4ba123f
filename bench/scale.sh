#!/usr/bin/env bash
# Linearity sweep: `day2 diagnose --snapshot DIR -o json` on the benign and the
# adversarial synthetic clusters (`day2-bench gen`, bench/src/synth.rs) at
# 1k, 10k, 50k and 150k pods, and `day2 audit` on folders of 1,000 and 10,000
# manifest files (`day2-bench manifests`, bench/src/manifests.rs). For each:
# wall time and peak resident memory (/usr/bin/time -v, best of two runs by
# time), the size of the JSON report, and growth against linear: the time
# (or memory) per pod (or file) divided by the same at the smallest size, so
# 1.00 is linear and 1.30 is 30% more per pod than at the smallest size.
#
#   bench/scale.sh
#
# Inputs go to a temporary folder, or to $DAY2_BENCH_DIR (kept, and reused by
# later runs). $DAY2_SCALE_SIZES and $DAY2_SCALE_FILES override the sizes;
# $DAY2_SCALE_RUNS the runs per size (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! /usr/bin/time -v true >/dev/null 2>&1; then
    echo "bench/scale.sh needs GNU time at /usr/bin/time (Debian/Ubuntu: apt-get install time)" >&2
    exit 1
fi

sizes=${DAY2_SCALE_SIZES:-"1000 10000 50000 150000"}
file_counts=${DAY2_SCALE_FILES:-"1000 10000"}
runs=${DAY2_SCALE_RUNS:-2}
if [ -n "${DAY2_BENCH_DIR:-}" ]; then
    dir=$DAY2_BENCH_DIR
    mkdir -p "$dir"
else
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
fi
target=${CARGO_TARGET_DIR:-target}/release

cargo build --release -q -p day2 -p day2-bench
day2=$target/day2
bench=$target/day2-bench

# measure OUT CMD… → "SECONDS PEAK_MIB CPU_SECONDS" of the fastest of $runs runs, stdout
# to OUT. Exit code 1 is day2 reporting findings; anything else is a failure.
measure() {
    local out=$1 log=$dir/time.log best="" rc
    shift
    for _ in $(seq "$runs"); do
        rc=0
        /usr/bin/time -v "$@" >"$out" 2>"$log" || rc=$?
        if [ "$rc" -gt 1 ]; then
            echo "failed ($rc): $*" >&2
            tail -n 30 "$log" >&2
            exit 1
        fi
        local r
        r=$(awk -F': ' '
            /Elapsed \(wall clock\) time/ {
                n = split($2, t, ":"); s = 0
                for (i = 1; i <= n; i++) s = s * 60 + t[i]
            }
            /Maximum resident set size/ { kb = $2 }
            /User time|System time/ { cpu += $2 }
            END { printf "%.2f %.0f %.2f\n", s, kb / 1024, cpu }
        ' "$log")
        if [ -z "$best" ] || awk "BEGIN { exit !(${r%% *} < ${best%% *}) }"; then
            best=$r
        fi
    done
    echo "$best"
}

# growth UNITS SECONDS MIB BASE_UNITS BASE_SECONDS BASE_MIB → "time× mem×"
growth() {
    awk -v n="$1" -v s="$2" -v m="$3" -v bn="$4" -v bs="$5" -v bm="$6" \
        'BEGIN { printf "%.2f %.2f\n", (s / n) / (bs / bn), (m / n) / (bm / bn) }'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem:/ {print $2}') GiB"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "load average (1, 5, 15 min) before measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| profile | pods | wall s | CPU s | peak MiB | JSON MB | findings | wall per pod vs smallest | CPU per pod vs smallest | memory per pod vs smallest |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for profile in benign adversarial; do
    base=""
    for pods in $sizes; do
        input=$dir/$profile-$pods
        [ -e "$input" ] || "$bench" gen --pods "$pods" --profile "$profile" --format dump-dir -o "$input" 2>/dev/null
        json=$dir/report.json
        read -r s m c <<<"$(measure "$json" "$day2" diagnose --snapshot "$input" -o json --fail-on none)"
        mb=$(awk -v b="$(stat -c %s "$json")" 'BEGIN { printf "%.1f", b / 1e6 }')
        findings=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$json" 2>/dev/null || echo "?")
        [ -n "$base" ] || base="$pods $s $m $c"
        read -r bn bs bm bc <<<"$base"
        read -r gt gm <<<"$(growth "$pods" "$s" "$m" "$bn" "$bs" "$bm")"
        read -r gc _ <<<"$(growth "$pods" "$c" "$m" "$bn" "$bc" "$bm")"
        echo "| $profile | $pods | $s | $c | $m | $mb | $findings | $gt | $gc | $gm |"
    done
done
echo
echo "| manifest files | documents | MB | wall s | CPU s | peak MiB | wall per file vs smallest | CPU per file vs smallest | memory per file vs smallest |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
base=""
for files in $file_counts; do
    input=$dir/manifests-$files
    [ -e "$input" ] || "$bench" manifests --files "$files" -o "$input" 2>/dev/null
    docs=$(cat "$input"/*/*.yaml | grep -c '^kind: ')
    mb=$(du -sb "$input" | awk '{ printf "%.1f", $1 / 1e6 }')
    read -r s m c <<<"$(measure /dev/null "$day2" audit "$input" -o json --fail-on none)"
    [ -n "$base" ] || base="$files $s $m $c"
    read -r bn bs bm bc <<<"$base"
    read -r gt gm <<<"$(growth "$files" "$s" "$m" "$bn" "$bs" "$bm")"
    read -r gc _ <<<"$(growth "$files" "$c" "$m" "$bn" "$bc" "$bm")"
    echo "| $files | $docs | $mb | $s | $c | $m | $gt | $gc | $gm |"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
