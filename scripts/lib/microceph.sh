# shellcheck shell=bash
# microceph.sh — the lab's MicroCeph (scripts/lib/microceph/microcephd): MicroCeph's REST API on a unix
# socket per server, done by Debian's real Ceph daemons inside that server's namespaces. It starts with no
# Ceph daemon at all; bootstrap and join (POST /core/control) start mon, mgr, mds; POST /1.0/disks, OSDs.
# Everything it makes lives in the server's folder and its private mount namespace, so `down` needs
# nothing beyond what it already does (kill the server's processes, let its namespaces go, rm the folder).

server_microceph_dir()    { echo "$(server_dir "$1")/microceph"; }
server_microceph_socket() { echo "$(server_microceph_dir "$1")/control.socket"; }

# Ceph's daemons and librados's Python binding are there (scripts/setup installs them).
microceph_available() {
  command -v ceph-mon >/dev/null && command -v ceph-osd >/dev/null &&
    /usr/bin/python3 -c 'import rados' 2>/dev/null
}

start_microceph() {
  local i=$1 d
  d=$(server_microceph_dir "$i")
  mkdir -p "$d/state" "$d/ceph"
  spawn "$i" microceph /usr/bin/python3 -B "$LAB_LIB/microceph/microcephd" \
      --socket "$(server_microceph_socket "$i")" --state-dir "$d/state" --data-dir "$d/ceph" \
      --name "$(server_name "$i")" --address "$(server_addr "$i")"
}

microceph_ready() {
  [ -S "$(server_microceph_socket "$1")" ] &&
    { curl -sf --max-time 5 --unix-socket "$(server_microceph_socket "$1")" http://lab/core/1.0/ready ||
      curl -sf --max-time 5 --unix-socket "$(server_microceph_socket "$1")" http://lab/cluster/1.0/ready; } >/dev/null
}

microceph_up() { server_pid "$1" microceph >/dev/null; }

start_microcephs() {
  local first=$1 last=$2 i
  if ! microceph_available; then
    step_done "microceph: Ceph not installed (scripts/setup): skipped"
    return 0
  fi
  for ((i = first; i <= last; i++)); do start_microceph "$i"; done
  for ((i = first; i <= last; i++)); do
    wait_for 100 microceph_ready "$i" || die "server $i: microceph not ready in 10 s ($(server_dir "$i")/microceph.log)"
  done
  step_done "microceph API on $((last - first + 1)) servers (no Ceph daemon until bootstrap)"
}
