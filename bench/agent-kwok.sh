#!/usr/bin/env bash
# The agent holding a live cluster of kwok nodes and pods: a real control
# plane (scripts/controlplane/up.sh, with DAY2_CP_SCALE=1) is loaded through
# its API with kwok nodes and Deployments whose pods kwok runs to Ready; then
# `day2 agent` watches it. Prints:
#   - how long the load took, and the first evaluation;
#   - the agent's resident memory (now and peak) and its CPU over an idle
#     window in which nothing but the nodes' heartbeats changes;
#   - from a change (a Service's selector broken, then fixed) to the metric
#     that shows it, for several changes.
#
#   bench/agent-kwok.sh                                  # 1,000 nodes, 30,000 pods
#   DAY2_KWOK_NODES=100 DAY2_KWOK_DEPLOYMENTS=100 bench/agent-kwok.sh
#
# Knobs: DAY2_KWOK_NODES (1000), DAY2_KWOK_NAMESPACES (50),
# DAY2_KWOK_DEPLOYMENTS (1000), DAY2_KWOK_REPLICAS (30), DAY2_KWOK_IDLE (60 s),
# DAY2_KWOK_CHANGES (5). DAY2_KWOK_KEEP=1 leaves the control plane running.
set -euo pipefail
cd "$(dirname "$0")/.."

nodes=${DAY2_KWOK_NODES:-1000}
namespaces=${DAY2_KWOK_NAMESPACES:-50}
deployments=${DAY2_KWOK_DEPLOYMENTS:-1000}
replicas=${DAY2_KWOK_REPLICAS:-30}
idle=${DAY2_KWOK_IDLE:-60}
changes=${DAY2_KWOK_CHANGES:-5}
pods=$((deployments * replicas))

now() { date +%s.%N; }
since() { awk "BEGIN{printf \"%.2f\", $(now) - $1}"; }

cargo build --release -q -p day2
day2=${CARGO_TARGET_DIR:-target}/release/day2
scripts/controlplane/build.sh > /dev/null

D=$(mktemp -d)
agent_pid=
cleanup() {
    [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
    if [ "${DAY2_KWOK_KEEP:-}" = 1 ]; then
        echo "control plane left running: $D (scripts/controlplane/down.sh $D)"
    else
        scripts/controlplane/down.sh "$D" > /dev/null 2>&1
        rm -rf "$D"
    fi
}
trap cleanup EXIT
DAY2_CP_SCALE=1 scripts/controlplane/up.sh "$D" 2> "$D/up.err" || { cat "$D/up.err"; exit 1; }
api=$(sed -n 's/^apiserver=//p' "$D/endpoints")
k() { curl -sS --cacert "$D/ca.crt" --cert "$D/admin.crt" --key "$D/admin.key" "$@"; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; $nodes nodes, $deployments Deployments × $replicas = $pods pods in $namespaces namespaces"

# --- load: one curl, many parallel requests (a config file, one body per request)
bodies=$D/bodies
mkdir -p "$bodies"
cfg=$D/requests.cfg
: > "$cfg"
request() { # path body-file
    [ -s "$cfg" ] && echo next >> "$cfg"
    printf 'url = "%s%s"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata-binary = "@%s"\noutput = "/dev/null"\nsilent\nshow-error\ncacert = "%s"\ncert = "%s"\nkey = "%s"\n' \
        "$api" "$1" "$2" "$D/ca.crt" "$D/admin.crt" "$D/admin.key" >> "$cfg"
}
zones=(a b c)
for i in $(seq 0 $((nodes - 1))); do
    z=us-east-1${zones[$((i % 3))]}
    f=$bodies/node-$i.json
    printf '{"apiVersion":"v1","kind":"Node","metadata":{"name":"kwok-%d","annotations":{"kwok.x-k8s.io/node":"fake"},"labels":{"type":"kwok","kubernetes.io/hostname":"kwok-%d","kubernetes.io/os":"linux","topology.kubernetes.io/zone":"%s","topology.kubernetes.io/region":"us-east-1","node.kubernetes.io/instance-type":"m5.8xlarge"}},"spec":{"providerID":"aws:///%s/i-kwok-%d","taints":[{"key":"kwok.x-k8s.io/node","value":"fake","effect":"NoSchedule"}]},"status":{"capacity":{"cpu":"32","memory":"128Gi","pods":"110"},"allocatable":{"cpu":"32","memory":"128Gi","pods":"110"}}}' \
        "$i" "$i" "$z" "$z" "$i" > "$f"
    request /api/v1/nodes "$f"
done
for n in $(seq 0 $((namespaces - 1))); do
    f=$bodies/ns-$n.json
    printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"load-%d"}}' "$n" > "$f"
    request /api/v1/namespaces "$f"
done
t=$(now)
curl -sS --no-progress-meter --parallel --parallel-max 32 -K "$cfg"
echo "nodes and namespaces created in $(since "$t") s"

