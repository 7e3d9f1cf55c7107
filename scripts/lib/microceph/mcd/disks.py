"""MicroCeph's /1.0/disks: real bluestore OSDs on this server's block devices, with upstream's per-path
report and error texts. As upstream (microceph/api/disks.go: cmdDisksPost holds the package's `mu` for the
whole request; ceph/osd.go addBulkDisks adds a list's paths one after another), a server adds one disk at a
time: a second request waits for the first. Each OSD is recorded under the disk's stable path (by-id, else
by-path; ceph/osd.go setStablePath), not the path it was given."""
import errno
import json
import os
import stat
import subprocess
import threading
import time
import uuid

from . import ceph, daemons, envelope, removal
from .ceph import CephError, DATA
from .envelope import sync

KERNEL_NO_DM = "this kernel has no dm_crypt and cannot load modules: dm-crypt cannot run here"


class Disks:
    def __init__(self, daemon):
        self.d = daemon
        self.record_lock = threading.Lock()
        self.add_lock = threading.Lock()    # upstream's `mu` in api/disks.go: one POST /1.0/disks at a time
        r = daemon.router
        r.add("GET", "/1.0/disks", self.list, proxy_target=True)
        r.add("POST", "/1.0/disks", self.add, proxy_target=True)
        r.add("GET", "/1.0/disks/encryption-support", self.encryption_support, proxy_target=True)
        r.add("DELETE", "/1.0/disks/{osd}", self.remove, proxy_target=True)

    def records(self):
        return {int(k): v for k, v in self.d.mon.records("microceph/disks").items()}

    def list(self, req):
        return sync([{"osd": osd, "path": rec["path"], "location": rec["location"]}
                     for osd, rec in sorted(self.records().items())])

    def encryption_support(self, req):
        problem = encryption_problem()
        out = {"supported": problem is None}
        if problem:
            out["reason_unsupported"] = problem
        return sync(out)

    # --- POST /1.0/disks ---

    def add(self, req):
        body = req.json()
        path = body.get("path")
        paths = path if isinstance(path, list) else ([path] if path else [])
        if body.get("osd_match") or body.get("wal_match") or body.get("db_match") or body.get("dry_run"):
            return sync({"validation_error": "DSL device matching is not supported by the lab's MicroCeph",
                         "report": []})
        if not paths:
            return sync({"validation_error": "", "report": []})
        if len(paths) > 1 and (body.get("waldev") or body.get("dbdev")):
            return sync(validation_failure(paths, "wal/db devices are not supported in batch disk addition"))
        for p in paths:
            if len(paths) > 1 and p.startswith("loop,"):
                return sync(validation_failure(
                    paths, f"cannot add loop spec '{p}', add a single loop spec or one or more block device paths"))
        wipe, encrypt = bool(body.get("wipe")), bool(body.get("encrypt"))
        with self.add_lock:     # held for the whole request, the list's paths in order (ceph/osd.go addBulkDisks)
            reports = [self.add_one(p, wipe, encrypt) for p in paths]
        return sync({"validation_error": "", "report": reports})

    def add_one(self, path, wipe, encrypt):
        t0 = time.monotonic()
        try:
            osd = self.create_osd(path, wipe, encrypt)
        except DiskError as err:
            daemons_log(f"disk {path}: {err}")
            return {"path": path, "report": "Failure", "error": str(err)}
        daemons_log(f"disk {path}: osd.{osd} added in {time.monotonic() - t0:.1f}s")
        return {"path": path, "report": "Success", "error": ""}

    def create_osd(self, path, wipe, encrypt):
        name = self.d.state.name
        if not is_block_device(path):
            raise DiskError(f"failed to set stable disk path: invalid disk path: {path}")
        path = stable_path(path)
        # upstream: the disk record's unique (member, path) key; the add lock keeps a second request out
        if any(r["location"] == name and r["path"] == path for r in self.records().values()):
            raise DiskError('failed to record disk: This "disks" entry already exists')
        try:
            if not wipe and has_partitions(path):
                raise DiskError(f"data device {path} has partitions - use --wipe to override")
            if not wipe and not is_pristine(path):
                raise DiskError(f"data device {path} is not pristine (contains data) - use --wipe to override")
            self.prepare(path, wipe, encrypt)
            osd_uuid, secret = str(uuid.uuid4()), ceph.gen_key()
            osd = self.d.mon.command("osd new", inbuf=json.dumps({"cephx_secret": secret}).encode(), uuid=osd_uuid)
            osd = int(osd["osdid"] if isinstance(osd, dict) else osd)
            data = f"{DATA}/osd/ceph-{osd}"
            try:
                self.d.mon.put_record(f"microceph/disks/{osd}", {"path": path, "location": name, "pending": True})
                self.make_osd(osd, osd_uuid, secret, path, data)
            except (DiskError, CephError, OSError):
                self.undo(osd, data)
                raise
        except (CephError, OSError) as err:
            raise DiskError(str(err))
        self.d.mon.put_record(f"microceph/disks/{osd}", {"path": path, "location": name})
        self.d.record_service("osd")
        self.update_failure_domain()
        return osd

    def make_osd(self, osd, osd_uuid, secret, path, data):
        os.makedirs(data, exist_ok=True)
        os.symlink(path, f"{data}/block")
        ceph.write_keyring(f"{data}/keyring", f"osd.{osd}", secret, [])
        try:
            ceph.run("ceph-osd", "-i", str(osd), "--mkfs", "--osd-uuid", osd_uuid, timeout=300)
        except CephError as err:
            raise DiskError(f"failed to bootstrap OSD: {err}")
        open(f"{data}/ready", "w").close()
        try:
            daemons.start("osd", osd)
        except CephError as err:
            raise DiskError(f"failed to start osd.{osd}: {err}")

    def prepare(self, path, wipe, encrypt):
        if is_mounted(path):
            raise DiskError(f"failed to prepare data device: device {path} is currently mounted and cannot be used - aborting")
        if wipe:
            try:
                zap(path)
            except OSError as err:
                raise DiskError(f"failed to prepare data device: failed to wipe device {path}: {err}")
        if encrypt:
            problem = encryption_problem()
            if problem:
                raise DiskError(f"failed to prepare data device: encryption unsupported on this machine: {problem}")

    def undo(self, osd, data):
        daemons.stop("osd", osd)
        try:
            self.d.mon.command("osd purge-actual", id=osd, yes_i_really_mean_it=True)
        except CephError:
            pass
        try:
            self.d.mon.delete_record(f"microceph/disks/{osd}")
        except CephError:
            pass
        subprocess.run(["rm", "-rf", data])

    def update_failure_domain(self):
        """MicroCeph: once 3 members have OSDs, new and existing pools replicate across hosts."""
        with self.record_lock:
            hosts = {r["location"] for r in self.records().values() if not r.get("pending")}
            if len(hosts) < 3:
                return
            host_rule = self.d.mon.command("osd crush rule dump", name="microceph_auto_host")["rule_id"]
            osd_rule = self.d.mon.command("osd crush rule dump", name="microceph_auto_osd")["rule_id"]
            daemons.set_default_rule(self.d.mon, "microceph_auto_host")
            for pool in self.d.mon.command("osd pool ls", detail="detail"):
                if pool.get("crush_rule") == osd_rule:
                    self.d.mon.command("osd pool set", pool=pool["pool_name"], var="crush_rule", val="microceph_auto_host")
            _ = host_rule

    # --- DELETE /1.0/disks/{osd} ---

    def remove(self, req):
        return removal.remove_osd(self, req)


