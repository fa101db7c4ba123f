#!/usr/bin/env bash
# Stop a control plane started by up.sh: SIGTERM in reverse start order, then
# SIGKILL after a grace period. Safe to run twice.
set -uo pipefail
D=${1:?usage: down.sh RUN_DIR}
for name in kwok controller-manager scheduler apiserver etcd; do
  f="$D/$name.pid"
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
done
