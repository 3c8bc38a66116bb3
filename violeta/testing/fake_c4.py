"""A local C4/C5 receiver of MIA's hand-off webhook (tests): it checks each request's signature as the state's
integration is asked to (docs/mia.md, "Dispatch": ``c4_verifies`` is that snippet, written apart from the backend),
answers ``status`` to valid ones and 401 to the rest, and records every request and the idempotency keys it took."""

import hashlib
import hmac
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "c4-shared-secret"  # noqa: S105 - the tests' shared secret, nothing real


def c4_verifies(secret: str, headers, body: bytes, *, tolerance: int = 300) -> bool:
    """How the C4 receiver checks a request (docs/mia.md, "Dispatch")."""
    timestamp = headers.get("X-Violeta-Timestamp", "")
    given = headers.get("X-Violeta-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = (
        "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    )
    return hmac.compare_digest(expected, given)


class Receiver:
    """A local C4: records each request, answers ``status`` (2xx only when the signature checks out) and keeps
    the idempotency keys it accepted, as the receiver is asked to."""

    def __init__(self, status: int = 200):
        self.status = status
        self.requests: list[dict] = []
        self.accepted: set[str] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                valid = c4_verifies(SECRET, self.headers, body)
                key = self.headers.get("Idempotency-Key", "")
                receiver.requests.append({"body": body, "valid": valid, "key": key, "path": self.path})
                status = receiver.status if valid else 401
                if 200 <= status < 300:
                    receiver.accepted.add(key)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/mia/alertas"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
