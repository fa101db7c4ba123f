#!/usr/bin/env bash
# Start a real control plane (built by scripts/controlplane/build.sh), run the
# tests that need one, and stop it — also when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/day2-e2e.XXXXXX")
cleanup() {
  scripts/controlplane/down.sh "$run_dir" || true
  if [ "${KEEP_E2E_DIR:-}" != "1" ]; then rm -rf "$run_dir"; fi
}
trap cleanup EXIT
scripts/controlplane/up.sh "$run_dir"
export DAY2_E2E_KUBECONFIG="$run_dir/admin.kubeconfig"
export DAY2_E2E_DIR="$run_dir"
# Every test that needs a control plane is #[ignore]d in the normal suite and
# runs here, one test binary at a time against the one control plane.
cargo test --workspace -- --ignored --test-threads=1
