#!/usr/bin/env bash
# Build the real control plane the end-to-end tests run against: etcd,
# kube-apiserver, kube-controller-manager and kube-scheduler, and kwok's
# simulated kubelets, compiled from their Go modules
# (tools/controlplane/{k8s,etcd,kwok}; versions pinned by go.mod and go.sum).
# Nothing is downloaded but Go modules; nothing built is committed.
#
# Binaries land in a cache directory keyed on the go.mod/go.sum contents, so a
# second run (or a fresh clone on the same machine) is a no-op; GOCACHE and
# GOMODCACHE stay at Go's defaults so rebuilds after a version bump are
# incremental. Prints the bin directory on its last line of stdout.
#
#   scripts/controlplane/build.sh            # build if needed, print bin dir
#   DAY2_CP_REBUILD=1 scripts/controlplane/build.sh   # force a rebuild
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tools="$root/tools/controlplane"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

# Go 1.26+: the one on PATH, else the official toolchain module from the Go
# module proxy, unpacked once into the cache.
go_ok() { command -v go >/dev/null && go version | grep -Eq 'go1\.(2[6-9]|[3-9][0-9])'; }
if ! go_ok; then
  gov=1.26.8
  arch=$(uname -m); case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
  gocache="${XDG_CACHE_HOME:-$HOME/.cache}/day2/go$gov"
  godir="$gocache/golang.org/toolchain@v0.0.1-go$gov.linux-$arch"
  if [ ! -x "$godir/bin/go" ]; then
    echo "fetching Go $gov from the module proxy" >&2
    mkdir -p "$gocache"
    proxy=$(echo "${GOPROXY:-https://proxy.golang.org}" | cut -d, -f1)
    curl -fsSL "$proxy/golang.org/toolchain/@v/v0.0.1-go$gov.linux-$arch.zip" -o "$gocache/go.zip"
    unzip -q -o "$gocache/go.zip" -d "$gocache" && rm -f "$gocache/go.zip"
    chmod +x "$godir/bin/"* "$godir/pkg/tool/"*/* 2>/dev/null || true
  fi
  export PATH="$godir/bin:$PATH" GOROOT="$godir"
  go_ok || { echo "build.sh: no usable Go 1.26+ (tried $godir)" >&2; exit 1; }
fi

key=$(cat "$tools"/k8s/go.mod "$tools"/k8s/go.sum "$tools"/k8s/tools.go \
          "$tools"/etcd/go.mod "$tools"/etcd/go.sum "$tools"/etcd/main.go \
          "$tools"/kwok/go.mod "$tools"/kwok/go.sum "$tools"/kwok/tools.go "$0" \
      | sha256sum | cut -c1-16)
cache="${DAY2_CP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/day2/controlplane}"
bin="$cache/$key/bin"
stamp="$bin/.complete"

if [ -f "$stamp" ] && [ "${DAY2_CP_REBUILD:-}" != "1" ]; then
  echo "control plane binaries up to date: $(cat "$stamp")" >&2
  echo "$bin"
  exit 0
fi
mkdir -p "$bin"
t0=$(date +%s)

# Kubernetes version from the pinned module; its staging modules are v0.<minor>.<patch>.
kver=$(sed -n 's/^require k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' "$tools/k8s/go.mod")
[ -n "$kver" ] || { echo "build.sh: no k8s.io/kubernetes version in tools/controlplane/k8s/go.mod" >&2; exit 1; }
minor=$(echo "$kver" | cut -d. -f2)
ldf="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldf="$ldf -X $p.gitVersion=$kver -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  ldf="$ldf -X $p.buildDate=1970-01-01T00:00:00Z"
done

echo "building etcd ($(sed -n 's/^require go.etcd.io\/etcd\/server\/v3 //p' "$tools/etcd/go.mod"))" >&2
(cd "$tools/etcd" && go build -trimpath -ldflags="-s -w" -o "$bin/etcd" .)
t1=$(date +%s)

for cmd in kube-apiserver kube-scheduler kube-controller-manager; do
  echo "building $cmd $kver" >&2
  (cd "$tools/k8s" && go build -trimpath -tags=selinux,notest,grpcnotrace -ldflags="$ldf" \
      -o "$bin/$cmd" "k8s.io/kubernetes/cmd/$cmd")
done
t2=$(date +%s)

# kwok: its own module, so its k8s.io versions do not move the control plane's.
kwokver=$(sed -n 's/^require sigs.k8s.io\/kwok \(v[0-9.]*\)$/\1/p' "$tools/kwok/go.mod")
echo "building kwok $kwokver" >&2
(cd "$tools/kwok" && go build -trimpath -ldflags="-s -w" -o "$bin/kwok" sigs.k8s.io/kwok/cmd/kwok)
t3=$(date +%s)

"$bin/kube-apiserver" --version >&2
"$bin/etcd" --version | sed -n 1p >&2
"$bin/kwok" --version >&2
echo "kubernetes $kver, kwok $kwokver, etcd $((t1 - t0))s, kubernetes $((t2 - t1))s, kwok $((t3 - t2))s, total $((t3 - t0))s" > "$stamp"
# Binaries of other pins are stale now.
for old in "$cache"/*/; do [ "$old" = "$cache/$key/" ] || rm -rf "$old"; done
echo "control plane built in $((t3 - t0))s: $bin" >&2
echo "$bin"
