# shellcheck shell=bash
# disks.sh — each server's own block devices: sparse files under $LAB_BASE/s<I>/disks behind
# loop devices. Block devices are not namespaced, so "its own" is a promise the lab keeps by
# telling microcloudd (--only-disk) and the tests which devices belong to which server.

server_disk_list() { echo "$(server_dir "$1")/disks/devices"; }

# Loop devices of server I, one per line (empty when the server has none).
server_disks() {
  local list
  list=$(server_disk_list "$1")
  if [ -f "$list" ]; then cat "$list"; fi
}

disks_up() {
  local i=$1 dir k dev
  dir=$(server_dir "$i")/disks
  mkdir -p "$dir"
  : > "$dir/devices"
  for ((k = 1; k <= LAB_DISKS; k++)); do
    truncate -s "$LAB_DISK_SIZE" "$dir/disk$k.img"
    dev=$(losetup --find --show "$dir/disk$k.img")
    echo "$dev" >> "$dir/devices"
    disk_id_link "$i" "$k" "$dev"
  done
}

# /dev/disk/by-id/<id> -> /dev/loopN, as udev makes for a real disk (`ata-<model>_<serial>`): MicroCeph records
# an OSD under that stable path, not the path it was given (setStablePath in microceph's ceph/osd.go), and LXD
# reports it as the disk's device_id. The id names the lab and the server, so labs side by side never share one.
disk_id_link() {
  local link=/dev/disk/by-id/ata-MCLAB_${LAB_NS_PREFIX}s$1_disk$2
  mkdir -p "$LAB_RUN"
  [ -e /dev/disk ] || touch "$LAB_RUN/dev-disk-ours"
  mkdir -p /dev/disk/by-id
  ln -sfn "$3" "$link" && echo "$link" >> "$LAB_RUN/disk-links"
}

# Loop devices whose backing file lives under $LAB_BASE, also when the file is already deleted.
lab_loop_devices() {
  losetup --list --noheadings --output NAME,BACK-FILE 2>/dev/null |
    awk -v base="$LAB_BASE/" 'index($2, base) == 1 {print $1}'
}

loops_gone() { [ -z "$(lab_loop_devices)" ]; }

# Detach them. A device still mounted by a dying namespace is only marked autoclear by the
# kernel, so wait until it really is gone.
disks_down() {
  local dev
  for dev in $(lab_loop_devices); do losetup --detach "$dev" 2>/dev/null || true; done
  wait_for 50 loops_gone || echo "lab: warning: loop devices still attached: $(lab_loop_devices | xargs)" >&2
}

# --- /dev/disk/by-uuid links for the lab's disks (see disk-links for why) ---

start_disk_links() {
  mkdir -p "$LAB_RUN"
  [ -e /dev/disk ] || touch "$LAB_RUN/dev-disk-ours"
  env MCLAB_LAB="$LAB_BASE" setsid "$LAB_LIB/disk-links" "$LAB_BASE" "$LAB_RUN/disk-links" \
      >/dev/null 2>&1 </dev/null 9>&- &
}

# Remove the links made (their processes are gone by now), and /dev/disk itself if the lab made it.
remove_disk_links() {
  local link
  if [ -f "$LAB_RUN/disk-links" ]; then
    sort -u "$LAB_RUN/disk-links" | while read -r link; do
      [[ $link == /dev/disk/by-uuid/* || $link == /dev/disk/by-id/* ]] && rm -f "$link"
    done
    rm -f "$LAB_RUN/disk-links"
  fi
  if [ -e "$LAB_RUN/dev-disk-ours" ]; then
    rmdir /dev/disk/by-uuid /dev/disk/by-id /dev/disk 2>/dev/null || true
    [ -e /dev/disk ] || rm -f "$LAB_RUN/dev-disk-ours"
  fi
}
