#!/bin/bash
# bench-raw-preseed.sh N — the baseline for the preseed bench: the LXD work of the lab's preseed on servers 1..N,
# done by hand with curl over each server's LXD unix socket, each call run inside that server's namespaces:
# server address config, clustering on server 1, a join token per joiner, the joins (one at a time, as LXD
# wants), the `local` pool (btrfs on each server's first lab disk) defined per member then created, the lxdbr0
# bridge the same way, the default profile, and each member's images/backups volumes. No discovery, no trust, no
# checks beyond LXD's own answers. Needs a fresh lab of N servers; prints the wall time in seconds.
set -euo pipefail
n=${1:?usage: bench-raw-preseed.sh N}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
for part in services disks; do source "$LAB_LIB/$part.sh"; done

# lxd I METHOD PATH [JSON]: one LXD call on server I (curl inside its network and mount namespaces, nothing else
# spawned, so the baseline pays no more per call than a lean client would); waits for a task operation (a token
# operation runs until its token is used, so it is not waited for); prints LXD's answer.
declare -A holders
for ((i = 1; i <= n; i++)); do holders[$i]=$(server_pid "$i" init); done
call() {
  local i=$1
  shift
  nsenter --target "${holders[$i]}" --net --mount -- curl -sS --unix-socket "$(server_lxd_dir "$i")/unix.socket" "$@"
}
lxd() {
  local i=$1 method=$2 path=$3 body=${4:-} answer
  [ -z "${BENCH_TRACE:-}" ] || echo "$EPOCHREALTIME $i $method $path" >&2
  answer=$(call "$i" -X "$method" ${body:+-H 'Content-Type: application/json' -d "$body"} "http://lxd$path")
  if [[ $answer == *'"type":"async"'* && $answer == *'"class":"task"'* && $answer =~ \"operation\":\"([^\"]+)\" ]]; then
    answer=$(call "$i" "http://lxd${BASH_REMATCH[1]}/wait?timeout=300")
  fi
  if [[ $answer == *'"type":"error"'* || $answer == *'"status":"Failure"'* ]]; then
    echo "raw preseed: $method $path on server $i: $(jq -r 'if .error != "" then .error else .metadata.err end' <<<"$answer")" >&2
    exit 1
  fi
  echo "$answer"
}
addr() { echo "$(server_addr "$1"):8443"; }
disk() { server_disks "$1" | head -1; }

start=$EPOCHREALTIME
lxd 1 PATCH /1.0 "{\"config\":{\"core.https_address\":\"$(addr 1)\",\"cluster.https_address\":\"$(addr 1)\"}}" >/dev/null
lxd 1 PUT /1.0/cluster '{"server_name":"micro01","enabled":true}' >/dev/null
server=$(lxd 1 GET /1.0)
cert=$(jq -r .metadata.environment.certificate <<<"$server")
# LXD before explicit_trust_token takes the token as the cluster password.
token_field=cluster_password
if jq -e '.metadata.api_extensions | index("explicit_trust_token")' <<<"$server" >/dev/null; then token_field=cluster_token; fi
declare -A token
for ((i = 2; i <= n; i++)); do
  token[$i]=$(lxd 1 POST /1.0/cluster/members "{\"server_name\":\"$(server_name "$i")\"}" |
    jq -j '.metadata.metadata | {server_name: .serverName, fingerprint, addresses, secret, expires_at: .expiresAt} | tojson' | base64 -w0)
done
for ((i = 2; i <= n; i++)); do
  lxd "$i" PUT /1.0/cluster "$(jq -nc --arg name "$(server_name "$i")" --arg own "$(addr "$i")" --arg cluster "$(addr 1)" \
    --arg cert "$cert" --arg token "${token[$i]}" \
    --arg field "$token_field" \
    '{server_name: $name, enabled: true, server_address: $own, cluster_address: $cluster, cluster_certificate: $cert,
      member_config: []} + {($field): $token}')" >/dev/null
  lxd "$i" PATCH /1.0 "{\"config\":{\"core.https_address\":\"$(addr "$i")\"}}" >/dev/null
done
wipe=   # as the product: wipe only where LXD can
if jq -e '.metadata.api_extensions | index("storage_pool_source_wipe")' <<<"$server" >/dev/null; then wipe=',"source.wipe":"true"'; fi
for ((i = 1; i <= n; i++)); do
  lxd 1 POST "/1.0/storage-pools?target=$(server_name "$i")" \
    "{\"name\":\"local\",\"driver\":\"btrfs\",\"config\":{\"source\":\"$(disk "$i")\"$wipe}}" >/dev/null
done
lxd 1 POST /1.0/storage-pools '{"name":"local","driver":"btrfs","description":"Local storage on btrfs"}' >/dev/null
for ((i = 1; i <= n; i++)); do
  lxd 1 POST "/1.0/networks?target=$(server_name "$i")" '{"name":"lxdbr0","type":"bridge"}' >/dev/null
done
lxd 1 POST /1.0/networks '{"name":"lxdbr0","type":"bridge","config":{"ipv4.address":"10.79.0.1/24","ipv4.nat":"true","ipv6.address":"none"}}' >/dev/null
lxd 1 PUT /1.0/profiles/default \
  '{"description":"Default LXD profile","config":{},"devices":{"root":{"type":"disk","path":"/","pool":"local"},"eth0":{"type":"nic","name":"eth0","network":"lxdbr0"}}}' >/dev/null
for ((i = 1; i <= n; i++)); do
  for v in images backups; do
    lxd 1 POST "/1.0/storage-pools/local/volumes/custom?target=$(server_name "$i")" "{\"name\":\"$v\"}" >/dev/null
  done
  lxd 1 PATCH "/1.0?target=$(server_name "$i")" '{"config":{"storage.images_volume":"local/images","storage.backups_volume":"local/backups"}}' >/dev/null
done
end=$EPOCHREALTIME
members=$(lxd 1 GET /1.0/cluster/members | jq '.metadata | length')
[ "$members" = "$n" ] || { echo "raw preseed: the cluster has $members members, not $n" >&2; exit 1; }
[ "$(lxd 1 GET /1.0/storage-pools/local | jq -r .metadata.status)" = Created ] || { echo "raw preseed: pool local not created" >&2; exit 1; }
awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
