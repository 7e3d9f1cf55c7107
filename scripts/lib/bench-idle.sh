#!/bin/bash
# bench-idle.sh — the idle CPU of `microcloud init` waiting on the server table (release build unless
# BENCH_BUILD=debug; lab server 1, in tmux at 132x43, 2 servers announced, none joined): CPU time of the
# process over 60 s (/proc/PID/stat, threads that ended included) and how often its threads woke (schedstat).
BENCH_BUILD=${BENCH_BUILD:-release}  # the targets are about the release build (the other sections: debug)
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
echo "== idle CPU of microcloud init on the server table ($BENCH_BUILD build, 2 servers announced, none joined)"
need_root_or_skip
build_lab
trap 'tmux -L mcbench kill-server 2>/dev/null || true' EXIT
lab_fresh 3
tmux -L mcbench new-session -d -x 132 -y 43 \
  "scripts/lab exec 1 env MICROCLOUD_STATE_DIR=$(lab_state 1) TERM=xterm-256color $BENCH_BIN/microcloud init --passphrase 'bench mark idle words'"
for _ in $(seq 100); do tmux -L mcbench capture-pane -p | grep -q "2 found" && break; sleep 0.2; done
pid=$(pgrep -f "microcloud init --passphrase bench" | head -1)
# CPU time of the process (threads that ended included), in clock ticks; over a minute one tick is 0.017 %
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
wakes() { cat /proc/"$pid"/task/*/schedstat | awk '{ n += $3 } END { print n }'; }
hz=$(getconf CLK_TCK)
sleep 2
t0=$(ticks); w0=$(wakes); sleep 60; t1=$(ticks); w1=$(wakes)
percent=$(awk -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN { printf "%.3f", d / hz / 60 * 100 }')
awk -v p="$percent" -v d=$((t1 - t0)) -v hz="$hz" -v w=$((w1 - w0)) \
  'BEGIN { printf "idle CPU: %.3f%% of one core over 60 s (%d ticks at %d Hz; about %.1f thread wakes/s) (target < 0.1%%)\n", p, d, hz, w / 60 }'
figure idle_cpu_percent "$percent"
tmux -L mcbench send-keys C-c
sleep 1
