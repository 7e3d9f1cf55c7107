#!/bin/bash
# bench-memory.sh — resident memory of each process (release build unless BENCH_BUILD=debug), in the lab:
#   `microcloud init` on the server table (2 servers announced), microcloudd idle and after a 3-server preseed,
#   the initiator's `microcloud preseed` (its peak, from /usr/bin/time). Peak is VmHWM, steady is VmRSS.
# Targets (issue 11): init < 30 MiB, microcloudd < 25 MiB resident (steady), the initiator's preseed < 30 MiB.
# A daemon's peak in and after a session is its steady size plus scrypt's 16 MiB table (`Crypto.scrypt`), held for
# the one key derivation of the session: the key's memory-hardness, kept by design (the last line says so).
BENCH_BUILD=${BENCH_BUILD:-release}  # the targets are about the release build (the other sections: debug)
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
echo "== resident memory ($BENCH_BUILD build; peak = VmHWM, steady = VmRSS)"
need_root_or_skip
build_lab  # release unless BENCH_BUILD=debug; the lab starts this microcloudd
bin=$BENCH_BIN/microcloud
trap 'tmux -L mcbmem kill-server 2>/dev/null || true' EXIT

kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }
# mem KEY LABEL PID TARGET: one line, and the figures rss_KEY_peak and rss_KEY_steady (MiB)
mem() {
  local peak steady
  peak=$(kib "$3" VmHWM); steady=$(kib "$3" VmRSS)
  awk -v l="$2" -v p="$peak" -v s="$steady" -v t="$4" \
    'BEGIN { printf "%-34s peak %5.1f MiB, steady %5.1f MiB (target < %d MiB)\n", l, p / 1024, s / 1024, t }'
  figure "rss_$1_peak" "$(awk -v p="$peak" 'BEGIN { printf "%.1f", p / 1024 }')"
  figure "rss_$1_steady" "$(awk -v s="$steady" 'BEGIN { printf "%.1f", s / 1024 }')"
}
daemon_pid() { cat "$MCLAB_BASE/s$1/microcloudd.pid"; }

lab_fresh 3
sleep 3
mem daemon_idle "microcloudd idle" "$(daemon_pid 1)" 25

# init on the server table while the two others announce themselves; a full minute there, then Ctrl-C.
tmux -L mcbmem new-session -d -x 132 -y 43 \
  "scripts/lab exec 1 env MICROCLOUD_STATE_DIR=$(lab_state 1) TERM=xterm-256color $bin init --passphrase 'bench mark memory words'"
for _ in $(seq 100); do tmux -L mcbmem capture-pane -p | grep -q "2 found" && break; sleep 0.2; done
pid=$(pgrep -f "microcloud init --passphrase bench mark memory" | head -1)
sleep 5
mem init "init on the server table" "$pid" 30
mem daemon_session "microcloudd in the session" "$(daemon_pid 1)" 25
tmux -L mcbmem send-keys C-c
sleep 1

# A 3-server preseed; the initiator (micro01) under /usr/bin/time for its peak.
lab_fresh 3
yaml=$BENCH_OUT/memory-preseed.yaml
sed "s#10.231.0.0/24#$MCLAB_NET.0/24#" assets/preseed/lab.yaml > "$yaml"
for i in 1 2 3; do
  scripts/lab exec "$i" env MICROCLOUD_STATE_DIR="$(lab_state "$i")" /usr/bin/time -f %M -o "$BENCH_OUT/memory-preseed$i.kib" \
    "$bin" preseed --file "$yaml" > "$BENCH_OUT/memory-preseed$i.log" 2>&1 &
done
wait
grep -q "Wall time per phase" "$BENCH_OUT/memory-preseed1.log" || { echo "the preseed failed: $BENCH_OUT/memory-preseed1.log" >&2; exit 1; }
awk '{ printf "%-34s peak %5.1f MiB (target < 30 MiB)\n", "preseed, the initiator", $1 / 1024 }' "$BENCH_OUT/memory-preseed1.kib"
awk '{ printf "%-34s peak %5.1f MiB\n", "preseed, a joiner", $1 / 1024 }' "$BENCH_OUT/memory-preseed2.kib"
figure rss_preseed_peak "$(awk '{ printf "%.1f", $1 / 1024 }' "$BENCH_OUT/memory-preseed1.kib")"
sleep 3
mem daemon_after "microcloudd after the preseed" "$(daemon_pid 1)" 25
mem joiner_daemon_after "microcloudd after it, a joiner" "$(daemon_pid 2)" 25
echo "(microcloudd's peaks in and after a session: its steady size plus scrypt's 16 MiB table, held while it derives the session's one key)"
