"""Ceph's daemons on this member: MicroCeph's bootstrap, join and service placement, done with Debian's
binaries at their stock paths (/etc/ceph, /var/lib/ceph, /var/log/ceph are this server's own folders,
bound over the stock ones in its private mount namespace; /run is the server's private tmpfs)."""
import ipaddress
import os
import signal
import subprocess
import time
import uuid

from . import ceph
from .ceph import CephError, DATA, run

RUN = "/run/ceph"
AUTO_SERVICES = ["mon", "mgr", "mds"]          # MicroCeph places these on the first 3 members


def local_ip_in(network):
    """This server's address inside `network`, as MicroCeph's FindIpOnSubnet does."""
    net = ipaddress.ip_network(network, strict=False)
    out = subprocess.run(["ip", "-o", "addr", "show"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) > 3 and fields[2] in ("inet", "inet6"):
            addr = ipaddress.ip_interface(fields[3]).ip
            if addr in net:
                return str(addr)
    raise CephError(f"failed to locate IP on subnet {network}")


def pid_file(kind, ident):
    return f"{RUN}/ceph-{kind}.{ident}.pid"


def start(kind, ident, *extra):
    """Starts ceph-KIND -i IDENT; the binary daemonizes once it is up (an OSD after its store mounted)."""
    os.makedirs(RUN, exist_ok=True)
    run(f"ceph-{kind}", "-i", str(ident), "--pid-file", pid_file(kind, ident), *extra, timeout=300)


def running(kind, ident):
    try:
        with open(pid_file(kind, ident)) as f:
            pid = int(f.read().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def stop(kind, ident, wait=10.0):
    pid = running(kind, ident)
    if not pid:
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def stop_all(wait=10.0):
    """Stops every Ceph daemon of this server at once (TERM, then KILL what is left after `wait`)."""
    pids = []
    for entry in os.listdir(RUN) if os.path.isdir(RUN) else []:
        if entry.startswith("ceph-") and entry.endswith(".pid"):
            kind, _, ident = entry[len("ceph-"):-len(".pid")].partition(".")
            pid = running(kind, ident)
            if pid:
                os.kill(pid, signal.SIGTERM)
                pids.append(pid)
    deadline = time.monotonic() + wait
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if alive(p)]
        time.sleep(0.1)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def bootstrap_mon(name, ip, fsid):
    """The first monitor: keys, a one-member monmap, mkfs, start. Returns the admin key."""
    tmp = f"{DATA}/tmp"
    os.makedirs(tmp, exist_ok=True)
    admin_key = ceph.gen_key()
    ceph.write_keyring(ceph.ADMIN_KEYRING, "client.admin", admin_key,
                       [("mon", "allow *"), ("osd", "allow *"), ("mds", "allow *"), ("mgr", "allow *")])
    mon_keyring = f"{tmp}/mon.keyring"
    ceph.write_keyring(mon_keyring, "mon.", ceph.gen_key(), [("mon", "allow *")])
    run("ceph-authtool", mon_keyring, "--import-keyring", ceph.ADMIN_KEYRING)
    monmap = f"{tmp}/monmap"
    run("monmaptool", "--create", "--fsid", fsid, "--addv", name, f"[v2:{ip}:3300,v1:{ip}:6789]", monmap)
    mkfs_mon(name, monmap, mon_keyring)
    start("mon", name, "--public-addr", ip)
    return admin_key


def mkfs_mon(name, monmap, keyring):
    data = f"{DATA}/mon/ceph-{name}"
    os.makedirs(data, exist_ok=True)
    run("ceph-mon", "--mkfs", "-i", name, "--monmap", monmap, "--keyring", keyring)
    for path in (monmap, keyring):
        os.unlink(path)


def join_mon(mon, name, ip):
    """A monitor for a joining member: the cluster's mon. key and monmap, mkfs, start; it asks the
    quorum to add it by itself."""
    tmp = f"{DATA}/tmp"
    os.makedirs(tmp, exist_ok=True)
    keyring = mon.command("auth get", entity="mon.", format="plain", raw=True)
    with open(f"{tmp}/mon.keyring", "wb") as f:
        f.write(keyring)
    with open(f"{tmp}/monmap", "wb") as f:
        f.write(mon.command("mon getmap", raw=True))
    mkfs_mon(name, f"{tmp}/monmap", f"{tmp}/mon.keyring")
    start("mon", name, "--public-addr", ip)


def wait_quorum(mon, name, timeout=120):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            status = mon.command("quorum_status", timeout=10)
            if name in status.get("quorum_names", []):
                return
            last = status.get("quorum_names")
        except CephError as err:
            last = err
        time.sleep(0.3)
    raise CephError(f"mon.{name} did not join the quorum within {timeout}s (last: {last})")


def start_mgr(mon, name):
    data = f"{DATA}/mgr/ceph-{name}"
    os.makedirs(data, exist_ok=True)
    key = mon.command("auth get-or-create", entity=f"mgr.{name}",
                      caps=["mon", "allow profile mgr", "osd", "allow *", "mds", "allow *"], format="plain", raw=True)
    with open(f"{data}/keyring", "wb") as f:
        f.write(key)
    start("mgr", name)


def start_mds(mon, name):
    data = f"{DATA}/mds/ceph-{name}"
    os.makedirs(data, exist_ok=True)
    key = mon.command("auth get-or-create", entity=f"mds.{name}",
                      caps=["mon", "allow profile mds", "mgr", "allow profile mds", "mds", "allow *", "osd", "allow *"],
                      format="plain", raw=True)
    with open(f"{data}/keyring", "wb") as f:
        f.write(key)
    start("mds", name)


def bootstrap_settings(mon, public_network, cluster_network):
    """What MicroCeph sets at bootstrap: networks and RBD features in the config db, and its crush rules
    (per-OSD failure domain until 3 members have OSDs)."""
    mon.command("config set", who="mon", name="mon_warn_on_insecure_global_id_reclaim_allowed", value="false")
    mon.command("config set", who="global", name="cluster_network", value=cluster_network)
    mon.command("config set", who="global", name="public_network", value=public_network)
    mon.command("config set", who="global", name="rbd_default_features", value="63")
    for rule, domain in (("microceph_auto_osd", "osd"), ("microceph_auto_host", "host")):
        mon.command("osd crush rule create-replicated", name=rule, root="default", type=domain)
    set_default_rule(mon, "microceph_auto_osd")


def set_default_rule(mon, rule):
    rule_id = mon.command("osd crush rule dump", name=rule)["rule_id"]
    mon.command("config set", who="global", name="osd_pool_default_crush_rule", value=str(rule_id))


def new_fsid():
    return str(uuid.uuid4())