class DiskError(Exception):
    pass


def daemons_log(msg):
    from .daemon import log
    log(msg)


def validation_failure(paths, message):
    return {"validation_error": message, "report": [{"path": p, "report": "Failure", "error": ""} for p in paths]}


def is_block_device(path):
    try:
        return stat.S_ISBLK(os.stat(path).st_mode)
    except OSError:
        return False


def stable_path(path):
    """ceph/osd.go setStablePath: the whole disk with the same major:minor, named by /dev/disk/by-id/<device id>
    if that link exists, else /dev/disk/by-path/<device path>, else the path as given. Upstream reads the ids
    from LXD's resources (udev's links); the lab's udev stand-in makes the same links (scripts/lib/disks.sh)."""
    rdev = os.stat(path).st_rdev
    for folder in ("/dev/disk/by-id", "/dev/disk/by-path"):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            link = os.path.join(folder, name)
            try:
                st = os.stat(link)
            except OSError:
                continue
            if stat.S_ISBLK(st.st_mode) and st.st_rdev == rdev:
                return link
    return path


def has_partitions(path):
    dev = os.path.basename(os.path.realpath(path))
    sys_dir = f"/sys/class/block/{dev}"
    try:
        return any(os.path.exists(f"{sys_dir}/{e}/partition") for e in os.listdir(sys_dir))
    except OSError:
        return False


def is_pristine(path):
    """Upstream's zero check: the first and last MiB hold nothing."""
    with open(path, "rb") as f:
        head = f.read(1 << 20)
        f.seek(-min(1 << 20, f.seek(0, 2)), 2)
        tail = f.read(1 << 20)
    return not head.strip(b"\0") and not tail.strip(b"\0")


def is_mounted(path):
    return subprocess.run(["findmnt", "--source", os.path.realpath(path)], capture_output=True).returncode == 0


def zap(path):
    """The wipe: pacific's ceph-bluestore-tool has no zap-device, so zero what it would (labels, 10 MiB at
    each end, as ceph-volume's zap does)."""
    fd = os.open(path, os.O_WRONLY | os.O_EXCL)
    try:
        size = os.lseek(fd, 0, os.SEEK_END)
        zeros = b"\0" * (10 << 20)
        for offset in (0, max(0, size - len(zeros))):
            os.pwrite(fd, zeros[:min(len(zeros), size)], offset)
        os.fsync(fd)
    finally:
        os.close(fd)


def encryption_problem():
    """Upstream's CheckEncryptSupport, with this kernel's reason when device-mapper is missing."""
    if not os.path.exists("/dev/mapper/control"):
        return f"missing /dev/mapper/control: stat /dev/mapper/control: no such file or directory ({KERNEL_NO_DM})"
    if not os.path.isdir("/sys/module/dm_crypt"):
        return f"missing dm_crypt module: stat /sys/module/dm_crypt: no such file or directory ({KERNEL_NO_DM})"
    if subprocess.run(["which", "cryptsetup"], capture_output=True).returncode != 0:
        return "cryptsetup is not installed"
    return "the lab's MicroCeph does not set up LUKS"
