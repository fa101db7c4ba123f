#!/usr/bin/env bash
# Start a real control plane on 127.0.0.1 for the end-to-end tests: etcd,
# kube-apiserver (RBAC on, client certificates), kube-scheduler and
# kube-controller-manager, and kwok, all built by build.sh from their Go modules.
# There is no kubelet: tests create Nodes with their status (the apiserver
# accepts status on create) and write pod status themselves where needed.
# Nodes annotated kwok.x-k8s.io/node=fake are kwok's: it heartbeats them and
# plays their pods' lifecycle by the Stages of kwok-stages.yaml (ready, or
# a kubelet-side fault the pod's annotations ask for).
#
#   scripts/controlplane/up.sh DIR    # DIR/admin.kubeconfig when it returns
#   scripts/controlplane/down.sh DIR
#
# DIR holds certificates, kubeconfigs, etcd data, one log per component and a
# pid file and a command line (NAME.cmd) per component. Ports are picked free
# at start. restart-apiserver.sh DIR stops and starts the apiserver again.
#
# DAY2_CP_SCALE=1 (bench/agent-kwok.sh) is for loading thousands of nodes and
# pods: no client rate limits in the scheduler and controller manager, no
# in-flight request limits in the apiserver, and no audit log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
D=${1:?usage: up.sh RUN_DIR}
mkdir -p "$D"
D=$(cd "$D" && pwd)
bin=$("$here/build.sh" | tail -1)
cd "$D"
t0=$(date +%s.%N)

# --- certificates: one CA; a serving cert; client certs per identity -----------
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -subj "/CN=day2-e2e-ca" -days 2 -out ca.crt 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' > serving.cnf
printf 'extendedKeyUsage=clientAuth\n' > client.cnf
serial=1
cert() { # name subject extfile
  openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -set_serial $serial -days 2 -extfile "$3" -out "$1.crt" 2>/dev/null
  serial=$((serial + 1)); rm -f "$1.csr"
}
cert apiserver "/CN=kube-apiserver" serving.cnf
cert admin "/O=system:masters/CN=admin" client.cnf
cert scheduler "/CN=system:kube-scheduler" client.cnf
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null

taken=" "
# Below the kernel's ephemeral range: a port above it may be free when
# probed and taken a moment later by an outgoing connection of the
# components already started (the API server's to etcd), and the last
# component to bind then fails with `address already in use`.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$ephemeral_low" -gt 12000 ] 2>/dev/null || ephemeral_low=32768
free_port() { # VAR: a port nothing listens on, not handed out already
  local p
  while :; do
    p=$((10000 + RANDOM % (ephemeral_low - 10000)))
    case "$taken" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then break; fi
  done
  taken="$taken$p "
  printf -v "$1" '%s' "$p"
}
free_port EP; free_port PP; free_port AP; free_port SP; free_port CP
free_port KP

kubeconfig() { # file user-cert-basename
  cat > "$1" <<KC
apiVersion: v1
kind: Config
current-context: day2-e2e
clusters:
- name: day2-e2e
  cluster:
    server: https://127.0.0.1:$AP
    certificate-authority-data: $(base64 -w0 ca.crt)
contexts:
- name: day2-e2e
  context: {cluster: day2-e2e, user: $2}
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 "$2.crt")
    client-key-data: $(base64 -w0 "$2.key")
KC
}
kubeconfig admin.kubeconfig admin
kubeconfig scheduler.kubeconfig scheduler

start() { # name args...
  local name=$1; shift
  "$@" > "$D/$name.log" 2>&1 &
  echo $! > "$D/$name.pid"
  # The command line, shell-quoted, to start it again (restart-apiserver.sh).
  printf '%q ' "$@" > "$D/$name.cmd"
}
wait_url() { # what url seconds [curl args...]
  local what=$1 url=$2 secs=$3; shift 3
  for _ in $(seq 1 $((secs * 5))); do
    if curl -sf "$@" "$url" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "up.sh: $what not ready after ${secs}s; last log lines:" >&2
  tail -20 "$D/$what.log" >&2
  exit 1
}

