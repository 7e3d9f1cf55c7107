#!/bin/bash
# bench-ratios.sh — the ratios of the figures recorded in this run (only those whose sections ran).
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
ratio() {  # LABEL NUMERATOR-KEY DENOMINATOR-KEY
  local a b
  a=$(figure_of "$2"); b=$(figure_of "$3")
  [ -n "$a" ] && [ -n "$b" ] || return 0
  awk -v l="$1" -v a="$a" -v b="$b" 'BEGIN { printf "  %-52s %7.3f / %7.3f = %.2fx\n", l, a, b, a / b }'
}
echo "== ratios (this run)"
ratio "discovery: microcloudd / avahi-publish-service" discovery_product discovery_floor
for n in 3 6 9; do
  ratio "preseed on $n servers: product / raw REST script" "preseed_${n}_product" "preseed_${n}_raw"
  ratio "front on $n servers / discovery floor" "front_$n" discovery_floor
done
ratio "preseed: 9 servers / 3 servers" preseed_9_product preseed_3_product
ratio "raw REST script: 9 servers / 3 servers" preseed_9_raw preseed_3_raw
