#!/usr/bin/env bash
# Stop and start again the kube-apiserver of a control plane started by up.sh,
# with the command line up.sh saved (DIR/apiserver.cmd: the same port, etcd,
# certificates and audit log); its output is appended to DIR/apiserver.log.
#
#   scripts/controlplane/restart-apiserver.sh DIR          # stop, start, wait for /readyz
#   scripts/controlplane/restart-apiserver.sh DIR stop     # SIGTERM, wait for the exit
#   scripts/controlplane/restart-apiserver.sh DIR start    # start unless running; wait for /readyz
#
# On SIGTERM kube-apiserver stops accepting connections at once but drains the
# open ones for up to its --request-timeout (60 s): clients' watches stay open
# that long, then end, and it exits. Stopping waits 90 s for that, then sends
# SIGKILL.
set -euo pipefail
D=${1:?usage: restart-apiserver.sh RUN_DIR [stop|start|restart]}
what=${2:-restart}
D=$(cd "$D" && pwd)
cd "$D"
[ -f apiserver.cmd ] || { echo "restart-apiserver.sh: no $D/apiserver.cmd (started by an older up.sh?)" >&2; exit 1; }
url="$(sed -n 's/^apiserver=//p' endpoints)/readyz"

running() { [ -f apiserver.pid ] && kill -0 "$(cat apiserver.pid)" 2>/dev/null; }

stop() {
  running || return 0
  local pid
  pid=$(cat apiserver.pid)
  kill -TERM "$pid"
  for _ in $(seq 1 900); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "restart-apiserver.sh: no exit 90 s after SIGTERM; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

start() {
  if ! running; then
    eval "set -- $(cat apiserver.cmd)"
    "$@" >> apiserver.log 2>&1 < /dev/null &
    echo $! > apiserver.pid
  fi
  for _ in $(seq 1 450); do
    if curl -sf --cacert ca.crt --cert admin.crt --key admin.key "$url" >/dev/null 2>&1; then return 0; fi
    running || break
    sleep 0.2
  done
  echo "restart-apiserver.sh: apiserver not ready; last log lines:" >&2
  tail -20 apiserver.log >&2
  exit 1
}

case "$what" in
  stop) stop ;;
  start) start ;;
  restart) stop; start ;;
  *) echo "restart-apiserver.sh: unknown action $what (stop, start or restart)" >&2; exit 2 ;;
esac
