# shellcheck shell=bash
# teardown.sh — remove everything a lab run made, also what an interrupted run left behind.
# Works from names alone (mcl<I> namespaces, $LAB_BASE paths, the two bridges, the guard route),
# never from the state files of the run, which an interrupted run may not have written.

# Ancestors of this script: a command started through `lab exec` may itself call `lab down`.
own_lineage() {
  local pid=$$
  while [ "$pid" -gt 1 ]; do
    echo "$pid"
    pid=$(ps -o ppid= -p "$pid" | tr -d ' ') || break
  done
}

# Every process of the lab: those in our namespaces, plus any that carry our tag or our paths
# (they may have outlived a namespace someone deleted by hand).
lab_pids() {
  local ns
  {
    for ns in $(lab_namespaces); do ip netns pids "$ns" 2>/dev/null || true; done
    # patterns come through -f: in grep's own command line they would make grep match itself
    # -z -x: whole NUL-separated entries, so /tmp/mclab never matches another lab's /tmp/mclab-x
    grep -lszxFf <(echo "MCLAB_LAB=$LAB_BASE") /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
    grep -lsFf <(echo "$LAB_BASE/") /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3
  } | sort -un | grep -vxF -f <(own_lineage) || true
}

no_lab_pids() { [ -z "$(lab_pids)" ]; }

kill_lab_processes() {
  local pids
  pids=$(lab_pids)
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086 # one pid per word
  kill -TERM $pids 2>/dev/null || true
  wait_for 30 no_lab_pids && return 0
  pids=$(lab_pids)
  # shellcheck disable=SC2086
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  wait_for 30 no_lab_pids || echo "lab: warning: processes still running: $(lab_pids | xargs)" >&2
}

# Mounts under $LAB_BASE in the root namespace (the servers' own mounts live in their private
# mount namespaces and die with them; this catches anything a person mounted by hand).
unmount_lab_paths() {
  local target
  findmnt -rn -o TARGET | awk -v base="$LAB_BASE" 'index($0, base) == 1' | sort -r |
    while read -r target; do umount -l "$target" 2>/dev/null || true; done
}

lab_clear() {
  ovn_bridges_down
  kill_lab_processes
  net_down
  unmount_lab_paths
  disks_down
  remove_disk_links
  rm -rf "$LAB_BASE"
}

lab_down() {
  lab_clear
  release_netns_mount
}
