"""What this member keeps for itself (state.json under its own folder): who it is, whether it is a
member, the cluster's certificate and secret. What all members share lives in Ceph (see ceph.Mon.records)."""
import hashlib
import json
import os
import ssl
import subprocess


class LocalState:
    def __init__(self, directory, name, address):
        self.directory = directory
        self.path = os.path.join(directory, "state.json")
        self.name = name
        self.address = address          # this member's IP; the API port is added where upstream adds it
        self.data = {}
        if os.path.exists(self.path):
            with open(self.path) as f:
                self.data = json.load(f)

    def get(self, key, default=None):
        return self.data.get(key, default)

    def update(self, **values):
        self.data.update(values)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f, indent=1)
        os.replace(tmp, self.path)

    @property
    def initialized(self):
        return bool(self.data.get("initialized"))

    def file(self, name):
        return os.path.join(self.directory, name)


def make_certificate(cert_path, key_path, common_name):
    """A self-signed certificate (microcluster's server and cluster certificates are ECDSA P-384)."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1",
                    "-nodes", "-days", "3650", "-subj", f"/CN={common_name}", "-keyout", key_path,
                    "-out", cert_path], check=True, capture_output=True)
    os.chmod(key_path, 0o600)


def fingerprint_pem(pem):
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def read(path):
    with open(path) as f:
        return f.read()
