#!/bin/bash
# bench-preseed.sh — the whole preseed on BENCH_SIZES servers (default 3 6 9), each on a fresh lab, against the raw
# REST script doing the same LXD work on another fresh lab of the same size (scripts/lib/bench-raw-preseed.sh).
# From the time-stamped output of every server it splits the front (before "Initializing the cloud"):
#   discovery     start -> the last joiner has found the initiator and checked its certificate
#   proof         -> the initiator has the last joiner's proven intent ("Detected joining system")
#   confirmation  -> every joiner is confirmed and the initiator gathers the inventories
#   inventory     -> "Initializing the cloud"
# and records the wall time per phase of the initiator's report (phases overlap when steps run beside each other).
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
need_root_or_skip
build_lab
for n in ${BENCH_SIZES:-3 6 9}; do
  echo "== preseed on $n servers: product against the raw REST script"
  dir=$BENCH_OUT/preseed-$n
  rm -rf "$dir"
  lab_fresh "$n"
  product=$(preseed_run "$n" "$dir")
  logs=("$dir"/preseed*.log)
  discovered=$(latest_line "$dir" "Contacting system" "${logs[@]:1}")
  proven=$(latest_line "$dir" "Detected joining system" "$dir/preseed1.log")
  gathering=$(latest_line "$dir" "Gathering system information" "$dir/preseed1.log")
  initializing=$(latest_line "$dir" "Initializing the cloud" "$dir/preseed1.log")
  awk -v d="$discovered" -v p="$proven" -v g="$gathering" -v i="$initializing" 'BEGIN {
    printf "front: %.2f s = discovery %.2f + proof %.2f + confirmation %.2f + inventory %.2f\n", i, d, p - d, g - p, i - g }'
  figure "front_$n" "$initializing"
  figure "front_${n}_discovery" "$discovered"
  figure "front_${n}_proof" "$(awk -v a="$discovered" -v b="$proven" 'BEGIN { printf "%.3f", b - a }')"
  figure "front_${n}_confirmation" "$(awk -v a="$proven" -v b="$gathering" 'BEGIN { printf "%.3f", b - a }')"
  figure "front_${n}_inventory" "$(awk -v a="$gathering" -v b="$initializing" 'BEGIN { printf "%.3f", b - a }')"
  # When each phase ran (first step started to last step done, from the initiator's step lines): the plot's bars.
  {
    printf 'front\t0\t%s\n' "$initializing"
    awk -v s="$(cat "$dir/start")" '
      function phase(t) {
        if (t ~ /Join |join token/) return "joins"
        if (t ~ /storage pool|volumes/) return "storage"
        if (t ~ /[Nn]etwork|OVN/) return "networks"
        if (t ~ /profile/) return "profile"
        if (t ~ /Configure LXD|clustering|Bootstrap/) return "services bootstrap"
        return "other"
      }
      / … | ✓ / {
        t = $1 - s; line = $0; sub(/^[^…✓]*[…✓] (\[[^]]*\] )?/, "", line); sub(/ \((budget )?[0-9.]+s\)$/, "", line)
        p = phase(line)
        if (!(p in a) || t < a[p]) a[p] = t
        if (!(p in b) || t > b[p]) b[p] = t
      }
      END { for (p in a) printf "%s\t%.3f\t%.3f\n", p, a[p], b[p] }' "$dir/preseed1.log" | sort -t$'\t' -k2,2g
    printf 'total\t0\t%s\n' "$product"
  } > "$dir/spans.tsv"
  # The report's table: "| joins | 1.23s |" rows (or "joins  1.23s" without borders).
  sed -n '/Wall time per phase/,$p' "$dir/preseed1.log" | cut -d' ' -f2- |
    awk '/^[| ]*[a-z][a-z ]*[ |]+[0-9.]+s[ |]*$/ { gsub(/\|/, ""); t = $NF; sub(/s$/, "", t); $NF = ""; sub(/ +$/, ""); print $0 "\t" t }' \
    > "$dir/phases.tsv"
  while IFS=$'\t' read -r phase seconds; do
    printf '  %-20s %6.2f s\n' "$phase" "$seconds"
    figure "phase_${n}_${phase// /_}" "$seconds"
  done < "$dir/phases.tsv"
  figure "preseed_${n}_product" "$product"
  lab_fresh "$n"
  raw=$(scripts/lib/bench-raw-preseed.sh "$n")
  figure "preseed_${n}_raw" "$raw"
  awk -v n="$n" -v p="$product" -v r="$raw" 'BEGIN {
    printf "preseed on %d servers: product %.2f s, raw REST script %.2f s: %.2fx\n", n, p, r, p / r }'
done
echo "== wall time per phase (bars: when each phase ran; $BENCH_OUT/phases.svg)"
scripts/lib/bench-plot.py "$BENCH_OUT" | tee "$BENCH_OUT/phases.txt"
