# shellcheck shell=bash
# network.sh — the lab's wiring in the root namespace and in each server's netns.
#
#   root ns:  bridge mclbr0 (eth0 of every server), bridge mclup0 (uplink0 of every server),
#             neither with any address (not even IPv6 link-local); blackhole 10.231.0.0/24 metric 4000
#             (MCLAB_IPV6=1: blackhole fd42:4c41:231:0::/64 metric 4000)
#   netns mcl<I>:  lo up, eth0 10.231.0.(10+I)/24 (MCLAB_IPV6=1: fd42:4c41:231:0::(10+I)/64 only), uplink0 UP
#             without address, no default route

# `ip netns add` mounts /run/netns on first use; remember if that was us so `down` can undo it.
note_netns_mount() {
  mkdir -p "$LAB_RUN"
  if ! mountpoint -q /run/netns; then touch "$LAB_RUN/netns-mount-ours"; fi
}

release_netns_mount() {
  [ -e "$LAB_RUN/netns-mount-ours" ] || return 0
  if mountpoint -q /run/netns && [ -z "$(ls -A /run/netns)" ]; then
    umount /run/netns && rmdir /run/netns
    rm -f "$LAB_RUN/netns-mount-ours"
  fi
}

add_guard_route() {
  if [ "$LAB_IPV6" = 1 ]; then
    ip -6 route replace blackhole "$LAB_SUBNET6" metric "$LAB_GUARD_METRIC"
  else
    ip route replace blackhole "$LAB_SUBNET4" metric "$LAB_GUARD_METRIC"
  fi
}

# Both families, whatever this run's knob: a lab brought up with the other one still leaves no route behind.
del_guard_route() {
  while ip route del blackhole "$LAB_SUBNET4" metric "$LAB_GUARD_METRIC" 2>/dev/null; do :; done
  while ip -6 route del blackhole "$LAB_SUBNET6" metric "$LAB_GUARD_METRIC" 2>/dev/null; do :; done
}

make_bridge() {
  ip link add "$1" type bridge mcast_snooping 0   # flood mDNS (224.0.0.251) to every port, no querier needed
  ip link set "$1" addrgenmode none               # no IPv6 link-local: the root ns has no foot on the lab
  ip link set "$1" up
}

# veth pair: HOST_IF on BRIDGE in the root ns, NS_IF inside NETNS.
plug() {
  local netns=$1 host_if=$2 ns_if=$3 bridge=$4
  ip link add "$host_if" type veth peer name "$ns_if" netns "$netns"
  ip link set "$host_if" addrgenmode none
  ip link set "$host_if" master "$bridge" up
}

server_net_up() {
  local i=$1 ns
  ns=$(server_netns "$i")
  ip netns add "$ns"
  plug "$ns" "$ns-e" eth0 "$LAB_BRIDGE"
  plug "$ns" "$ns-u" "$LAB_UPLINK_IF" "$LAB_UPLINK_BRIDGE"
  ip -n "$ns" link set lo up
  if [ "$LAB_IPV6" = 1 ]; then
    ip -n "$ns" addr add "$(server_addr "$i")/$LAB_PREFIX" dev eth0 nodad   # usable at once, no DAD wait
  else
    ip -n "$ns" addr add "$(server_addr "$i")/$LAB_PREFIX" dev eth0
  fi
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set "$LAB_UPLINK_IF" addrgenmode none   # an OVN uplink carries no host address
  ip -n "$ns" link set "$LAB_UPLINK_IF" up
  # deliberately no default route: from inside a server only the test subnet is reachable
}

net_up() {
  local n=$1 i
  note_netns_mount
  add_guard_route
  make_bridge "$LAB_BRIDGE"
  make_bridge "$LAB_UPLINK_BRIDGE"
  for ((i = 1; i <= n; i++)); do server_net_up "$i"; done
}

# Every namespace that looks like ours, whatever N the run that made it used.
lab_namespaces() {
  ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${LAB_NS_PREFIX}[0-9]+\$" || true
}

# The host ends of our veths, by name. Deleting one end deletes its peer at once, even while the namespace lives on:
# a TCP connection orphaned by a pulled cable keeps retransmitting and holds its namespace (and so the veth) for minutes.
host_veths() {
  ip -o link show 2>/dev/null | sed -nE "s/^[0-9]+: (${LAB_NS_PREFIX}[0-9]+-[eu])@.*/\1/p"
}
host_veths_gone() { [ -z "$(host_veths)" ]; }

net_down() {
  local ns link
  for link in $(host_veths); do ip link del "$link" 2>/dev/null || true; done
  for ns in $(lab_namespaces); do ip netns del "$ns"; done
  ip link del "$LAB_BRIDGE" 2>/dev/null || true
  ip link del "$LAB_UPLINK_BRIDGE" 2>/dev/null || true
  # netns teardown is asynchronous: wait for the host ends of the veths, so `up` can follow at once
  wait_for 50 host_veths_gone || echo "lab: warning: host veths still present" >&2
  del_guard_route
}
