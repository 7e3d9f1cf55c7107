#!/bin/bash
# bench-discovery.sh — discovery latency over BENCH_RUNS runs (default 20): a server starts announcing itself and a
# peer's browser resolves it. The product (microcloudd started on server 2) against the floor (avahi-publish-service
# started on server 2, same service type), both seen by one `avahi-browse -r` on server 1, alternating.
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
echo "== discovery: start on server 2 -> resolved by a browser on server 1 (${BENCH_RUNS:-20} runs each)"
need_root_or_skip
build_lab
lab_fresh 2
lab_helpers
bin=$MICROCLOUDD
log=$BENCH_OUT/discovery-browse.log
: > "$log"
(in_server 1 stdbuf -oL avahi-browse -rpk _microcloud._tcp 2>/dev/null > >(stamp_lines >> "$log")) &
browser=$!   # in_server execs: this is avahi-browse itself
trap 'kill "$browser" 2>/dev/null || true' EXIT

# Waits until the browse log has, after line FROM, a line of KIND (= resolved, - gone) for service NAME; prints its time.
seen() {
  local from=$1 kind=$2 name=$3 n
  for n in $(seq 100); do
    local t
    t=$(tail -n +"$((from + 1))" "$log" | awk -v k="$kind" -v s="$name" '{ split($2, f, ";") } f[1] == k && f[4] == s { print $1; exit }')
    if [ -n "$t" ]; then echo "$t"; return 0; fi
    sleep 0.05
  done
  echo "discovery bench: no '$kind' line for $name in 5 s" >&2
  return 1
}
lines() { wc -l < "$log"; }
seen 0 = micro02 >/dev/null   # the lab's daemon on server 2, seen once

product=() floor=()
for ((run = 1; run <= ${BENCH_RUNS:-20}; run++)); do
  from=$(lines); stop_process 2 microcloudd; seen "$from" - micro02 >/dev/null
  from=$(lines); t0=$EPOCHREALTIME; start_microcloudd 2 "$bin"
  t1=$(seen "$from" = micro02)
  product+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")

  from=$(lines); t0=$EPOCHREALTIME
  (in_server 2 avahi-publish-service "floor$run" _microcloud._tcp 7443 "name=floor$run" >/dev/null 2>&1) &
  publisher=$!
  t1=$(seen "$from" = "floor$run")
  floor+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
  from=$(lines); kill "$publisher"; wait "$publisher" 2>/dev/null || true
  seen "$from" - "floor$run" >/dev/null || true
done
read -r pm pmin pmax < <(printf '%s\n' "${product[@]}" | stats)
read -r fm fmin fmax < <(printf '%s\n' "${floor[@]}" | stats)
figure discovery_product "$pm"; figure discovery_floor "$fm"
printf 'discovery, product (microcloudd start -> resolved on a peer): median %s s, min %s, max %s\n' "$pm" "$pmin" "$pmax"
printf 'discovery, floor (avahi-publish-service start -> resolved):   median %s s, min %s, max %s\n' "$fm" "$fmin" "$fmax"
awk -v p="$pm" -v f="$fm" 'BEGIN { printf "discovery, product / floor: %.2fx\n", p / f }'
