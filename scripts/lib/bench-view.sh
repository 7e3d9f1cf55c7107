#!/bin/bash
# bench-view.sh — the wizard's frame (update + view + diff) on a 1,000-row live server table (release build):
# wall time per frame, the thread's CPU time (what a shared machine's load does not inflate) and the split.
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
echo "== view + diff (release build; target: mean < 1 ms at 132x43)"
swift_build release microcloud-bench
.build/release/microcloud-bench 1000 2000 | tee "$BENCH_OUT/view.txt"
figure view_mean_us "$(sed -n 's/^view + diff, [0-9]*-row live table, 132x43: mean \([0-9]*\) µs.*/\1/p' "$BENCH_OUT/view.txt")"
