"""microcluster's response envelope (LXD's response package): the same JSON fields and status codes."""
import json
from http import HTTPStatus


class APIError(Exception):
    """An error response: `code` is the HTTP status, `message` the text upstream puts in `error`."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def bad_request(message):
    return APIError(400, message)


def not_found(message="not found"):
    return APIError(404, message)


def internal(message):
    return APIError(500, message)


def unavailable(message):
    return APIError(503, message)


def sync(metadata=None):
    """A sync response: (HTTP status, body)."""
    return 200, {"type": "sync", "status": "Success", "status_code": 200, "operation": "",
                 "error_code": 0, "error": "", "metadata": metadata}


def error(err):
    return err.code, {"type": "error", "status": "", "status_code": 0, "operation": "",
                      "error_code": err.code, "error": err.message, "metadata": None}


def encode(body):
    return (json.dumps(body) + "\n").encode()


def reason(code):
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""
