"""microcluster's core API as MicroCeph serves it: readiness, server info, bootstrap/join, tokens, members."""
import base64
import binascii
import datetime
import json
import re
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from . import envelope, peers
from .envelope import APIError, sync

NOT_INITIALIZED = "Database is not yet initialized"
ONLINE = "Database is online"
ZERO_TIME = "0001-01-01T00:00:00Z"
LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def validate_fqdn(name):
    if not name or len(name) > 255:
        return "Name must be between 1 and 255 characters long"
    for label in name.rstrip(".").split("."):
        if not LABEL.match(label):
            return f"Invalid label {label!r}"
    return None


def rfc3339(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Core:
    def __init__(self, daemon):
        self.d = daemon
        self.control_lock = threading.Lock()
        r = daemon.router
        r.add("GET", "/core/1.0", self.server_info, before_init=True, remote=True)
        r.add("GET", "/core/1.0/ready", self.ready, before_init=True, remote=True)
        r.add("POST", "/core/control", self.control, before_init=True)
        r.add("POST", "/core/control/tokens", self.token_issue)
        r.add("GET", "/core/control/tokens", self.token_list)
        r.add("DELETE", "/core/1.0/tokens/{name}", self.token_delete)
        r.add("GET", "/core/1.0/cluster", self.members_list)
        r.add("DELETE", "/core/1.0/cluster/{name}", self.member_remove)
        r.add("POST", "/core/internal/cluster", self.member_add, remote=True)
        r.add("PUT", "/core/internal/cluster/{name}", self.member_reset)

    # --- GET /core/1.0, /core/1.0/ready ---

    def server_info(self, req):
        s = self.d.state
        return sync({"name": s.name, "address": f"{s.address}:{peers.API_PORT}" if s.initialized else "",
                     "version": self.d.version, "ready": s.initialized, "extensions": self.d.extensions})

    def ready(self, req):
        return sync(None)

    # --- POST /core/control: bootstrap or join ---

    def control(self, req):
        body = req.json()
        with self.control_lock:
            if self.d.state.initialized:
                raise envelope.internal(f"Unable to initialize cluster: {ONLINE}")
            token = body.get("join_token") or ""
            if body.get("bootstrap") and token:
                raise envelope.internal("Invalid options - received join token and bootstrap flag")
            name = body.get("name") or ""
            problem = validate_fqdn(name)
            if problem:
                raise envelope.internal(f"Cluster member name {name!r} is not a valid FQDN: {problem}")
            if name != self.d.state.name:
                raise envelope.internal(f"Cluster member name {name!r} is not this server's name {self.d.state.name!r} (lab)")
            config = body.get("config") or {}
            if token:
                self.d.join(name, body.get("address") or "", token, config)
            elif body.get("bootstrap"):
                self.d.bootstrap(name, body.get("address") or "", config)
            else:
                raise envelope.bad_request("Invalid options - neither bootstrap flag nor join token")
        return sync(None)

    # --- tokens ---

    def token_issue(self, req):
        body = req.json()
        name = body.get("name") or ""
        problem = validate_fqdn(name)
        if problem:
            raise envelope.internal(f"Token name {name!r} is not a valid FQDN: {problem}")
        tokens = self.tokens()
        if name in tokens:
            raise APIError(409, 'This "core_token_records" entry already exists')
        expire_after = int(body.get("expire_after") or 0)  # nanoseconds, as Go's time.Duration
        record = {"secret": secrets.token_hex(32),
                  "expires_at": time.time() + expire_after / 1e9 if expire_after else 0}
        self.d.mon.put_record(f"microcluster/tokens/{name}", record)
        return sync(self.encode_token(record["secret"]))

    def encode_token(self, secret):
        token = {"secret": secret, "fingerprint": self.d.cluster_fingerprint(),
                 "join_addresses": [m["address"] for m in self.members().values()]}
        return base64.b64encode(json.dumps(token, separators=(",", ":")).encode()).decode()

    def tokens(self):
        now = time.time()
        return {k: v for k, v in self.d.mon.records("microcluster/tokens").items()
                if not v.get("expires_at") or v["expires_at"] > now}

    def token_list(self, req):
        out = []
        for name, rec in sorted(self.tokens().items()):
            out.append({"name": name, "token": self.encode_token(rec["secret"]),
                        "expires_at": rfc3339(rec["expires_at"]) if rec.get("expires_at") else ZERO_TIME})
        return sync(out)

    def token_delete(self, req):
        name = req.params["name"]
        if name not in self.d.mon.records("microcluster/tokens"):
            raise envelope.not_found("CoreTokenRecord not found")
        self.d.mon.delete_record(f"microcluster/tokens/{name}")
        return sync(None)

    # --- members ---

    def members(self):
        return self.d.mon.records("microcluster/members")

    def members_list(self, req):
        members = sorted(self.members().values(), key=lambda m: m["joined_at"])

        def status(member):
            if member["name"] == self.d.state.name:
                return "ONLINE"
            try:
                peers.metadata(member["address"], "GET", "/core/1.0/ready", timeout=5)
                return "ONLINE"
            except APIError:
                return "UNREACHABLE"

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(status, members))
        out = []
        for member, st in zip(members, statuses):
            out.append({"name": member["name"], "address": member["address"], "certificate": member["certificate"],
                        "role": member["role"], "schema_internal_version": 7, "schema_external_version": 1,
                        "last_heartbeat": rfc3339(time.time()), "status": st,
                        "extensions": self.d.extensions, "secret": ""})
        return sync(out)

    def member_add(self, req):
        """A joiner hands in its token's secret (microcluster: POST /core/internal/cluster)."""
        body = req.json()
        name, secret = body.get("name", ""), body.get("secret", "")
        tokens = self.d.mon.records("microcluster/tokens")
        match = [n for n, rec in tokens.items() if secrets.compare_digest(rec["secret"], secret)]
        if not match:
            raise envelope.internal("No matching join token found")
        token_name = match[0]
        expires = tokens[token_name].get("expires_at")
        if expires and expires < time.time():
            raise envelope.internal("Token expired")
        if token_name != name:
            raise envelope.internal("Joining server certificate SAN does not contain join token name")
        members = self.members()
        if any(m["address"] == body.get("address") for m in members.values()):
            raise envelope.internal(f"Remote with address {body.get('address')!r} exists")
        voters = sum(1 for m in members.values() if m["role"] == "voter")
        self.d.mon.put_record(f"microcluster/members/{name}", {
            "name": name, "address": body.get("address"), "certificate": body.get("certificate", ""),
            "role": "voter" if voters < 3 else "stand-by", "joined_at": time.time()})
        self.d.mon.delete_record(f"microcluster/tokens/{token_name}")
        return sync(self.d.join_material())

    def member_remove(self, req):
        name = req.params["name"]
        force = req.query.get("force", [""])[0] == "1"
        members = self.members()
        if name not in members:
            raise envelope.internal(f"No remote exists with the given name {name!r}")
        if len(members) == 1:
            raise envelope.internal("Cannot leave a cluster with 1 members")
        if not force:
            self.check_removable(name)
        if name == self.d.state.name:
            self.d.leave()
        else:
            try:
                # force: a member that does not answer within 10 s is dropped (lab bound: its cable may be out)
                peers.metadata(members[name]["address"], "PUT", f"/core/internal/cluster/{name}",
                               secret=self.d.state.get("cluster_secret"), timeout=10 if force else 120)
            except APIError:
                if not force:
                    raise
        self.d.forget_member(name)
        return sync(None)

    def check_removable(self, name):
        """MicroCeph's pre-remove checks: no OSDs left there, and enough mon/mgr/mds elsewhere."""
        if any(r["location"] == name for r in self.d.mon.records("microceph/disks").values()):
            raise envelope.internal(f"Node {name} still has disks configured, remove before proceeding")
        elsewhere = {"mon": 0, "mgr": 0, "mds": 0}
        for rec in self.d.mon.records("microceph/services").values():
            if rec["location"] != name and rec["service"] in elsewhere:
                elsewhere[rec["service"]] += 1
        if elsewhere["mon"] < 3 or elsewhere["mgr"] < 1 or elsewhere["mds"] < 1:
            raise envelope.internal("Insufficient non OSD services: need at least 3 mon, 1 mds, and 1 mgr services "
                                    f"in the cluster besides those in node '{name}'")

    def member_reset(self, req):
        """The member being removed stops its daemons and forgets the cluster (microcluster's reset)."""
        if req.params["name"] != self.d.state.name:
            raise envelope.not_found("not this member")
        self.d.leave()
        return sync(None)


def decode_token(token):
    try:
        data = json.loads(base64.b64decode(token, validate=True))
    except (binascii.Error, ValueError) as err:
        raise envelope.internal(f"Failed to decode join token: {err}")
    if not isinstance(data, dict) or not data.get("join_addresses"):
        raise envelope.internal("Failed to decode join token: no join addresses")
    return data
