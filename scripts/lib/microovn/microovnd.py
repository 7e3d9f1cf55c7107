#!/usr/bin/env python3
"""microovnd — the lab's MicroOVN: MicroOVN's REST API on a unix socket, real OVN underneath.

  microovnd.py --state-dir DIR --socket PATH

Runs inside one lab server (its network, mount and UTS namespaces; scripts/lib/ovn.sh starts it).
Serves microcluster's core API and MicroOVN's /1.0/services on the control socket, and a cluster
listener on ADDRESS:6443 (TLS) once bootstrapped or joined. Bootstrap and join start Debian's OVN and
Open vSwitch as MicroOVN does: central (clustered NB/SB + northd) on the first 3 members, switch
(ovsdb-server + ovs-vswitchd) and chassis (ovn-controller with ovn-encap-ip) on every member.
Test infrastructure only; never part of the product.
"""
import argparse
import json
import os
import secrets
import socket
import sys
import threading
import time

import cluster
import ovn
from envelope import APIError, Router, serve_tls, serve_unix, sync

# microcluster's gate for an endpoint not allowed before init (internal/rest/rest.go → internal/db/dqlite.go IsOpen):
# 503 with the database's status, types.DatabaseNotReady until bootstrap or join.
NOT_READY = (503, "Database is not yet initialized")
EXTENSIONS = ["internal:runtime_extension_v1", "internal:rename_core_endpoints", "custom_encapsulation_ip"]
SCHEMA_INTERNAL, SCHEMA_EXTERNAL = 7, 2
# Lab-only: the servers named in MCLAB_OLDER_RELEASE play MicroOVN 22.03 on microcluster before its /cluster -> /core
# rename (canonical/microcluster ff48636, July 2024): /core/... is unknown (404), the same endpoints answer under
# /cluster/..., and GET /cluster/1.0 lists no extensions (they joined that answer in July 2024, aa5c674).
OLDER_RELEASE = os.environ.get("MCLAB_SERVER", "") in os.environ.get("MCLAB_OLDER_RELEASE", "").split()


