#!/bin/bash
# bench-ceph.sh — the product's Ceph phase on the lab's real Ceph (3 servers x 2 OSDs, `microcloud preseed`): the
# phase's wall time (first disk started to last disk finished, from the initiator's bootstrap.log) next to the sum
# of its per-disk times. Disks of all servers are added at once, so the wall time should be well under the sum.
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
echo "== Ceph phase: 3 servers x 2 OSDs by preseed (the lab's MicroCeph, Ceph 16.2 daemons)"
need_root_or_skip
build_debug
export MCLAB_MICROCEPH=1   # the servers "have the snap": microcloudd is given the lab MicroCeph's socket
lab_fresh 3
# The lab's preseed with disk2 and disk3 of every server for Ceph, wiped (after the local pool's entry).
eval "$(declare -f preseed_yaml | sed '1s/preseed_yaml/lab_preseed_yaml/')"
preseed_yaml() {
  lab_preseed_yaml "$1" | awk '{ print } /^      wipe: true$/ && !done {
    print "  ceph:\n    - find: serial == disk2.img || serial == disk3.img\n      wipe: true"; done = 1 }'
}
dir=$BENCH_OUT/ceph
rm -rf "$dir"
run=$(preseed_run 3 "$dir")
python3 - "$(lab_state 1)/bootstrap.log" "$run" "$BENCH_FIGURES" <<'PY'
import json, sys
from datetime import datetime
log, run, figures = sys.argv[1], float(sys.argv[2]), sys.argv[3]
disks = {}
for line in open(log):
    e = json.loads(line)
    if e["step"].startswith("microceph.disk."):
        disks.setdefault(e["step"], []).append((e["event"], datetime.fromisoformat(e["time"].replace("Z", "+00:00"))))
spans = {}
for step, events in sorted(disks.items()):
    start = next(t for k, t in events if k == "started")
    end = next(t for k, t in reversed(events) if k in ("succeeded", "failed"))
    spans[step] = (start, end)
    outcome = "up and in" if events[-1][0] == "succeeded" else events[-1][0]
    print(f"  {step[len('microceph.disk.'):].replace('./', ' /', 1):<28} {outcome} after {(end - start).total_seconds():6.1f} s")
wall = (max(e for _, e in spans.values()) - min(s for s, _ in spans.values())).total_seconds()
total = sum((e - s).total_seconds() for s, e in spans.values())
print(f"  preseed on 3 servers (wall)           {run:6.1f} s")
print(f"  Ceph phase wall time                  {wall:6.1f} s")
print(f"  sum of its {len(spans)} disks' times            {total:6.1f} s   (wall / sum = {wall / total:.2f})")
with open(figures, "a") as f:
    f.write(f"ceph_phase_wall\t{wall:.3f}\nceph_disks_sum\t{total:.3f}\n")
PY
scripts/lab down >/dev/null
