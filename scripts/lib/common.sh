# shellcheck shell=bash disable=SC2034 # the constants are read by the other parts
# common.sh — names, paths and small helpers shared by the lab's parts. Sourced by scripts/lab.
#
# One lab server I (1..N) is:  name micro0I, network namespace mcl<I>, eth0 = 10.231.0.(10+I)/24,
# files under $LAB_BASE/s<I>. Everything the lab creates carries one of these names, so teardown can
# find it again even after an interrupted run.

LAB_BASE=${MCLAB_BASE:-/tmp/mclab}
LAB_RUN=${MCLAB_RUN:-/run/mclab}                # lock + markers that must outlive $LAB_BASE
LAB_NS_PREFIX=${MCLAB_NS_PREFIX:-mcl}
LAB_NET=${MCLAB_NET:-10.231.0}                  # the test subnet; nothing outside it is ever a target
# MCLAB_IPV6=1: the servers' wire is IPv6 only, a ULA /64 derived from MCLAB_NET (fd42:4c41:231:0::/64 for 10.231.0;
# MCLAB_NET6 overrides the first four groups), and no IPv4 address at all.
LAB_IPV6=${MCLAB_IPV6:-0}
LAB_NET6=${MCLAB_NET6:-fd42:4c41:$(echo "$LAB_NET" | cut -d. -f2):$(echo "$LAB_NET" | cut -d. -f3)}
LAB_SUBNET4=$LAB_NET.0/24
LAB_SUBNET6=$LAB_NET6::/64
if [ "$LAB_IPV6" = 1 ]; then LAB_SUBNET=$LAB_SUBNET6 LAB_PREFIX=64; else LAB_SUBNET=$LAB_SUBNET4 LAB_PREFIX=24; fi
LAB_GUARD_METRIC=4000              # root-ns blackhole for the test subnet: mistakes fail locally
LAB_BRIDGE=${MCLAB_BRIDGE:-mclbr0}                 # eth0 of every server (mDNS, cluster traffic)
LAB_UPLINK_BRIDGE=${MCLAB_UPLINK_BRIDGE:-mclup0}          # uplink0 of every server (OVN uplink candidate, no addresses)
LAB_UPLINK_IF=uplink0
LAB_DISKS=3                        # loop-backed disks per server
LAB_DISK_SIZE=2G                   # sparse files: they cost nothing until written
LAB_MAX_SERVERS=9

LAB_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_REPO=$(cd "$LAB_LIB/../.." && pwd)

server_name()  { printf 'micro%02d\n' "$1"; }
server_netns() { echo "$LAB_NS_PREFIX$1"; }
server_addr()  { if [ "$LAB_IPV6" = 1 ]; then echo "$LAB_NET6::$((10 + $1))"; else echo "$LAB_NET.$((10 + $1))"; fi; }
server_dir()   { echo "$LAB_BASE/s$1"; }
server_lxd_dir()     { echo "$(server_dir "$1")/lxd"; }
server_state_dir()   { echo "$(server_dir "$1")/state"; }
server_dbus_socket() { echo "$(server_dir "$1")/system_bus_socket"; }

# The environment every process of server I gets (and what `lab exec` gives a command).
# MCLAB_LAB tags the processes so teardown finds them even if their namespace file is gone.
server_env() {
  local i=$1
  echo "LXD_DIR=$(server_lxd_dir "$i")"
  echo "MICROCLOUD_STATE_DIR=$(server_state_dir "$i")"   # the CLI talks to this server's microcloudd
  echo "LXD_CONF=$(server_dir "$i")/lxc-client"
  echo "DBUS_SYSTEM_BUS_ADDRESS=unix:path=$(server_dbus_socket "$i")"
  echo "MCLAB_LAB=$LAB_BASE"
  echo "MCLAB_SERVER=$(server_name "$i")"
  # OVN's clients read from the server's own (follower) database replica; by default they insist on the raft
  # leader, and `ovn-nbctl show` on a follower's unix socket would only say "database connection failed"
  echo "OVN_NBCTL_OPTIONS=--no-leader-only"
  echo "OVN_SBCTL_OPTIONS=--no-leader-only"
}

# Number of servers of the running lab (0 when down).
lab_servers() {
  if [ -f "$LAB_BASE/lab.env" ]; then sed -n 's/^servers=//p' "$LAB_BASE/lab.env"; else echo 0; fi
}

# The microcloudd binary the lab starts, or nothing when it is not built yet. MICROCLOUDD picks another (the
# release build, or the package's /usr/sbin/microcloudd unpacked somewhere).
microcloudd_binary() {
  local bin=${MICROCLOUDD:-$LAB_REPO/.build/debug/microcloudd}
  if [ -x "$bin" ]; then echo "$bin"; fi
}

# The microcloud CLI that `lab exec` puts on PATH: $MICROCLOUD, else the one beside microcloudd (a build directory;
# in the package the CLI is in usr/bin and the daemon in usr/sbin, so set both).
microcloud_binary() {
  local daemon bin=${MICROCLOUD:-}
  if [ -z "$bin" ]; then daemon=$(microcloudd_binary); [ -n "$daemon" ] && bin=$(dirname "$daemon")/microcloud; fi
  if [ -n "$bin" ] && [ -x "$bin" ]; then echo "$bin"; fi
}

log()  { echo "lab: $*"; }
die()  { echo "lab: $*" >&2; exit 1; }

# Timings: microseconds from bash's clock, printed as seconds.
now_us()  { echo "${EPOCHREALTIME/./}"; }
secs()    { local us=$1; printf '%d.%03d' $((us / 1000000)) $(((us % 1000000) / 1000)); }
STEP_US=0
step_start() { STEP_US=$(now_us); }
step_done()  { printf '  %-44s %7ss\n' "$1" "$(secs $(($(now_us) - STEP_US)))"; step_start; }

# Poll CMD every 0.1 s for up to TENTHS tenths of a second.
wait_for() {
  local tenths=$1; shift
  local n
  for ((n = 0; n < tenths; n++)); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  "$@"
}

# One lab operation at a time (a test and a person may both drive it). fd 9 is closed in every
# daemon the lab starts, or the daemons would hold the lock forever.
take_lock() {
  mkdir -p "$LAB_RUN"
  exec 9>"$LAB_RUN/lock"
  if ! flock -n 9; then
    echo "lab: waiting for another lab operation to finish ($LAB_RUN/lock)" >&2
    flock -w 600 9 || die "another lab operation still holds $LAB_RUN/lock after 10 minutes"
  fi
}

# Daemons the lab starts must not inherit descriptors of whoever started the lab: a test runner's
# pipe held open by LXD would keep that runner waiting for as long as the lab runs.
close_inherited_fds() {
  local fd
  for fd in "/proc/$$/fd/"*; do
    fd=${fd##*/}
    case $fd in 0 | 1 | 2 | 255) continue ;; esac
    eval "exec $fd>&-" 2>/dev/null || true
  done
}
