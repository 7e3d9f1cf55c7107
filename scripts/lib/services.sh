# shellcheck shell=bash
# services.sh — the processes of a lab server: its namespace holder, D-Bus, avahi, LXD, microcloudd.
# All of them run inside the server's namespaces (see server-init), so `ip netns pids` finds them.

server_pid() {  # I NAME -> pid from NAME.pid when that process is alive
  local f pid
  f=$(server_dir "$1")/$2.pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && pid_alive "$pid" && echo "$pid"
}

# A zombie counts as gone: daemons outlive `lab up` and are reaped by PID 1 whenever it gets to it.
pid_alive() {
  local st
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $st != Z* ]]
}
pid_gone() { ! pid_alive "$1"; }

# Start the process that holds server I's namespaces (netns-exec gives it the netns's sysfs and
# keeps the cgroup tree LXD needs).
start_holder() {
  local i=$1 d
  d=$(server_dir "$i")
  env MCLAB_LAB="$LAB_BASE" setsid "$LAB_LIB/netns-exec" "$(server_netns "$i")" "$(server_name "$i")" \
      "$LAB_LIB/server-init" "$d/init.pid" "$(server_dbus_socket "$i")" \
      >"$d/init.log" 2>&1 </dev/null 9>&- &
}

holder_ready() { [ -s "$(server_dir "$1")/init.pid" ]; }

# in_server I CMD... — run CMD on server I: its namespaces, its environment, the caller's cwd.
# It replaces the calling shell (no idle bash left as the parent of every daemon): call it last,
# or in a background subshell.
in_server() {
  local i=$1 holder
  shift
  holder=$(server_pid "$i" init) || die "server $i is not running (no namespace holder)"
  local -a envs
  mapfile -t envs < <(server_env "$i")
  # shellcheck disable=SC2016 # $1/$@ belong to the inner shell
  exec env "${envs[@]}" nsenter --target "$holder" --mount --uts --net -- \
      sh -c 'cd "$1" 2>/dev/null || cd /; shift; exec "$@"' in-server "$PWD" "$@"
}

# spawn I NAME CMD... — start a daemon on server I, detached; pid in NAME.pid, output in NAME.log.
spawn() {
  local i=$1 name=$2 d
  shift 2
  d=$(server_dir "$i")
  # shellcheck disable=SC2016
  in_server "$i" setsid sh -c 'echo $$ > "$1"; shift; exec "$@"' spawn "$d/$name.pid" "$@" \
      >"$d/$name.log" 2>&1 </dev/null 9>&- &
}

# Stop NAME on server I: TERM, then KILL after 5 s.
stop_process() {
  local i=$1 name=$2 pid
  pid=$(server_pid "$i" "$name") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_for 50 pid_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$(server_dir "$i")/$name.pid"
}

# --- D-Bus: a system bus of the server's own, on a path socket the root ns can reach too ---

write_dbus_conf() {
  local i=$1
  cat > "$(server_dir "$i")/dbus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$(server_dbus_socket "$i")</listen>
  <auth>EXTERNAL</auth>
  <!-- permissive: only root and avahi talk on this private bus -->
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
  <includedir>/usr/share/dbus-1/system.d</includedir>
</busconfig>
EOF
}

start_dbus() {
  write_dbus_conf "$1"
  spawn "$1" dbus dbus-daemon --config-file="$(server_dir "$1")/dbus.conf" --nofork --nopidfile
}

dbus_ready() { [ -S "$(server_dbus_socket "$1")" ]; }

# --- avahi: announces only on the lab's wire (eth0, or br-phy once `lab tunnels` moved the address there:
#     ovn.sh), one family: IPv4, or IPv6 only with MCLAB_IPV6=1 (otherwise a scope-less fe80:: AAAA would be
#     published beside the IPv4 address) ---

write_avahi_conf() {
  local i=$1
  cat > "$(server_dir "$i")/avahi-daemon.conf" <<EOF
[server]
host-name=$(server_name "$i")
use-ipv4=$([ "$LAB_IPV6" = 1 ] && echo no || echo yes)
use-ipv6=$([ "$LAB_IPV6" = 1 ] && echo yes || echo no)
allow-interfaces=eth0,br-phy
ratelimit-interval-usec=1000000
ratelimit-burst=1000
[wide-area]
enable-wide-area=no
[publish]
publish-aaaa-on-ipv4=no
publish-hinfo=no
publish-workstation=no
EOF
}

start_avahi() {
  write_avahi_conf "$1"
  spawn "$1" avahi avahi-daemon -f "$(server_dir "$1")/avahi-daemon.conf" --no-rlimits
}

# avahi registered on the bus and its server state is RUNNING (2).
avahi_ready() {
  DBUS_SYSTEM_BUS_ADDRESS="unix:path=$(server_dbus_socket "$1")" timeout 5 \
    dbus-send --system --print-reply --dest=org.freedesktop.Avahi / \
      org.freedesktop.Avahi.Server.GetState 2>/dev/null | grep -q 'int32 2'
}

# --- LXD: Debian's daemon with its own LXD_DIR (without it every daemon would share
#     /var/lib/lxd and all but one block forever on its database lock) ---

start_lxd() {
  local i=$1 d
  d=$(server_lxd_dir "$i")
  mkdir -p "$d" "$(server_dir "$i")/lxc-client"
  chmod 711 "$d"
  spawn "$i" lxd lxd --group root
}

lxd_ready() {
  LXD_DIR=$(server_lxd_dir "$1") LXD_CONF=$(server_dir "$1")/lxc-client \
    timeout 5 lxc query /1.0 >/dev/null 2>&1
}

# --- microcloudd (being written in parallel: skipped while it is not built) ---

# Restart server I's microcloudd with the flags it runs with, announcing on the interface that now holds the address.
restart_microcloudd_on_wire() {
  local i=$1 pid n
  local -a args
  pid=$(server_pid "$i" microcloudd) || return 0
  mapfile -d '' -t args < "/proc/$pid/cmdline"
  for ((n = 1; n < ${#args[@]} - 1; n++)); do
    [ "${args[n]}" = --interface ] && args[n + 1]=$(server_wire_if "$i")
  done
  stop_process "$i" microcloudd
  spawn "$i" microcloudd "${args[@]}"
}

start_microcloudd() {
  local i=$1 bin=$2
  local -a args=(--state-dir "$(server_state_dir "$i")" --name "$(server_name "$i")"
                 --address "$(server_addr "$i")" --interface "$(server_wire_if "$i")"
                 --lxd-socket "$(server_lxd_dir "$i")/unix.socket")
  local dev
  for dev in $(server_disks "$i"); do args+=(--only-disk "$dev"); done
  # The lab runs MicroCeph and MicroOVN on every server; whether the servers "have the snaps" (microcloudd is given
  # their sockets) is the lab's choice: MCLAB_MICROCEPH=1 / MCLAB_MICROOVN=1 (tests that need them set these
  # around their own lab). Unset, a server has LXD only.
  if [ "${MCLAB_MICROCEPH:-0}" = 1 ] && [ -S "$(server_microceph_socket "$i")" ]; then
    args+=(--microceph-socket "$(server_microceph_socket "$i")")
  fi
  if [ "${MCLAB_MICROOVN:-0}" = 1 ] && [ -S "$(microovn_socket "$i")" ]; then
    args+=(--microovn-socket "$(microovn_socket "$i")")
  fi
  mkdir -p "$(server_state_dir "$i")"
  chmod 0700 "$(server_state_dir "$i")"   # the key and the demo passphrase live here: root only
  spawn "$i" microcloudd "$bin" "${args[@]}"
}
