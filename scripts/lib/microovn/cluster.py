"""The cluster's shared records (members, join tokens, services, certificates) and how members talk.

MicroOVN keeps these in microcluster's dqlite database. The lab keeps a copy on every member and the
member that changes it sends the whole copy to the others over the cluster listener (mutual TLS with
the cluster certificate): small, and enough for a handful of lab servers.
"""
import base64
import copy
import hashlib
import http.client
import json
import os
import re
import socket
import ssl
import threading
import time
from datetime import datetime, timezone

PORT = 6443  # MicroOVN's port (the address MicroCloud gives in bootstrap/join carries it)
ZERO_TIME = "0001-01-01T00:00:00Z"
FQDN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


def now_rfc3339(t=None):
    return datetime.fromtimestamp(t or time.time(), timezone.utc).isoformat().replace("+00:00", "Z")


def valid_fqdn(name):
    return bool(FQDN.match(name or ""))


def fingerprint(pem):
    """shared.CertFingerprint: hex SHA-256 of the certificate's DER bytes."""
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def encode_token(secret, cert_pem, join_addresses):
    token = {"secret": secret, "fingerprint": fingerprint(cert_pem), "join_addresses": join_addresses}
    return base64.b64encode(json.dumps(token, separators=(",", ":")).encode()).decode()


def decode_token(text):
    try:
        token = json.loads(base64.b64decode(text, validate=True))
        return token["secret"], token["fingerprint"], list(token["join_addresses"])
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"invalid join token: {e}")


def split_address(address):
    host, _, port = address.rpartition(":")
    return host.strip("[]"), int(port)


class Records:
    """This member's copy of the cluster's records, saved to STATE_DIR/cluster.json."""

    def __init__(self, state_dir):
        self.path = os.path.join(state_dir, "cluster.json")
        self.lock = threading.RLock()
        self.data = None
        if os.path.exists(self.path):
            with open(self.path) as f:
                self.data = json.load(f)

    @property
    def initialized(self):
        return self.data is not None

    def snapshot(self):
        with self.lock:
            return copy.deepcopy(self.data)

    def save(self, data):
        with self.lock:
            if self.data is not None and data.get("version", 0) < self.data.get("version", 0):
                return False  # an older copy arriving late
            tmp = self.path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(data, f, indent=1)
            os.replace(tmp, self.path)
            self.data = data
            return True

    def change(self, edit):
        """Apply edit(data) under the lock, bump the version, save; returns the new copy."""
        with self.lock:
            data = copy.deepcopy(self.data)
            result = edit(data)
            data["version"] = data.get("version", 0) + 1
            self.save(data)
            return data, result

    # --- views ---
    def members(self):
        return self.snapshot()["members"] if self.initialized else []

    def member_addresses(self):
        return [m["address"] for m in self.members()]

    def services(self):
        return self.snapshot()["services"] if self.initialized else []

    def central_locations(self):
        return [s["location"] for s in self.services() if s["service"] == "central"]

    def central_addresses(self):
        where = {m["name"]: split_address(m["address"])[0] for m in self.members()}
        return [where[n] for n in self.central_locations() if n in where]


def live_tokens(data):
    t = time.time()
    return [tok for tok in data["tokens"] if not tok["expires"] or tok["expires"] > t]


# --- talking to other members ---

def client_context(cluster_cert=None, cluster_key=None, cert_file=None):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the fingerprint (token) or the cluster cert is checked by the caller
    if cert_file:
        context.load_cert_chain(cert_file[0], cert_file[1])
    return context


def peer_certificate(address, timeout=5):
    """The PEM certificate a member's cluster listener shows (shared.GetRemoteCertificate)."""
    host, port = split_address(address)
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with client_context().wrap_socket(raw) as tls:
            return ssl.DER_cert_to_PEM_cert(tls.getpeercert(binary_form=True))


def call(address, method, path, body, cert_files=None, expected_fingerprint=None, timeout=120):
    """One request to a member's cluster listener; returns the envelope's metadata or raises."""
    host, port = split_address(address)
    connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=client_context(cert_file=cert_files))
    try:
        connection.connect()
        if expected_fingerprint:
            der = connection.sock.getpeercert(binary_form=True)
            if hashlib.sha256(der).hexdigest() != expected_fingerprint:
                raise ValueError(f"Cluster certificate token does not match that of cluster member {address}")
        data = json.dumps(body).encode()
        connection.request(method, path, body=data, headers={"Content-Type": "application/json"})
        answer = json.loads(connection.getresponse().read() or b"{}")
    finally:
        connection.close()
    if answer.get("type") == "error":
        raise RuntimeError(answer.get("error") or "error")
    return answer.get("metadata")


def reachable(address, timeout=0.5):
    try:
        with socket.create_connection(split_address(address), timeout=timeout):
            return True
    except OSError:
        return False