class Service:
    def __init__(self, state_dir, socket_path):
        self.state_dir, self.socket_path = state_dir, socket_path
        os.makedirs(state_dir, exist_ok=True)
        self.records = cluster.Records(state_dir)
        self.local_path = os.path.join(state_dir, "local.json")
        self.local = json.load(open(self.local_path)) if os.path.exists(self.local_path) else None
        self.init_lock = threading.Lock()
        self.version = "22.03.3" if OLDER_RELEASE else ovn.ovn_version()
        self.tls = None
        self.southbound = None
        self.started = threading.Event()    # set once start-up is done: what /core/1.0/ready answers

    # --- helpers ---
    def require_initialized(self):
        if not self.records.initialized or not self.local:
            raise APIError(*NOT_READY)

    def files(self, name):
        return os.path.join(self.state_dir, name)

    def cert_files(self):
        return self.files("cluster.crt"), self.files("cluster.key")

    def broadcast(self, data, skip=()):
        """Send the new records to every other member (their copy of microcluster's database)."""
        me = self.local["name"]
        for member in data["members"]:
            if member["name"] == me or member["name"] in skip:
                continue
            threading.Thread(target=self.push, args=(member["address"], data), daemon=True).start()

    def push(self, address, data):
        try:
            cluster.call(address, "PUT", "/core/internal/records", data, cert_files=self.cert_files(), timeout=30)
        except Exception as e:
            print(f"records to {address} failed: {e}", flush=True)

    def records_changed(self):
        """MicroOVN points each chassis at every central; the lab does it when the records move."""
        if not self.local or "chassis" not in self.local.get("services", []):
            return
        centrals = self.records.central_addresses()
        if centrals and centrals != self.southbound:
            try:
                ovn.set_southbound(centrals)
                self.southbound = centrals
            except ovn.OVNError as e:
                print(f"ovn-remote: {e}", flush=True)

    def start_listener(self):
        data = self.records.snapshot()
        for path, text in zip(self.cert_files(), (data["cluster_cert"], data["cluster_key"])):
            with open(path, "w") as f:
                f.write(text)
        os.chmod(self.files("cluster.key"), 0o600)
        host, port = cluster.split_address(self.local["address"])
        self.tls = serve_tls(host, port, *self.cert_files(), self.tls_router())
        threading.Thread(target=self.tls.serve_forever, daemon=True).start()

    def start_ovn(self, name, address, services, config, bootstrap, data):
        """The daemons of this member's services, in MicroOVN's order: switch, central, chassis."""
        host = cluster.split_address(address)[0]
        steps = []

        def step(label, action, *args):
            t = time.monotonic()
            action(*args)
            steps.append(f"{label} {time.monotonic() - t:.2f}s")
        step("certificates", ovn.install_certificates, name, host, data["ca_cert"], data["ca_key"])
        step("switch", ovn.start_switch)
        centrals = [cluster.split_address(m["address"])[0] for m in data["members"]
                    if m["name"] in {s["location"] for s in data["services"] if s["service"] == "central"}]
        if "central" in services:
            step("central", ovn.start_central, host, bootstrap, [c for c in centrals if c != host])
            step("northd", ovn.start_northd, centrals)
        if "chassis" in services:
            step("chassis", ovn.start_chassis, name, config.get("ovn-encap-ip") or host, centrals)
            self.southbound = centrals
        print("OVN started: " + ", ".join(steps), flush=True)

    def finish_init(self, name, address, services, data):
        self.records.save(data)
        self.local = {"name": name, "address": address, "services": services}
        with open(self.local_path, "w") as f:
            json.dump(self.local, f)
        self.start_listener()

    # --- microcluster core API ---
    def server_info(self, request):
        local = self.local or {}
        return sync({"name": local.get("name", socket.gethostname()),
                     "address": local.get("address", "invalid AddrPort"),
                     "version": self.version, "ready": self.records.initialized,
                     "extensions": [] if OLDER_RELEASE else EXTENSIONS})

    def ready(self, request):
        # microcluster (internal/rest/resources/ready.go): 503 until the daemon's ReadyChan closes, i.e. after its
        # start and MicroOVN's OnStart hook (microovn/ovn/start.go: a member's services back up) have run.
        if not self.started.is_set():
            raise APIError(503, "Daemon is not ready yet")
        return sync({})

    def members(self, request):
        self.require_initialized()
        me = self.local["name"]
        answer = []
        for m in self.records.members():
            online = m["name"] == me or cluster.reachable(m["address"])
            answer.append({"name": m["name"], "address": m["address"], "certificate": m["certificate"],
                           "role": m["role"], "schema_internal_version": SCHEMA_INTERNAL,
                           "schema_external_version": SCHEMA_EXTERNAL,
                           "last_heartbeat": cluster.now_rfc3339() if online else cluster.ZERO_TIME,
                           "status": "ONLINE" if online else "UNREACHABLE", "extensions": EXTENSIONS,
                           "secret": ""})
        return sync(answer)

    def control(self, request):
        body = request.json()
        if not self.init_lock.acquire(blocking=False):
            raise APIError(500, "Unable to initialize cluster: Database is still starting")
        try:
            if self.records.initialized:
                raise APIError(500, "Unable to initialize cluster: Database is online")
            bootstrap, token = bool(body.get("bootstrap")), body.get("join_token") or ""
            name, address, config = body.get("name") or "", body.get("address") or "", body.get("config") or {}
            if bootstrap and token:
                raise APIError(500, "Invalid options - received join token and bootstrap flag")
            if not cluster.valid_fqdn(name):
                raise APIError(500, f'Cluster member name "{name}" is not a valid FQDN')
            try:
                cluster.split_address(address)
            except ValueError:
                raise APIError(400, f'ParseAddrPort("{address}"): invalid address')
            if bootstrap:
                self.bootstrap(name, address, config)
            elif token:
                self.join(name, address, token, config)
            else:
                raise APIError(500, "Invalid options - received neither join token nor bootstrap flag")
            return sync({})
        finally:
            self.init_lock.release()

    def bootstrap(self, name, address, config):
        t0 = time.monotonic()
        cluster_cert, cluster_key = ovn.self_signed(name)
        ca_cert, ca_key = ovn.self_signed("MicroOVN CA")
        services = ["central", "chassis", "switch"]
        data = {"version": 1, "cluster_cert": cluster_cert, "cluster_key": cluster_key,
                "ca_cert": ca_cert, "ca_key": ca_key, "tokens": [],
                "members": [{"name": name, "address": address, "certificate": cluster_cert, "role": "voter"}],
                "services": [{"service": s, "location": name} for s in services]}
        self.start_ovn(name, address, services, config, True, data)
        self.finish_init(name, address, services, data)
        print(f"bootstrapped {name} at {address} in {time.monotonic() - t0:.2f} s", flush=True)

    def join(self, name, address, token, config):
        t0 = time.monotonic()
        try:
            secret, expected, join_addresses = cluster.decode_token(token)
        except ValueError as e:
            raise APIError(500, str(e))
        member_cert, _ = ovn.self_signed(name)
        info, last = None, None
        for target in join_addresses:
            try:
                info = cluster.call(target, "POST", "/core/internal/cluster",
                                    {"name": name, "address": address, "certificate": member_cert,
                                     "secret": secret}, expected_fingerprint=expected)
                break
            except Exception as e:
                last = e
        if info is None:
            raise APIError(500, f"{len(join_addresses)} join attempts were unsuccessful. Last error: {last}")
        data = info["records"]
        services = sorted(s["service"] for s in data["services"] if s["location"] == name)
        self.start_ovn(name, address, services, config, False, data)
        self.finish_init(name, address, services, data)
        print(f"joined as {name} at {address} ({', '.join(services)}) in {time.monotonic() - t0:.2f} s", flush=True)

    def tokens_post(self, request):
        self.require_initialized()
        body = request.json()
        name, after = body.get("name") or "", int(body.get("expire_after") or 0)
        if not cluster.valid_fqdn(name):
            raise APIError(500, f'Token name "{name}" is not a valid FQDN')
        secret = secrets.token_hex(32)

        def edit(data):
            if any(t["name"] == name for t in cluster.live_tokens(data)):
                raise APIError(409, 'This "core_token_records" entry already exists')
            data["tokens"] = cluster.live_tokens(data) + [
                {"name": name, "secret": secret, "expires": time.time() + after / 1e9 if after else 0}]
        data, _ = self.records.change(edit)
        self.broadcast(data)
        return sync(cluster.encode_token(secret, data["cluster_cert"], self.records.member_addresses()))

    def tokens_get(self, request):
        self.require_initialized()
        data = self.records.snapshot()
        addresses = self.records.member_addresses()
        return sync([{"name": t["name"], "token": cluster.encode_token(t["secret"], data["cluster_cert"], addresses),
                      "expires_at": cluster.now_rfc3339(t["expires"]) if t["expires"] else cluster.ZERO_TIME}
                     for t in cluster.live_tokens(data)])

    def token_delete(self, request):
        self.require_initialized()
        name = request.params["name"]

        def edit(data):
            if not any(t["name"] == name for t in data["tokens"]):
                raise APIError(404, "CoreTokenRecord not found")
            data["tokens"] = [t for t in data["tokens"] if t["name"] != name]
        data, _ = self.records.change(edit)
        self.broadcast(data)
        return sync({})

    # --- MicroOVN ---
    def services(self, request):
        self.require_initialized()
        order = [m["name"] for m in self.records.members()]
        listed = sorted(self.records.services(),
                        key=lambda s: (order.index(s["location"]) if s["location"] in order else 99, s["service"]))
        return sync([{"service": s["service"], "location": s["location"]} for s in listed])

    # --- cluster listener (internal) ---
    def internal_join(self, request):
        self.require_initialized()
        body = request.json()
        name, address = body.get("name") or "", body.get("address") or ""

        def edit(data):
            token = next((t for t in cluster.live_tokens(data) if t["secret"] == body.get("secret")), None)
            if token is None:
                raise APIError(403, "No matching join token found")
            if any(m["address"] == address for m in data["members"]):
                raise APIError(500, f'Remote with address "{address}" exists')
            if any(m["name"] == name for m in data["members"]):
                raise APIError(500, f'Cluster member with name "{name}" already exists')
            data["tokens"].remove(token)
            voters = sum(1 for m in data["members"] if m["role"] == "voter")
            data["members"].append({"name": name, "address": address, "certificate": body.get("certificate", ""),
                                    "role": "voter" if voters < 3 else "stand-by"})
            centrals = sum(1 for s in data["services"] if s["service"] == "central")
            wanted = ["chassis", "switch"] + (["central"] if centrals < 3 else [])
            data["services"] += [{"service": s, "location": name} for s in sorted(wanted)]
        data, _ = self.records.change(edit)
        self.broadcast(data, skip=(name,))
        threading.Thread(target=self.records_changed, daemon=True).start()
        return sync({"records": data})

    def internal_records(self, request):
        self.require_initialized()
        if self.records.save(request.json()):
            threading.Thread(target=self.records_changed, daemon=True).start()
        return sync({})

    # --- leaving (microcluster's DELETE /core/1.0/cluster/{name}, MicroOVN's PreRemove/PostRemove hooks) ---
    def member_remove(self, request):
        """microcluster removes a member: the leaving member runs MicroOVN's PreRemove hook (ovn.leave) and resets;
        the records lose it and its services; the others refresh (PostRemove: chassis follow the centrals that
        stay). `force=1` drops a member that does not answer (microcluster's force)."""
        self.require_initialized()
        name = request.params["name"]
        force = request.query.get("force", [""])[0] == "1"
        members = {m["name"]: m for m in self.records.members()}
        if name not in members:
            raise APIError(500, f"No remote exists with the given name {name!r}")
        if len(members) == 1:
            raise APIError(500, "Cannot leave a cluster with 1 members")
        if name == self.local["name"]:
            self.reset()
        else:
            try:
                # force: a member that does not answer within 10 s is dropped (lab bound: its cable may be out)
                cluster.call(members[name]["address"], "PUT", f"/core/internal/cluster/{name}", {},
                             cert_files=self.cert_files(), timeout=10 if force else 120)
            except Exception as e:
                if not force:
                    raise APIError(500, f"Failed to remove cluster member {name!r}: {e}")

        def edit(data):
            data["members"] = [m for m in data["members"] if m["name"] != name]
            data["services"] = [s for s in data["services"] if s["location"] != name]
        data, _ = self.records.change(edit)
        self.broadcast(data, skip=(name,))
        threading.Thread(target=self.records_changed, daemon=True).start()
        return sync({})

    def internal_leave(self, request):
        """The member being removed: MicroOVN's PreRemove hook, then microcluster's reset of this member."""
        self.require_initialized()
        if request.params["name"] != self.local["name"]:
            raise APIError(404, "not this member")
        threading.Thread(target=self.reset, daemon=True).start()
        return sync({})

    def reset(self):
        ovn.leave()
        self.local = None
        for path in (self.local_path, self.records.path):
            if os.path.exists(path):
                os.unlink(path)
        self.records = cluster.Records(self.state_dir)
        if self.tls:
            threading.Thread(target=self.tls.shutdown, daemon=True).start()
            self.tls = None

    # --- routes ---
    def public_routes(self, router):
        router.older_release = OLDER_RELEASE
        router.add("GET", "/core/1.0", self.server_info, untrusted=True)
        router.add("GET", "/core/1.0/ready", self.ready)
        router.add("GET", "/core/1.0/cluster", self.members)
        router.add("DELETE", "/core/1.0/tokens/{name}", self.token_delete)
        router.add("DELETE", "/core/1.0/cluster/{name}", self.member_remove)
        router.add("GET", "/1.0/services", self.services)
        return router

    def unix_router(self):
        router = self.public_routes(Router())
        router.add("POST", "/core/control", self.control)
        router.add("POST", "/core/control/tokens", self.tokens_post)
        router.add("GET", "/core/control/tokens", self.tokens_get)
        return router

    def tls_router(self):
        router = self.public_routes(Router())
        router.add("POST", "/core/internal/cluster", self.internal_join, untrusted=True)
        router.add("PUT", "/core/internal/records", self.internal_records)
        router.add("PUT", "/core/internal/cluster/{name}", self.internal_leave)
        return router


def main():
    parser = argparse.ArgumentParser(description="the lab's MicroOVN (test infrastructure)")
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--socket", required=True)
    args = parser.parse_args()
    service = Service(args.state_dir, args.socket)
    unix = serve_unix(args.socket, service.unix_router())
    # As microcluster, the socket answers during start-up (its ready endpoint says not yet).
    threading.Thread(target=unix.serve_forever, daemon=True).start()
    if service.records.initialized and service.local:
        service.start_listener()  # a restarted service serves its cluster again (daemons keep running)
    service.started.set()
    print(f"microovnd: control socket {args.socket}, OVN {service.version}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
