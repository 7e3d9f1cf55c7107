#!/bin/bash
# bench.sh — figures for the lab's MicroOVN on a running 3-server lab (scripts/bench calls it):
# bootstrap, 2 joins, the LXD cluster, UPLINK + default on LXD, and the RSS of what runs.
# Uses the lab's knobs from the environment; needs curl (not in scripts/setup: figures only).
set -euo pipefail
command -v curl >/dev/null || { echo "(no curl: skipping the MicroOVN figures)"; exit 0; }
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/lab
X() { "$LAB" exec "$@"; }
STATUS=$("$LAB" status --json)   # once: each `status` call probes every server
sock() { jq -r ".[$(($1 - 1))].microovn_socket" <<<"$STATUS"; }
addr() { jq -r ".[$(($1 - 1))].address" <<<"$STATUS"; }
api() { local i=$1 method=$2 path=$3 body=${4:-}; curl -sS --unix-socket "$(sock "$i")" -X "$method" ${body:+-d "$body"} "http://control.socket$path"; }
t() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(t)" 'BEGIN { printf "%.2f", b - a }'; }
ok() { jq -e '.type == "sync"' >/dev/null || { echo "failed: $1" >&2; exit 1; }; }

s=$(t); api 1 POST /core/control "{\"bootstrap\":true,\"config\":null,\"address\":\"$(addr 1):6443\",\"name\":\"micro01\"}" | ok bootstrap
echo "MicroOVN bootstrap micro01: $(since "$s") s"
for i in 2 3; do
  token=$(api 1 POST /core/control/tokens "{\"name\":\"micro0$i\",\"expire_after\":3600000000000}" | jq -r .metadata)
  s=$(t); api "$i" POST /core/control "{\"join_token\":\"$token\",\"config\":null,\"address\":\"$(addr "$i"):6443\",\"name\":\"micro0$i\"}" | ok "join $i"
  echo "MicroOVN join micro0$i: $(since "$s") s"
done
s=$(t); until [ "$(X 1 ovn-sbctl --bare --columns=name list Chassis | grep -c .)" = 3 ]; do sleep 0.1; done
echo "3 chassis in SB after the last join: $(since "$s") s"

s=$(t)
X 1 lxc config set core.https_address "$(addr 1):8443"; X 1 lxc cluster enable micro01 >/dev/null
for i in 2 3; do
  token=$(X 1 lxc cluster add "micro0$i" --quiet)
  printf 'cluster:\n  enabled: true\n  server_name: micro0%s\n  server_address: %s:8443\n  cluster_token: %s\n' \
    "$i" "$(addr "$i")" "$token" | X "$i" lxd init --preseed
done
echo "LXD cluster of 3 (not MicroOVN's cost): $(since "$s") s"
X 1 lxc config set network.ovn.northbound_connection \
  "$(for i in 1 2 3; do printf 'ssl:%s:6641,' "$(addr "$i")"; done | sed 's/,$//')"
s=$(t)
for i in 1 2 3; do
  X 1 lxc query -X POST "/1.0/networks?target=micro0$i" --data '{"name":"UPLINK","type":"physical","config":{"parent":"uplink0"}}'
done
X 1 lxc query -X POST /1.0/networks --data '{"name":"UPLINK","type":"physical","description":"Uplink for OVN networks","config":{"ipv4.gateway":"10.233.15.1/24","ipv4.ovn.ranges":"10.233.15.100-10.233.15.150","ipv6.gateway":"fd42:233:15::1/64","dns.nameservers":"10.233.15.1,fd42:233:15::1"}}'
echo "LXD UPLINK, 3 pending + final: $(since "$s") s"
s=$(t)
X 1 lxc query -X POST /1.0/networks --data '{"name":"default","type":"ovn","description":"Default OVN network","config":{"network":"UPLINK"}}'
echo "LXD default (ovn): $(since "$s") s"

printf '%-16s %5s %8s\n' process count RSS_MiB
for p in python3 ovsdb-server ovs-vswitchd ovn-northd ovn-controller; do
  pids=$(for i in 1 2 3; do ip netns pids "$(jq -r ".[$((i - 1))].netns" <<<"$STATUS")"; done | xargs -r ps -o pid=,comm= -p | awk -v p="$p" '$2 == p {print $1}')
  kb=0; n=0
  for pid in $pids; do kb=$((kb + $(awk '/VmRSS/ {print $2}' "/proc/$pid/status"))); n=$((n + 1)); done
  printf '%-16s %5d %8.1f\n' "$p" "$n" "$(echo "$kb / 1024" | bc -l)"
done
