"""One member: its local state, its Ceph handle, and MicroCeph's bootstrap, join and leave."""
import ipaddress
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time

from . import ceph, core, daemons, envelope, peers
from .ceph import CephError
from .envelope import APIError
from .server import Router
from .state import LocalState, fingerprint_pem, make_certificate, read


def log(msg):
    sys.stderr.write(f"{time.strftime('%H:%M:%S')} {msg}\n")
    sys.stderr.flush()


class Daemon:
    def __init__(self, state_dir, name, address, version, extensions):
        self.state = LocalState(state_dir, name, address)
        self.version = version
        self.extensions = extensions
        self.router = Router()
        self.mon = ceph.Mon()
        self.tls = None
        self.service_lock = threading.Lock()
        if not os.path.exists(self.state.file("server.crt")):
            make_certificate(self.state.file("server.crt"), self.state.file("server.key"), name)

    # --- plumbing the HTTP layer asks for ---

    def require_initialized(self):
        if not self.state.initialized:
            raise envelope.unavailable(core.NOT_INITIALIZED)

    def cluster_secret_matches(self, given):
        mine = self.state.get("cluster_secret") or ""
        return bool(mine) and secrets.compare_digest(mine, given)

    def cluster_fingerprint(self):
        return fingerprint_pem(read(self.state.file("cluster.crt")))

    def listen_certificate(self):
        prefix = "cluster" if self.state.initialized else "server"
        return self.state.file(f"{prefix}.crt"), self.state.file(f"{prefix}.key")

    def forward(self, target, method, path, body):
        """`?target=NAME`: the request runs on that member (microcluster's ProxyTarget)."""
        member = self.mon.records("microcluster/members").get(target)
        if member is None:
            raise envelope.internal(f"No cluster member found with name {target!r}")
        return peers.request(member["address"], method, path, body, secret=self.state.get("cluster_secret"))

    def record_service(self, service):
        self.mon.put_record(f"microceph/services/{self.state.name}/{service}",
                            {"service": service, "location": self.state.name})

    # --- bootstrap ---

    def bootstrap(self, name, address, config):
        t0 = time.monotonic()
        public_network = config.get("PublicNet") or self.own_network()
        cluster_network = config.get("ClusterNet") or public_network
        try:
            mon_ip = daemons.local_ip_in(public_network)
        except CephError:
            raise envelope.internal(f"failed to locate monIP on public network {public_network}")
        try:
            daemons.local_ip_in(cluster_network)
        except CephError as err:
            raise envelope.internal(str(err))
        make_certificate(self.state.file("cluster.crt"), self.state.file("cluster.key"), name)
        fsid = daemons.new_fsid()
        ceph.write_conf(fsid, [mon_ip], public_network, cluster_network)
        try:
            daemons.bootstrap_mon(name, mon_ip, fsid)
            daemons.wait_quorum(self.mon, name)
            daemons.bootstrap_settings(self.mon, public_network, cluster_network)
            self.mon.put_record(f"microcluster/members/{name}", {
                "name": name, "address": address, "certificate": read(self.state.file("server.crt")),
                "role": "voter", "joined_at": time.time()})
            for service in ("mgr", "mds"):
                getattr(daemons, f"start_{service}")(self.mon, name)
            for service in daemons.AUTO_SERVICES:
                self.record_service(service)
        except (CephError, OSError) as err:
            self.leave()
            raise envelope.internal(f"Failed to bootstrap MicroCeph: {err}")
        self.become_member(fsid, public_network, cluster_network, secrets.token_hex(32))
        log(f"bootstrap done in {time.monotonic() - t0:.1f}s (mon, mgr, mds on {name})")

    def own_network(self):
        out = subprocess.run(["ip", "-o", "-4", "addr", "show"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            fields = line.split()
            if fields[3].split("/")[0] == self.state.address:
                return str(ipaddress.ip_interface(fields[3]).network)
        return f"{self.state.address}/32"

    def admin_key(self):
        for line in read(ceph.ADMIN_KEYRING).splitlines():
            if line.strip().startswith("key"):
                return line.split("=", 1)[1].strip()
        raise CephError("no key in the admin keyring")

    def become_member(self, fsid, public_network, cluster_network, secret):
        self.state.update(initialized=True, fsid=fsid, public_network=public_network,
                          cluster_network=cluster_network, cluster_secret=secret)
        if self.tls is not None:
            self.tls.use_certificate(*self.listen_certificate())

    # --- join ---

    def join_material(self):
        """What a joiner needs (microcluster's TokenResponse, plus what MicroCeph's joiners read from dqlite)."""
        return {"cluster_cert": read(self.state.file("cluster.crt")), "cluster_key": read(self.state.file("cluster.key")),
                "cluster_secret": self.state.get("cluster_secret"),
                "config": {"fsid": self.state.get("fsid"), "keyring.client.admin": self.admin_key(),
                           "mon_hosts": ceph.conf_mon_hosts(), "public_network": self.state.get("public_network"),
                           "cluster_network": self.state.get("cluster_network")}}

    def join(self, name, address, token, config):
        t0 = time.monotonic()
        data = core.decode_token(token)
        request = {"name": name, "address": address, "certificate": read(self.state.file("server.crt")),
                   "secret": data.get("secret", "")}
        material, last = None, None
        for addr in data["join_addresses"]:
            try:
                if peers.fingerprint_of(addr) != data.get("fingerprint"):
                    last = APIError(500, f"Cluster certificate token does not match that of cluster member {addr}")
                    continue
                material = peers.metadata(addr, "POST", "/core/internal/cluster", request,
                                          fingerprint=data.get("fingerprint"))
                break
            except (APIError, OSError) as err:
                last = err
        if material is None:
            raise envelope.internal(f"{len(data['join_addresses'])} join attempts were unsuccessful. Last error: {last}")
        for field, filename in (("cluster_cert", "cluster.crt"), ("cluster_key", "cluster.key")):
            with open(self.state.file(filename), "w") as f:
                f.write(material[field])
        os.chmod(self.state.file("cluster.key"), 0o600)
        cfg = material["config"]
        ceph.write_conf(cfg["fsid"], cfg["mon_hosts"], cfg["public_network"], cfg["cluster_network"])
        ceph.write_keyring(ceph.ADMIN_KEYRING, "client.admin", cfg["keyring.client.admin"],
                           [("mon", "allow *"), ("osd", "allow *"), ("mds", "allow *"), ("mgr", "allow *")])
        try:
            placed = self.place_services(name, cfg["public_network"])
        except (CephError, OSError) as err:
            self.forget_member(name)
            self.leave()
            raise envelope.internal(f"Failed to join MicroCeph: {err}")
        self.become_member(cfg["fsid"], cfg["public_network"], cfg["cluster_network"], material["cluster_secret"])
        log(f"join done in {time.monotonic() - t0:.1f}s (services: {', '.join(placed) or 'none'})")

    def place_services(self, name, public_network):
        """MicroCeph's join: mon, mds and mgr on this member while fewer than 3 members run each."""
        placed = []
        services = self.mon.records("microceph/services")
        for service in ("mon", "mds", "mgr"):
            count = sum(1 for key in services if key.endswith("/" + service))
            if count >= 3:
                continue
            if service == "mon":
                ip = daemons.local_ip_in(public_network)
                daemons.join_mon(self.mon, name, ip)
                daemons.wait_quorum(self.mon, name)
                ceph.write_conf(self.mon.command("fsid")["fsid"], ceph.conf_mon_hosts() + [ip], public_network,
                                self.state.get("cluster_network") or public_network)
            else:
                getattr(daemons, f"start_{service}")(self.mon, name)
            self.record_service(service)
            placed.append(service)
        return placed

    # --- leave ---

    def leave(self):
        """Stops every Ceph daemon of this member and forgets the cluster (microcluster's reset)."""
        self.mon.close()
        daemons.stop_all()
        for sub in ("mon", "mgr", "mds", "osd", "tmp"):
            shutil.rmtree(f"{ceph.DATA}/{sub}", ignore_errors=True)
            os.makedirs(f"{ceph.DATA}/{sub}", exist_ok=True)
        for f in os.listdir("/etc/ceph"):
            os.unlink(os.path.join("/etc/ceph", f))
        self.state.update(initialized=False, fsid=None, cluster_secret=None)
        if self.tls is not None:
            self.tls.use_certificate(*self.listen_certificate())

    def forget_member(self, name):
        """Removes a member's records and monitor from the cluster (best effort: it may be gone already)."""
        try:
            services = self.mon.records("microceph/services")
            for key in [k for k in services if k.startswith(name + "/")]:
                self.mon.delete_record(f"microceph/services/{key}")
            if f"{name}/mon" in services:
                self.mon.command("mon remove", name=name)
            self.mon.delete_record(f"microcluster/members/{name}")
        except CephError as err:
            log(f"forgetting {name}: {err}")

    # --- keeping ceph.conf's monitor list current, as MicroCeph's config writer does ---

    def refresh_conf_forever(self):
        while True:
            time.sleep(3)
            if not self.state.initialized:
                continue
            try:
                dump = self.mon.command("mon dump", timeout=10)
                ips = [m["addr"].split(":")[0] for m in dump.get("mons", [])]
                if ips and sorted(ips) != sorted(ceph.conf_mon_hosts()):
                    ceph.write_conf(self.state.get("fsid"), ips, self.state.get("public_network"),
                                    self.state.get("cluster_network"))
            except (CephError, OSError, KeyError) as err:
                log(f"conf refresh: {err}")
