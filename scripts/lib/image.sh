# shellcheck shell=bash
# image.sh — the lab's instance image: Debian's busybox-static as a tiny LXD container image, made once from the
# machine's own /bin/busybox (no download) and kept in $LAB_IMAGE_CACHE across labs.
#
# The rootfs: /bin/busybox with its applet links, /sbin/init a shell script that brings lo and eth0 up and runs
# udhcpc with a script that configures the address, default route and DNS it is given (busybox ships no such
# script), then waits; SIGPWR (`lxc stop`) ends it. LXD mounts /proc, /sys and /dev for the container itself.

LAB_IMAGE_ALIAS=lab-busybox
LAB_IMAGE_CACHE=${MCLAB_IMAGE_CACHE:-/var/cache/mclab}

# The cached image's folder, named after the busybox binary it holds: a Debian update makes a new one.
image_dir() {
  local sum
  sum=$(sha256sum /bin/busybox | cut -c1-12)
  echo "$LAB_IMAGE_CACHE/busybox-$sum"
}

image_init_script() {
  cat <<'EOF'
#!/bin/sh
# The lab image's init: network from DHCP, then wait until LXD asks to stop (SIGPWR) or the instance is killed.
trap 'kill $dhcp 2>/dev/null; exit 0' PWR TERM INT
hostname "$(cat /etc/hostname 2>/dev/null || echo busybox)"
ip link set lo up
ip link set eth0 up
udhcpc -i eth0 -f -t 20 -T 1 -s /etc/udhcpc.script >/var/log/udhcpc.log 2>&1 &
dhcp=$!
while :; do sleep 3600 & wait $!; done
EOF
}

# udhcpc runs this with $1 the event and the lease in the environment ($ip, $mask as a prefix length, $router, $dns).
image_dhcp_script() {
  cat <<'EOF'
#!/bin/sh
case "$1" in
  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    [ "$1" = bound ] && ip addr flush dev "$interface"
    ip addr replace "$ip/${mask:-24}" dev "$interface"
    if [ -n "$router" ]; then set -- $router; ip route replace default via "$1" dev "$interface"; fi
    : > /etc/resolv.conf
    for server in $dns; do echo "nameserver $server" >> /etc/resolv.conf; done ;;
esac
exit 0
EOF
}

image_metadata() {
  cat <<EOF
architecture: x86_64
creation_date: $(date +%s)
properties:
  os: busybox
  release: "$(busybox | sed -n '1s/^BusyBox v\([^ ]*\).*/\1/p')"
  description: "busybox (Debian busybox-static), lab image"
EOF
}

# Makes the image's two tarballs unless the cache has them; prints the folder.
image_build() {
  local dir tmp root applet
  dir=$(image_dir)
  if [ -f "$dir/meta.tar" ] && [ -f "$dir/rootfs.tar" ]; then echo "$dir"; return 0; fi
  [ -x /bin/busybox ] || die "no /bin/busybox: install busybox-static (scripts/setup)"
  mkdir -p "$LAB_IMAGE_CACHE"
  tmp=$(mktemp -d "$LAB_IMAGE_CACHE/.build.XXXXXX")
  chmod 755 "$tmp"
  root=$tmp/rootfs
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,tmp,run,root,var/log}
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done
  image_init_script > "$root/sbin/init.lab"
  rm -f "$root/sbin/init"; mv "$root/sbin/init.lab" "$root/sbin/init"
  image_dhcp_script > "$root/etc/udhcpc.script"
  chmod 755 "$root/sbin/init" "$root/etc/udhcpc.script"
  chmod 1777 "$root/tmp"
  echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
  echo "root:x:0:" > "$root/etc/group"
  image_metadata > "$tmp/metadata.yaml"
  tar -C "$tmp" -cf "$tmp/meta.tar" metadata.yaml
  tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$tmp/rootfs.tar" .
  rm -rf "$root" "$tmp/metadata.yaml"
  # atomic: another lab building at the same time finds a whole image or none (and the loser drops its copy)
  mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
  echo "$dir"
}

image_present() { in_server "$1" lxc image info "$LAB_IMAGE_ALIAS" >/dev/null 2>&1; }

# Imports the image on server I unless its LXD (or its cluster) already has it.
image_import() {
  local i=$1 dir=$2
  if ( image_present "$i" ); then log "$(server_name "$i"): image $LAB_IMAGE_ALIAS already there"; return 0; fi
  ( in_server "$i" lxc image import "$dir/meta.tar" "$dir/rootfs.tar" --alias "$LAB_IMAGE_ALIAS" ) >/dev/null ||
    die "server $i: lxc image import failed"
  log "$(server_name "$i"): image $LAB_IMAGE_ALIAS imported (launch with: scripts/lab exec $i lxc launch $LAB_IMAGE_ALIAS NAME)"
}
