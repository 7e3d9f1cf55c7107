"""HTTP over the control unix socket and over TLS on the member's address, one routing table for both.

The unix socket is the product's way in (trusted, like microcluster's control socket); the TLS port is
how members talk to each other (join, ?target= forwarding), authenticated by the cluster secret.
"""
import json
import os
import re
import socket
import socketserver
import ssl
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit, parse_qs, unquote

from . import envelope
from .envelope import APIError


class Request:
    def __init__(self, method, path, query, body, trusted, params):
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.trusted = trusted
        self.params = params

    def json(self, required=True):
        """The body decoded like Go's json.Decoder: an empty body is `EOF`."""
        if not self.body.strip():
            if required:
                raise envelope.internal("EOF")
            return {}
        try:
            value = json.loads(self.body)
        except ValueError as err:
            raise envelope.bad_request(f"invalid character in request body: {err}")
        if not isinstance(value, dict):
            raise envelope.bad_request("json: cannot unmarshal request body into an object")
        return value

    def target(self):
        return self.query.get("target", [""])[0]


class Router:
    """Routes `METHOD /path/{param}` to handlers; each handler returns (status, body) or raises APIError."""

    def __init__(self):
        self.routes = []

    def add(self, method, pattern, handler, before_init=False, remote=False, proxy_target=False):
        regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$"
        self.routes.append((method, re.compile(regex), handler, before_init, remote, proxy_target))

    older_release = False   # microcluster before the /core rename (MCLAB_OLDER_RELEASE, see microcephd)

    def find(self, method, path):
        if self.older_release:
            if path.startswith("/core/") or path == "/core":
                raise envelope.not_found("not found")
            if path.startswith("/cluster/"):
                path = "/core/" + path[len("/cluster/"):]
        allowed = False
        for m, regex, handler, before_init, remote, proxy in self.routes:
            match = regex.match(path)
            if match:
                allowed = True
                if m == method:
                    return handler, {k: unquote(v) for k, v in match.groupdict().items()}, before_init, remote, proxy
        if allowed:
            raise envelope.not_found(f"Method '{method}' not found")
        raise envelope.not_found("not found")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "microceph-lab"

    def address_string(self):
        return "unix" if isinstance(self.client_address, (str, bytes)) else self.client_address[0]

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def _serve(self):
        daemon = self.server.daemon
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        trusted = self.server.unix or daemon.cluster_secret_matches(self.headers.get("X-Microceph-Secret", ""))
        try:
            handler, params, before_init, remote, proxy = daemon.router.find(self.command, parts.path.rstrip("/") or "/")
            if not self.server.unix and not (trusted or remote):
                raise APIError(403, "Failed to authenticate request: not a cluster member")
            if not before_init:
                daemon.require_initialized()
            request = Request(self.command, parts.path, parse_qs(parts.query), body, trusted, params)
            target = request.target()
            if proxy and target and target != daemon.state.name:
                status, payload = daemon.forward(target, self.command, self.path, body)
            else:
                status, payload = handler(request)
        except APIError as err:
            status, payload = envelope.error(err)
        except Exception as err:  # a bug or an unexpected Ceph failure: report it, keep serving
            traceback.print_exc()
            status, payload = envelope.error(envelope.internal(str(err)))
        data = envelope.encode(payload)
        self.send_response(status, envelope.reason(status))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    unix = True

    def __init__(self, path, daemon):
        if os.path.exists(path):
            os.unlink(path)
        self.daemon = daemon
        super().__init__(path, Handler)
        os.chmod(path, 0o660)


class TLSServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    unix = False

    def __init__(self, address, daemon):
        self.daemon = daemon
        self.context = None
        super().__init__(address, Handler)

    def use_certificate(self, cert, key):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.context = context

    def get_request(self):
        conn, addr = self.socket.accept()
        conn.settimeout(300)
        return self.context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):  # a client that hangs up mid-handshake is not news
        pass


def serve_forever(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
