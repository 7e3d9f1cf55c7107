#!/bin/bash
# bench-ovn.sh — the lab's MicroOVN on 3 servers: bootstrap, joins, LXD's UPLINK + default on real OVN, RSS.
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
echo "== the lab's MicroOVN on 3 servers (real OVN; LXD's UPLINK + default)"
need_root_or_skip
build_debug
lab_fresh 3
scripts/lib/microovn/bench.sh