: > "$cfg"
for d in $(seq 0 $((deployments - 1))); do
    ns=load-$((d % namespaces))
    f=$bodies/dep-$d.json
    printf '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"app-%d","namespace":"%s"},"spec":{"replicas":%d,"selector":{"matchLabels":{"app":"app-%d"}},"template":{"metadata":{"labels":{"app":"app-%d"}},"spec":{"tolerations":[{"key":"kwok.x-k8s.io/node","operator":"Exists","effect":"NoSchedule"}],"nodeSelector":{"type":"kwok"},"containers":[{"name":"app","image":"registry.example/app:1.%d","ports":[{"containerPort":8080}],"resources":{"requests":{"cpu":"10m","memory":"16Mi"},"limits":{"memory":"64Mi"}}}]}}}}' \
        "$d" "$ns" "$replicas" "$d" "$d" "$d" > "$f"
    request "/apis/apps/v1/namespaces/$ns/deployments" "$f"
    f=$bodies/svc-$d.json
    printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"app-%d","namespace":"%s"},"spec":{"selector":{"app":"app-%d"},"ports":[{"port":80,"targetPort":8080}]}}' \
        "$d" "$ns" "$d" > "$f"
    request "/api/v1/namespaces/$ns/services" "$f"
done
t=$(now)
curl -sS --no-progress-meter --parallel --parallel-max 32 -K "$cfg"
echo "Deployments and Services created in $(since "$t") s"

# Ready replicas, summed over the Deployments (a small list, unlike the pods').
ready_pods() {
    k "$api/apis/apps/v1/deployments" | { grep -o '"readyReplicas": *[0-9]*' || true; } | awk -F: '{s+=$2} END {print s+0}'
}
deadline=$(( $(date +%s) + 3600 ))
while :; do
    r=$(ready_pods)
    [ "$r" -ge "$pods" ] && break
    if [ "$(date +%s)" -gt "$deadline" ]; then
        echo "only $r of $pods pods ready after an hour" >&2
        exit 1
    fi
    echo "  $r of $pods pods ready after $(since "$t") s"
    sleep 10
done
echo "all $pods pods ready $(since "$t") s after the Deployments were created"

# --- the agent
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 19393)
metrics=http://127.0.0.1:$port/metrics
t=$(now)
"$day2" agent --kubeconfig "$D/admin.kubeconfig" --listen "127.0.0.1:$port" 2> "$D/agent.log" &
agent_pid=$!
until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1; do
    kill -0 "$agent_pid" 2>/dev/null || { tail -20 "$D/agent.log"; exit 1; }
    sleep 0.1
done
echo "agent ready (every kind listed, first evaluation done) $(since "$t") s after start"
grep '"evaluated"' "$D/agent.log" | tail -1 | grep -o '"objects":[0-9]*\|"findings":[0-9]*\|"diagnoses":[0-9]*\|"seconds":[0-9.]*' | tr '\n' ' '
echo

status() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' "/proc/$agent_pid/status"; }
ticks() { awk '{print $14 + $15}' "/proc/$agent_pid/stat"; }
evaluations() { curl -sf "$metrics" | awk '$1 == "day2_evaluation_duration_seconds_count" {print $2}'; }

# --- idle: only heartbeats change
sleep 10
e0=$(evaluations) c0=$(ticks)
sleep "$idle"
e1=$(evaluations) c1=$(ticks)
hz=$(getconf CLK_TCK)
echo "idle ${idle} s: CPU $(awk "BEGIN{printf \"%.2f\", ($c1 - $c0) / $hz / $idle * 100}")% of a core, $((e1 - e0)) evaluations; RSS $(status VmRSS) MiB, peak $(status VmHWM) MiB"

# --- change → metric
patch() { # namespace name selector
    k -X PATCH -H 'Content-Type: application/merge-patch+json' "$api/api/v1/namespaces/$1/services/$2" \
        -d "{\"spec\":{\"selector\":{\"app\":\"$3\"}}}" > /dev/null
}
wait_metric() { # pattern present|absent
    local start=$1 pattern=$2 want=$3
    while :; do
        if curl -sf "$metrics" | grep -qF "$pattern"; then
            [ "$want" = present ] && break
        else
            [ "$want" = absent ] && break
        fi
        if [ "$(awk "BEGIN{print ($(now) - $start > 120)}")" = 1 ]; then
            echo "timeout"
            return
        fi
        sleep 0.05
    done
    since "$start"
}
for i in $(seq 1 "$changes"); do
    d=$((i * 7 % deployments))
    ns=load-$((d % namespaces))
    pattern="rule=\"NW007\",severity=\"high\",namespace=\"$ns\""
    t=$(now)
    patch "$ns" "app-$d" "app-$d-typo"
    broke=$(wait_metric "$t" "$pattern" present)
    sleep 2
    t=$(now)
    patch "$ns" "app-$d" "app-$d"
    fixed=$(wait_metric "$t" "$pattern" absent)
    echo "change $i: Service $ns/app-$d broken → NW007 on /metrics in $broke s; fixed → gone in $fixed s"
    sleep 2
done
echo "after the changes: RSS $(status VmRSS) MiB, peak $(status VmHWM) MiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
grep '"evaluated"' "$D/agent.log" | tail -3 | grep -o '"seconds":[0-9.]*' | tr '\n' ' '
echo
