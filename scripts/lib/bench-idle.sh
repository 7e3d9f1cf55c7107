#!/bin/bash
# bench-idle.sh — the idle CPU of `microcloud init` waiting on the server table (lab server 1, in tmux, 10 s sample).
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
echo "== idle CPU of microcloud init on the server table (debug build, 3 servers announced, none joined)"
need_root_or_skip
build_debug
trap 'tmux -L mcbench kill-server 2>/dev/null || true' EXIT
lab_fresh 3
tmux -L mcbench new-session -d -x 132 -y 43 \
  "scripts/lab exec 1 env MICROCLOUD_STATE_DIR=$(lab_state 1) TERM=xterm-256color .build/debug/microcloud init --passphrase 'bench mark idle words'"
for _ in $(seq 50); do tmux -L mcbench capture-pane -p | grep -q "2 found" && break; sleep 0.2; done
pid=$(pgrep -f "microcloud init --passphrase bench" | head -1)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
sleep 2
t0=$(ticks "$pid"); sleep 10; t1=$(ticks "$pid")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
awk -v d=$((t1 - t0)) -v hz="$hz" -v rss="$rss" \
  'BEGIN { printf "idle CPU: %.2f%% of one core over 10 s (%d ticks at %d Hz); RSS %.1f MiB\n", d / hz / 10 * 100, d, hz, rss / 1024 }'
tmux -L mcbench send-keys C-c
sleep 1
