#!/bin/bash
# bench-view.sh — the wizard's view + diff on a 1,000-row live server table (release build).
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
echo "== view + diff (release build)"
swift build -c release --product microcloud-bench >/dev/null
.build/release/microcloud-bench 1000
