# shellcheck shell=bash
# status.sh — what runs where, as a table for people and as JSON for tests and the demo.

yes_no() { if "$@"; then echo true; else echo false; fi; }

microcloudd_up() { server_pid "$1" microcloudd >/dev/null; }

# One server as a JSON object.
server_json() {
  local i=$1
  jq -n \
    --arg name "$(server_name "$i")" --arg netns "$(server_netns "$i")" \
    --arg address "$(server_addr "$i")" --arg subnet "$LAB_SUBNET" --arg uplink "$LAB_UPLINK_IF" \
    --arg state_dir "$(server_state_dir "$i")" --arg lxd_dir "$(server_lxd_dir "$i")" \
    --arg dbus_socket "$(server_dbus_socket "$i")" \
    --arg microceph_socket "$(server_microceph_socket "$i")" --arg microovn_socket "$(microovn_socket "$i")" \
    --arg disks "$(server_disks "$i")" \
    --argjson lxd_up "$(yes_no lxd_ready "$i")" --argjson avahi_up "$(yes_no avahi_ready "$i")" \
    --argjson microcloudd_up "$(yes_no microcloudd_up "$i")" \
    '{name: $name, netns: $netns, address: $address, subnet: $subnet, uplink: $uplink,
      disks: ($disks | split("\n") | map(select(length > 0))),
      state_dir: $state_dir, lxd_dir: $lxd_dir, dbus_socket: $dbus_socket, microcephSocket: $microceph_socket,
      microovnSocket: $microovn_socket,
      lxd_up: $lxd_up, avahi_up: $avahi_up, microcloudd_up: $microcloudd_up}'
}

status_json() {
  local n i
  n=$(lab_servers)
  for ((i = 1; i <= n; i++)); do server_json "$i"; done | jq -s .
}

microcloudd_note() {
  local i=$1
  if microcloudd_up "$i"; then echo "running (pid $(server_pid "$i" microcloudd))"
  elif [ -z "$(microcloudd_binary)" ]; then echo "not built (skipped)"
  elif [ -f "$(server_dir "$i")/microcloudd.log" ]; then echo "not running (log: $(server_dir "$i")/microcloudd.log)"
  else echo "not started"
  fi
}

up_down() { if "$@"; then echo up; else echo DOWN; fi; }

status_text() {
  local n i
  n=$(lab_servers)
  if [ "$n" = 0 ]; then echo "lab is down"; return 0; fi
  printf '%-8s %-6s %-12s %-5s %-5s %-32s %s\n' SERVER NETNS ADDRESS LXD AVAHI DISKS MICROCLOUDD
  for ((i = 1; i <= n; i++)); do
    printf '%-8s %-6s %-12s %-5s %-5s %-32s %s\n' "$(server_name "$i")" "$(server_netns "$i")" \
      "$(server_addr "$i")" "$(up_down lxd_ready "$i")" "$(up_down avahi_ready "$i")" \
      "$(server_disks "$i" | xargs | tr ' ' ',')" "$(microcloudd_note "$i")"
  done
  echo "subnet $LAB_SUBNET (bridge $LAB_BRIDGE), uplink $LAB_UPLINK_IF (bridge $LAB_UPLINK_BRIDGE), files in $LAB_BASE"
  echo "run a command on server I:  scripts/lab exec I CMD...   (e.g. scripts/lab exec 1 lxc info)"
}
