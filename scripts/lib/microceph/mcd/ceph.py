"""Talking to Ceph: mon commands through librados (one connection, no CLI start-up per call) and the
daemons' own binaries. Errors read like upstream's `ceph` runs: `Failed to run: ceph ARGS: exit status N (...)`."""
import errno
import json
import os
import subprocess
import threading

CONF = "/etc/ceph/ceph.conf"
ADMIN_KEYRING = "/etc/ceph/ceph.client.admin.keyring"
DATA = "/var/lib/ceph"


class CephError(Exception):
    pass


def run(*args, timeout=120, input=None):
    """Runs a binary; raises CephError with upstream's wording when it fails."""
    try:
        done = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, input=input)
    except subprocess.TimeoutExpired:
        raise CephError(f"Failed to run: {' '.join(args)}: timed out after {timeout}s")
    if done.returncode != 0:
        raise CephError(f"Failed to run: {' '.join(args)}: exit status {done.returncode} ({done.stderr.strip()})")
    return done.stdout


class Mon:
    """A librados handle to the cluster as client.admin, opened on first use and reopened after a failure."""

    def __init__(self):
        self.lock = threading.Lock()
        self.cluster = None

    def _connect(self):
        import rados  # Debian's python3-rados (ceph-common depends on it)
        cluster = rados.Rados(conffile=CONF, conf={"keyring": ADMIN_KEYRING, "client_mount_timeout": "30"})
        cluster.connect(timeout=30)
        return cluster

    def close(self):
        with self.lock:
            if self.cluster is not None:
                try:
                    self.cluster.shutdown()
                except Exception:
                    pass
                self.cluster = None

    def command(self, prefix, inbuf=b"", timeout=60, raw=False, **args):
        """A mon command as the CLI would send it; returns the decoded JSON (or text) output."""
        cmd = {"prefix": prefix, "format": "json", **args}
        with self.lock:
            if self.cluster is None:
                try:
                    self.cluster = self._connect()
                except Exception as err:
                    raise CephError(f"Failed to run: ceph {prefix}: {err}")
            cluster = self.cluster
        try:
            ret, out, outs = cluster.mon_command(json.dumps(cmd), inbuf, timeout=timeout)
        except Exception as err:
            self.close()
            raise CephError(f"Failed to run: ceph {prefix}: {err}")
        if ret < 0:
            name = errno.errorcode.get(-ret, str(-ret))
            words = " ".join(f"{v}" for v in args.values() if isinstance(v, (str, int)))
            raise CephError(f"Failed to run: ceph {prefix} {words}".rstrip()
                            + f": exit status {-ret} (Error {name}: {outs.strip()})")
        if raw:
            return out
        if not out:
            return outs
        try:
            return json.loads(out)
        except ValueError:
            return out.decode(errors="replace")

    # --- the cluster's shared records (MicroCeph keeps them in dqlite; here, Ceph's own config-key store) ---

    def records(self, prefix):
        """{key-suffix: decoded JSON} of every config-key under `prefix/`."""
        dump = self.command("config-key dump", key=prefix + "/")
        out = {}
        for key, value in (dump or {}).items():
            try:
                out[key[len(prefix) + 1:]] = json.loads(value)
            except ValueError:
                pass
        return out

    def put_record(self, key, value):
        self.command("config-key set", key=key, val=json.dumps(value))

    def delete_record(self, key):
        self.command("config-key rm", key=key)


def write_keyring(path, name, key, caps):
    lines = [f"[{name}]", f"\tkey = {key}"] + [f'\tcaps {k} = "{v}"' for k, v in caps]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.chmod(path, 0o600)


def gen_key():
    return run("ceph-authtool", "--gen-print-key").strip()


def write_conf(fsid, mon_hosts, public_network, cluster_network):
    """/etc/ceph/ceph.conf as MicroCeph renders it, plus the lab's small-machine settings."""
    hosts = ",".join(f"[v2:{ip}:3300,v1:{ip}:6789]" for ip in mon_hosts)
    text = f"""[global]
fsid = {fsid}
mon host = {hosts}
public network = {public_network}
cluster network = {cluster_network}
auth allow insecure global id reclaim = false
ms bind ipv6 = false
# the lab: a shared 2-core machine with a busy shared disk
mon data avail warn = 2
mon data avail crit = 1
osd memory target = 939524096
osd pool default pg autoscale mode = off
osd pool default pg num = 16
osd pool default pgp num = 16
mon osd down out interval = 60
# a joining mon and the leader call elections at once and the first round times out: 2 s, not 5
mon election timeout = 2
bluestore fsck on mount = false
mgr initial modules = {""}

[client]
admin socket = /run/ceph/$cluster-$name.$pid.asok
"""
    tmp = CONF + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, CONF)


def conf_mon_hosts():
    try:
        with open(CONF) as f:
            for line in f:
                if line.startswith("mon host"):
                    return [part.split(":")[0] for part in line.split("=", 1)[1].split("[v2:")[1:]]
    except OSError:
        pass
    return []
