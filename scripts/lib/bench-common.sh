# shellcheck shell=bash disable=SC2034 # BENCH_* are read by the sections
# bench-common.sh — what the sections of scripts/bench share: the lab's knobs, builds, the figures file and a
# timed preseed run. Sourced by each scripts/lib/bench-*.sh (each section also runs on its own).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# The bench's own lab (names and subnet of its own, so a demo or test lab is left alone); override to share a box.
export MCLAB_BASE=${MCLAB_BASE:-/tmp/mclab-bench} MCLAB_RUN=${MCLAB_RUN:-/run/mclab-bench} \
       MCLAB_NS_PREFIX=${MCLAB_NS_PREFIX:-mcb} MCLAB_NET=${MCLAB_NET:-10.231.2} \
       MCLAB_BRIDGE=${MCLAB_BRIDGE:-mcbbr0} MCLAB_UPLINK_BRIDGE=${MCLAB_UPLINK_BRIDGE:-mcbup0}
# One line per figure, "key<TAB>value", so the driver can print ratios measured in the same run.
BENCH_OUT=${BENCH_OUT:-$MCLAB_BASE-out}
BENCH_FIGURES=$BENCH_OUT/figures.tsv
mkdir -p "$BENCH_OUT"

figure() { printf '%s\t%s\n' "$1" "$2" >> "$BENCH_FIGURES"; }
figure_of() { awk -F'\t' -v k="$1" '$1 == k { v = $2 } END { print v }' "$BENCH_FIGURES" 2>/dev/null; }
need_root_or_skip() { [ "$(id -u)" = 0 ] || { echo "(not root: skipped)"; exit 0; }; }

build_debug() {
  swift build --product microcloud >/dev/null
  swift build --product microcloudd >/dev/null
}

# The build the discovery and preseed sections run: debug by default (the figures in docs/benchmarks.md);
# BENCH_BUILD=release for what an operator runs (the debug build's start-up alone costs seconds when nine start at
# once on two cores). The lab starts this microcloudd.
BENCH_BUILD=${BENCH_BUILD:-debug}
BENCH_BIN=$PWD/.build/$BENCH_BUILD
# swift_build CONFIG PRODUCT. A release build is linked as it ships (README): the Swift runtime and Foundation
# statically (--static-swift-stdlib), which takes ~4 MiB off each process's resident memory. Every release build
# here passes the same flags, since a change of flags rebuilds the whole tree.
swift_build() {
  if [ "$1" = release ]; then swift build -c release --static-swift-stdlib --product "$2" >/dev/null
  else swift build -c "$1" --product "$2" >/dev/null; fi
}
build_lab() {
  swift_build "$BENCH_BUILD" microcloud
  swift_build "$BENCH_BUILD" microcloudd
  export MICROCLOUDD=$BENCH_BIN/microcloudd
}

# A fresh lab of N servers (LXD pristine, microcloudd running).
lab_fresh() {
  scripts/lab down >/dev/null 2>&1 || true
  scripts/lab up "$1" >/dev/null
}
lab_state() { scripts/lab status --json | jq -r ".[$(($1 - 1))].state_dir"; }

# median, min and max of the numbers on stdin: "median min max"
stats() { sort -g | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'; }

# Each line of stdin prefixed with the wall clock (seconds since the epoch) at which it arrived.
stamp_lines() { while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done; }

# The lab's preseed (assets/preseed/lab.yaml) for servers micro01..micro0N on this lab's subnet.
preseed_yaml() {
  local n=$1 i
  sed -e "s#10.231.0.0/24#$MCLAB_NET.0/24#" -e '/^  - name: micro0[0-9]$/d' assets/preseed/lab.yaml |
    awk -v n="$n" '{ print } /^systems:$/ { for (i = 1; i <= n; i++) printf "  - name: micro%02d\n", i }'
}

# The lab's own helpers (in_server, start and stop a process on a server), without the lab command's lock.
lab_helpers() {
  source scripts/lib/common.sh
  local part
  for part in services disks microceph ovn; do source "scripts/lib/$part.sh"; done
}

# Runs `microcloud preseed` on servers 1..N at once (a fresh lab of N servers must be up). Each server's output
# goes, time-stamped, to DIR/preseedI.log; DIR/start holds the start time. Prints the wall time (first start to
# last exit) in seconds; fails when any server's preseed failed.
preseed_run() {
  local n=$1 dir=$2 yaml i start end rc=0
  mkdir -p "$dir"
  yaml=$dir/preseed.yaml
  preseed_yaml "$n" > "$yaml"
  lab_helpers
  local -a pids
  start=$EPOCHREALTIME
  echo "$start" > "$dir/start"
  for ((i = 1; i <= n; i++)); do
    # Straight into the server's namespaces (the lab's own helper): `scripts/lab exec` would add its start-up.
    { (in_server "$i" "$BENCH_BIN/microcloud" preseed --file "$yaml") 2>&1 | stamp_lines > "$dir/preseed$i.log"; } &
    pids[i]=$!
  done
  for ((i = 1; i <= n; i++)); do wait "${pids[i]}" || rc=1; done
  end=$EPOCHREALTIME
  echo "$end" > "$dir/end"
  if ! grep -q "Wall time per phase" "$dir/preseed1.log"; then rc=1; fi
  if [ $rc != 0 ]; then
    echo "preseed on $n servers failed; logs in $dir" >&2
    tail -n 5 "$dir"/preseed*.log >&2
    return 1
  fi
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

# Seconds after DIR/start of the latest line holding TEXT in FILES (the slowest server's), empty when none does.
latest_line() {
  local dir=$1 text=$2
  shift 2
  awk -v s="$(cat "$dir/start")" -v p="$text" \
    'index($0, p) { t = $1 - s; if (!seen || t > m) m = t; seen = 1 } END { if (seen) printf "%.3f\n", m }' "$@"
}