start etcd "$bin/etcd" --name=n0 --data-dir="$D/etcd" --unsafe-no-fsync=true \
  --listen-client-urls=http://127.0.0.1:$EP --advertise-client-urls=http://127.0.0.1:$EP \
  --listen-peer-urls=http://127.0.0.1:$PP --initial-advertise-peer-urls=http://127.0.0.1:$PP \
  --initial-cluster=n0=http://127.0.0.1:$PP
wait_url etcd "http://127.0.0.1:$EP/health" 30

scale_api=() scale_client=()
if [ "${DAY2_CP_SCALE:-}" = 1 ]; then
  scale_api=(--max-requests-inflight=3000 --max-mutating-requests-inflight=1000)
  scale_client=(--kube-api-qps=5000 --kube-api-burst=10000)
fi

# Every request is audited (metadata only): tests read DIR/audit.log to prove
# which verbs an identity sent.
audit=(--audit-policy-file=audit-policy.yaml --audit-log-path="$D/audit.log" --audit-log-maxsize=0)
[ "${DAY2_CP_SCALE:-}" = 1 ] && audit=()
cat > audit-policy.yaml <<'AP'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
AP

# The apiserver refuses a loopback advertise address; any of the host's others will do.
ip=$(hostname -I 2>/dev/null | awk '{print $1}')
start apiserver "$bin/kube-apiserver" --etcd-servers=http://127.0.0.1:$EP \
  --bind-address=127.0.0.1 --secure-port=$AP --advertise-address="${ip:-10.255.255.1}" \
  --tls-cert-file=apiserver.crt --tls-private-key-file=apiserver.key --client-ca-file=ca.crt \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file=sa.pub --service-account-signing-key-file=sa.key \
  --service-cluster-ip-range=10.0.0.0/24 --authorization-mode=RBAC --allow-privileged=true \
  --disable-admission-plugins=ServiceAccount "${audit[@]}" "${scale_api[@]}"
wait_url apiserver "https://127.0.0.1:$AP/readyz" 90 --cacert ca.crt --cert admin.crt --key admin.key

start scheduler "$bin/kube-scheduler" --kubeconfig=scheduler.kubeconfig --leader-elect=false \
  --bind-address=127.0.0.1 --secure-port=$SP \
  --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics "${scale_client[@]}"
wait_url scheduler "https://127.0.0.1:$SP/healthz" 60 -k

# No kubelet renews node leases: a day's grace keeps test nodes Ready (the
# node-lifecycle controller still lifts the not-ready taint nodes are born with).
start controller-manager "$bin/kube-controller-manager" --kubeconfig=admin.kubeconfig \
  --leader-elect=false --bind-address=127.0.0.1 --secure-port=$CP \
  --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics \
  --root-ca-file=ca.crt --service-account-private-key-file=sa.key \
  --node-monitor-grace-period=24h --node-startup-grace-period=24h \
  --controllers='*,-cloud-node-lifecycle-controller' "${scale_client[@]}"
wait_url controller-manager "https://127.0.0.1:$CP/healthz" 60 -k

# Simulated kubelets for the nodes annotated kwok.x-k8s.io/node=fake only;
# other test nodes keep the status their tests wrote.
start kwok "$bin/kwok" --kubeconfig=admin.kubeconfig --config="$here/kwok-stages.yaml" \
  --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --cidr=10.244.0.0/16 --node-ip=10.0.1.1 --server-address="127.0.0.1:$KP"
wait_url kwok "http://127.0.0.1:$KP/healthz" 30

printf 'apiserver=https://127.0.0.1:%s\netcd=http://127.0.0.1:%s\n' "$AP" "$EP" > endpoints
echo "control plane up in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t0}")s: $D/admin.kubeconfig" >&2
