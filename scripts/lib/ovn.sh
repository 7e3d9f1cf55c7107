# shellcheck shell=bash
# ovn.sh — the lab's MicroOVN on each server: scripts/lib/microovn/microovnd.py serves MicroOVN's API on
# $(server_dir I)/microovn/control.socket and runs Debian's OVN + Open vSwitch inside the server.
#
# Inside server I the stock OVS/OVN paths are bind mounts of the server's own folders under
# $(server_dir I)/ovn, so daemons, LXD and `lab exec I ovn-nbctl show` meet where they look by default.
# The mounts live in the server's private mount namespace and vanish with it.

OVN_STOCK_DIRS=(etc/openvswitch var/log/openvswitch var/lib/openvswitch etc/ovn var/log/ovn var/lib/ovn
                run/openvswitch run/ovn)

ovn_dir()         { echo "$(server_dir "$1")/ovn"; }
microovn_socket() { echo "$(server_dir "$1")/microovn/control.socket"; }

# Inside server I: bind the server's folders over the stock paths and the lab's ovs-vsctl over the real
# one. /run is the server's own tmpfs (server-init); elsewhere only existing folders are covered, so
# nothing is ever created on the machine's own file system.
ovn_mounts() {
  local i=$1 d
  d=$(ovn_dir "$i")
  local p
  for p in "${OVN_STOCK_DIRS[@]}"; do mkdir -p "$d/$p"; done
  # shellcheck disable=SC2016 # expanded by the inner shell
  ( in_server "$i" sh -euc '
      d=$1 wrapper=$2; shift 2
      for p in "$@"; do
        case $p in run/*) mkdir -p "/$p" ;; *) [ -d "/$p" ] || { echo "no /$p (package missing?)" >&2; exit 1; } ;; esac
        mount --bind "$d/$p" "/$p"
      done
      mkdir -p /run/lab && touch /run/lab/ovs-vsctl
      mount --bind /usr/bin/ovs-vsctl /run/lab/ovs-vsctl
      mount --bind "$wrapper" /usr/bin/ovs-vsctl' ovn-mounts "$d" "$LAB_LIB/microovn/ovs-vsctl" "${OVN_STOCK_DIRS[@]}" )
}

ovn_installed() {
  local tool
  for tool in python3 ovsdb-server ovs-vswitchd ovn-northd ovn-controller openssl; do
    command -v "$tool" >/dev/null || return 1
  done
}

start_microovn() {
  local i=$1
  ovn_mounts "$i" || die "server $i: cannot bind the OVS/OVN folders"
  spawn "$i" microovn python3 -B "$LAB_LIB/microovn/microovnd.py" \
      --state-dir "$(server_dir "$i")/microovn" --socket "$(microovn_socket "$i")"
}

microovn_ready() { [ -S "$(microovn_socket "$1")" ] && server_pid "$1" microovn >/dev/null; }

# Before the daemons die: netdev bridges are tap devices that outlive ovs-vswitchd, so delete the
# bridges first (found by name: every server folder's OVS socket).
ovn_bridges_down() {
  local sock br
  for sock in "$LAB_BASE"/s*/ovn/run/openvswitch/db.sock; do
    [ -S "$sock" ] || continue
    for br in $(timeout 5 ovs-vsctl --db="unix:$sock" --timeout=3 list-br 2>/dev/null); do
      timeout 10 ovs-vsctl --db="unix:$sock" --timeout=5 del-br "$br" 2>/dev/null || true
    done
  done
}

# --- geneve across servers (lab-only wiring, never in the product) ---
# Open vSwitch's userspace datapath sends a tunnel's packets only through an OVS bridge: it routes to the peer's
# encap address with its own copy of the kernel's routes, and one via eth0 (outside OVS) leaves the geneve ports'
# BFD down and nothing crosses. As userspace-datapath deployments do, the server's address moves onto a netdev
# bridge br-phy with eth0 as its port (and eth0's MAC, so the peers' ARP entries stay right). The kernel still sees
# what eth0 receives (OVS reads it through a packet socket): eth0 is told not to answer for the moved address.
LAB_TUNNEL_BRIDGE=br-phy

# The interface that holds server I's address: br-phy once wired, else eth0.
server_wire_if() {
  if ip -n "$(server_netns "$1")" -o -4 addr show dev "$LAB_TUNNEL_BRIDGE" 2>/dev/null | grep -q .; then
    echo "$LAB_TUNNEL_BRIDGE"
  else
    echo eth0
  fi
}

ovn_tunnel_wire() {
  local i=$1
  [ "$LAB_IPV6" != 1 ] || { echo "tunnels: the lab wires IPv4 labs only (MCLAB_IPV6=1 is set)" >&2; return 1; }
  # shellcheck disable=SC2016 # expanded by the inner shell
  ( in_server "$i" sh -euc '
      addr=$1 br=$2
      [ -S /run/openvswitch/db.sock ] || { echo "no Open vSwitch here yet (MicroOVN bootstraps or joins it)" >&2; exit 1; }
      ip -o -4 addr show dev "$br" 2>/dev/null | grep -q " $addr/" && exit 0
      mac=$(cat /sys/class/net/eth0/address)
      ovs-vsctl --may-exist add-br "$br" -- set bridge "$br" datapath_type=netdev other-config:hwaddr="$mac"
      ovs-vsctl --may-exist add-port "$br" eth0
      sysctl -qw net.ipv4.conf.eth0.rp_filter=1 net.ipv4.conf.eth0.arp_ignore=1
      ip link set "$br" up
      ip addr add "$addr/24" dev "$br"      # first on br-phy, then off eth0: the address never goes missing
      ip addr del "$addr/24" dev eth0' tunnels "$(server_addr "$i")" "$LAB_TUNNEL_BRIDGE" )
}
