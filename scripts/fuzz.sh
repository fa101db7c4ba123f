#!/usr/bin/env bash
# Run every cargo-fuzz target in fuzz/ for a bounded time, starting from the
# seed corpus committed in fuzz/corpus/<target>/ (new inputs go to a scratch
# folder, so the committed corpus only changes by hand). A crash, a hang
# (-timeout) or an out-of-memory stops with the input in fuzz/artifacts/.
#
#   DAY2_FUZZ_SECONDS   seconds per target (default 20)
#   DAY2_FUZZ_RUNS      inputs per target; with DAY2_FUZZ_SEED every machine
#                       tries the same inputs in the same order (a slow one may
#                       stop earlier, at DAY2_FUZZ_SECONDS), so a crash CI
#                       reports reproduces with that seed
#   DAY2_FUZZ_SEED      libFuzzer's random seed (default: a fresh one)
#   DAY2_FUZZ_TARGET    build folder, kept between runs
#                       (default ~/.cache/day2/fuzz-target)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${DAY2_FUZZ_SECONDS:-20}
extra=()
[ -n "${DAY2_FUZZ_RUNS:-}" ] && extra+=("-runs=$DAY2_FUZZ_RUNS")
[ -n "${DAY2_FUZZ_SEED:-}" ] && extra+=("-seed=$DAY2_FUZZ_SEED")
export CARGO_TARGET_DIR=${DAY2_FUZZ_TARGET:-$HOME/.cache/day2/fuzz-target}

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# libFuzzer's instrumentation needs unstable compiler flags: a nightly when
# there is one, else the stable compiler with RUSTC_BOOTSTRAP=1.
if rustup run nightly rustc --version >/dev/null 2>&1; then
  export RUSTUP_TOOLCHAIN=nightly
else
  export RUSTUP_TOOLCHAIN=stable RUSTC_BOOTSTRAP=1
fi
echo "fuzz: $(rustc --version), ${secs}s per target ${extra[*]:-}"

cd fuzz
# -a: debug assertions, so an arithmetic overflow is a crash too.
cargo fuzz build -a
scratch=$(mktemp -d "${TMPDIR:-/tmp}/day2-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in $(cargo fuzz list); do
  mkdir -p "$scratch/$t"
  log="$scratch/$t.log"
  if cargo fuzz run -a "$t" "$scratch/$t" "corpus/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 ${extra[@]+"${extra[@]}"} >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "fuzz: $t: ${runs:-?} executions, no crash"
  else
    echo "fuzz: $t FAILED; the input is in fuzz/artifacts/$t/"
    tail -40 "$log"
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failures in ${failed[*]}"
  exit 1
fi
