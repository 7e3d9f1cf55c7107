"""Requests to other members over TLS, pinned to the certificate fingerprint the caller expects."""
import hashlib
import http.client
import json
import socket
import ssl

from . import envelope

API_PORT = 7443       # MicroCeph's port; the product passes it in `address` on bootstrap and join


def _context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE          # self-signed: trust is the pinned fingerprint below
    return context


def fingerprint_of(address, timeout=5):
    host, port = split(address)
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with _context().wrap_socket(raw) as tls:
            return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def split(address):
    host, _, port = address.rpartition(":")
    return host.strip("[]"), int(port or API_PORT)


def request(address, method, path, body=None, secret="", fingerprint=None, timeout=600):
    """Returns (HTTP status, decoded envelope). Raises APIError when the peer cannot be reached."""
    host, port = split(address)
    conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=_context())
    try:
        conn.connect()
        if fingerprint:
            seen = hashlib.sha256(conn.sock.getpeercert(binary_form=True)).hexdigest()
            if seen != fingerprint:
                raise envelope.internal(f"Cluster certificate of {address} does not match (got {seen})")
        data = body if isinstance(body, (bytes, str)) else (json.dumps(body) if body is not None else "")
        headers = {"Content-Type": "application/json", "X-Microceph-Secret": secret}
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        payload = json.loads(response.read() or b"{}")
        return response.status, payload
    except (OSError, ValueError, http.client.HTTPException) as err:
        raise envelope.internal(f"Failed to send request to {address}: {err}")
    finally:
        conn.close()


def metadata(address, method, path, body=None, **kwargs):
    """The `metadata` of a successful reply; an error reply is raised as the peer's own error."""
    status, payload = request(address, method, path, body, **kwargs)
    if payload.get("type") == "error" or status >= 400:
        raise envelope.APIError(payload.get("error_code") or status, payload.get("error", "unknown error"))
    return payload.get("metadata")
