"""microcluster's REST plumbing, as MicroOVN serves it: LXD's response envelope, routes, servers.

Stdlib only: the lab's service stand-ins must run on a fresh CI machine with nothing but Debian's
python3 (no pip, no network).
"""
import json
import os
import re
import socket
import socketserver
import ssl
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer


class APIError(Exception):
    """An error answer: HTTP status and microcluster's error text."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def sync(metadata):
    """response.SyncResponse(true, metadata) (EmptySyncResponse is sync({}))."""
    return 200, {"type": "sync", "status": "Success", "status_code": 200, "operation": "",
                 "error_code": 0, "error": "", "metadata": metadata}


def error(code, message):
    """response.SmartError / BadRequest / NotFound / Unavailable rendered."""
    return code, {"type": "error", "status": "", "status_code": 0, "operation": "",
                  "error_code": code, "error": message, "metadata": None}


class Request:
    def __init__(self, method, path, query, body, trusted, params):
        self.method, self.path, self.query = method, path, query
        self.body, self.trusted, self.params = body, trusted, params

    def json(self):
        """The body decoded, or 400 like Go's json decoder in microcluster's handlers."""
        try:
            value = json.loads(self.body or b"null")
        except ValueError as e:
            raise APIError(400, str(e))
        if not isinstance(value, dict):
            raise APIError(400, "json: cannot unmarshal request body into a struct")
        return value


class Router:
    """(method, path pattern) -> handler(Request) -> (status, body). {name} segments are parameters."""

    def __init__(self):
        self.routes = []

    def add(self, method, pattern, handler, untrusted=False):
        regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$"
        self.routes.append((method, re.compile(regex), handler, untrusted))

    older_release = False   # microcluster before the /core rename (MCLAB_OLDER_RELEASE, see microovnd)

    def dispatch(self, method, target, body, trusted):
        parts = urllib.parse.urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        if self.older_release:
            if path.startswith("/core/") or path == "/core":
                return error(404, "not found")
            if path.startswith("/cluster/"):
                path = "/core/" + path[len("/cluster/"):]
        allowed = False
        for m, regex, handler, untrusted in self.routes:
            match = regex.match(path)
            if not match:
                continue
            allowed = True
            if m != method:
                continue
            if not (trusted or untrusted):
                return error(403, "forbidden")
            params = {k: urllib.parse.unquote(v) for k, v in match.groupdict().items()}
            request = Request(method, path, urllib.parse.parse_qs(parts.query), body, trusted, params)
            try:
                return handler(request)
            except APIError as e:
                return error(e.code, e.message)
            except Exception as e:  # a bug or a failed tool: microcluster's SmartError gives 500
                return error(500, str(e))
        if allowed:
            return error(501, "not implemented")
        return error(404, "not found")


def make_handler(router, trusted_check):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            if isinstance(self.request, ssl.SSLSocket):
                self.request.settimeout(30)
                self.request.do_handshake()
            super().setup()

        def handle_one(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, answer = router.dispatch(self.command, self.path, body, trusted_check(self))
            data = json.dumps(answer).encode() + b"\n"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_one

        def address_string(self):
            return "unix" if not isinstance(self.client_address, tuple) else self.client_address[0]

        def log_message(self, fmt, *args):  # one line per request in the service's log; never bodies
            print(f"{self.address_string()} {fmt % args}", flush=True)

    return Handler


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class TLSServer(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve_unix(path, router):
    """The control socket: every caller is the local root, as for microcluster's unix socket."""
    if os.path.exists(path):
        os.unlink(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    server = UnixServer(path, make_handler(router, lambda handler: True))
    os.chmod(path, 0o660)
    return server


def serve_tls(address, port, cert, key, router):
    """The cluster listener: a caller is trusted when it shows the cluster certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.verify_mode = ssl.CERT_OPTIONAL
    context.load_verify_locations(cafile=cert)

    def trusted(handler):
        return bool(handler.request.getpeercert())

    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    TLSServer.address_family = family
    server = TLSServer((address, port), make_handler(router, trusted), bind_and_activate=True)
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    return server
