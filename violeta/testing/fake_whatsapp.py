"""A local fake of the WhatsApp Business Cloud API, to break delivery on purpose (tests, bench/).

What it serves (what ``violeta.messaging.backends.whatsapp.WhatsAppBackend`` calls):
- ``POST /<version>/<phone number id>/messages`` (JSON, bearer token) → 200
  ``{"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id": "wamid.…"}]}``.

Every message it *accepts* is recorded (``FakeWhatsApp.accepted``, and as JSON lines in ``log_path``): two
accepted messages with the same (to, template, parameters) are a duplicate, since every alert carries its own link.

Each POST gets one behaviour, from the fractions (seeded) or from ``pattern`` (cycled, or a function of the
request's number, ``to`` and parameters):
- ``ok``: accept, answer after ``latency``;
- ``fail``: answer 500, not accepted;
- ``slow``: accept, answer after ``slow_seconds``;
- ``timeout``: accept, answer after ``timeout_seconds`` (longer than the client waits);
- ``report_failed``: accept and answer, then report "failed" (the number has no WhatsApp, say);
- ``silent``: accept and answer, and never report anything (the phone is off: it is never delivered).
With ``callbacks`` on, accepted messages get signed status webhooks ("sent", "delivered", "read"; or "sent",
"failed") at ``webhook_url``, each carrying the request's ``biz_opaque_callback_data``, signed with
``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body with ``app_secret``). ``deliver(url, raw, headers)`` posts
one: by default over HTTP; tests may pass their own (Django's test client in the test's thread).

As a thread::

    with FakeWhatsApp(app_secret="s", webhook_url=url, callbacks=True) as fake:
        settings.WHATSAPP_API_BASE = fake.base_url
        ...

As a process::

    python -m violeta.testing.fake_whatsapp --port 8766 --latency 0.15 --callbacks \\
        --webhook-url http://127.0.0.1:8000/mia/whatsapp/estado/ --app-secret s --log /tmp/wa.jsonl
"""

import argparse
import hashlib
import hmac
import json
import random
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from violeta.testing.fake_twilio import Server

BEHAVIOURS = ("ok", "fail", "slow", "timeout", "report_failed", "silent")


def sign(raw: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def http_deliver(url: str, raw: bytes, headers: dict) -> int:
    """POST a status webhook as Meta does; returns the HTTP status (0 when nobody answered)."""
    request = urllib.request.Request(url, data=raw, method="POST")  # noqa: S310 (a local test URL)
    for name, value in {**headers, "Content-Type": "application/json"}.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def status_payload(message: dict, status: str) -> dict:
    """A webhook's body with one status report, shaped as the Cloud API sends it."""
    report = {
        "id": message["id"],
        "status": status,
        "timestamp": str(int(time.time())),
        "recipient_id": message["to"],
        "biz_opaque_callback_data": message["opaque"],
    }
    if status == "failed":
        report["errors"] = [{"code": 131026, "title": "Message undeliverable"}]
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "fake"}, "statuses": [report]}
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "fake", "changes": [{"value": value, "field": "messages"}]}],
    }


class FakeWhatsApp:
    def __init__(
        self,
        *,
        token: str = "fake-whatsapp-token",  # noqa: S107 (the fake's own)
        app_secret: str = "fake-app-secret",  # noqa: S107 (the fake's own)
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        fail_fraction: float = 0.0,
        slow_fraction: float = 0.0,
        slow_seconds: float = 1.0,
        timeout_fraction: float = 0.0,
        timeout_seconds: float = 12.0,
        report_failed_fraction: float = 0.0,
        silent_fraction: float = 0.0,
        pattern: list[str] | Callable[[int, str, list], str] | None = None,
        callbacks: bool = False,
        callback_delay: float = 0.0,
        webhook_url: str = "",
        deliver: Callable[[str, bytes, dict], object] = http_deliver,
        log_path: str | None = None,
        seed: int = 0,
    ):
        self.token, self.app_secret = token, app_secret
        self.latency = latency
        self.fractions = [
            ("fail", fail_fraction),
            ("slow", slow_fraction),
            ("timeout", timeout_fraction),
            ("report_failed", report_failed_fraction),
            ("silent", silent_fraction),
        ]
        self.slow_seconds, self.timeout_seconds = slow_seconds, timeout_seconds
        self.pattern = pattern
        self.callbacks, self.callback_delay, self.webhook_url = callbacks, callback_delay, webhook_url
        self.deliver = deliver
        self.random = random.Random(seed)  # noqa: S311 (seeded, repeatable draws of behaviour)
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.requests = 0
        self.counts: Counter = Counter()
        self.accepted: list[dict] = []
        self.callback_results: list[tuple[str, str, object]] = []  # (wamid, status, what deliver returned)
        self._log = open(log_path, "a", buffering=1) if log_path else None  # noqa: SIM115 (closed in stop)
        self.server = Server((host, port), self._handler())
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeWhatsApp":
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-whatsapp", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._log:
            self._log.close()

    def __enter__(self) -> "FakeWhatsApp":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what the tests read -----------------------------------------------------------------------------------

    def duplicates(self) -> list[tuple]:
        """(to, template, parameters) accepted more than once."""
        with self.lock:
            seen = Counter((m["to"], m["template"], tuple(m["params"])) for m in self.accepted)
        return [key for key, count in seen.items() if count > 1]

    def wait_for(self, predicate: Callable[["FakeWhatsApp"], bool], timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(min(left, 0.1))
        return True

    # --- behaviour ---------------------------------------------------------------------------------------------

    def _choose(self, number: int, to: str, params: list) -> str:
        if callable(self.pattern):
            return self.pattern(number, to, params)
        if self.pattern:
            return self.pattern[number % len(self.pattern)]
        draw = self.random.random()
        for name, fraction in self.fractions:
            if draw < fraction:
                return name
            draw -= fraction
        return "ok"

    def _accept(self, request: dict, behaviour: str) -> dict:
        template = request.get("template") or {}
        components = template.get("components") or [{}]
        message = {
            "id": "wamid." + uuid.uuid4().hex,
            "to": str(request.get("to", "")),
            "template": template.get("name", ""),
            "language": (template.get("language") or {}).get("code", ""),
            "params": [p.get("text", "") for p in components[0].get("parameters", [])],
            "opaque": request.get("biz_opaque_callback_data", ""),
            "behaviour": behaviour,
            "at": time.time(),
        }
        with self.changed:
            self.accepted.append(message)
            self.changed.notify_all()
        if self._log:
            self._log.write(json.dumps(message) + "\n")
        return message

    def report(self, message: dict, status: str):
        """Send one signed status webhook of an accepted message (tests may call it themselves)."""
        raw = json.dumps(status_payload(message, status)).encode()
        result = self.deliver(self.webhook_url, raw, {"X-Hub-Signature-256": sign(raw, self.app_secret)})
        with self.changed:
            self.callback_results.append((message["id"], status, result))
            self.changed.notify_all()
        return result

    def _later_reports(self, message: dict, failed: bool) -> None:
        def run():
            for status in ("sent", "failed") if failed else ("sent", "delivered", "read"):
                if self.callback_delay:
                    time.sleep(self.callback_delay)
                self.report(message, status)

        threading.Thread(target=run, name="fake-whatsapp-report", daemon=True).start()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _answer(self, code: int, payload: dict) -> None:
                raw = json.dumps(payload).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:  # the client gave up waiting (behaviour "timeout")
                    self.close_connection = True

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    self._answer(401, {"error": {"message": "Invalid OAuth access token", "code": 190}})
                    return
                if not self.path.endswith("/messages"):
                    self._answer(404, {"error": {"message": "Unknown path", "code": 100}})
                    return
                try:
                    request = json.loads(raw)
                except ValueError:
                    self._answer(400, {"error": {"message": "Invalid JSON", "code": 100}})
                    return
                with fake.lock:
                    number = fake.requests
                    fake.requests += 1
                params = [
                    p.get("text")
                    for p in ((request.get("template") or {}).get("components") or [{}])[0].get(
                        "parameters", []
                    )
                ]
                behaviour = fake._choose(number, str(request.get("to", "")), params)
                with fake.lock:
                    fake.counts[behaviour] += 1
                if fake.latency:
                    time.sleep(fake.latency)
                if behaviour == "fail":
                    self._answer(500, {"error": {"message": "Internal error", "code": 2}})
                    return
                message = fake._accept(request, behaviour)
                if behaviour == "slow":
                    time.sleep(fake.slow_seconds)
                elif behaviour == "timeout":
                    time.sleep(fake.timeout_seconds)
                self._answer(
                    200,
                    {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": message["to"], "wa_id": message["to"]}],
                        "messages": [{"id": message["id"]}],
                    },
                )
                if behaviour == "silent":
                    pass
                elif fake.callbacks and fake.webhook_url:
                    fake._later_reports(message, failed=behaviour == "report_failed")
                elif behaviour == "report_failed" and fake.webhook_url:
                    fake._later_reports(message, failed=True)

        return Handler


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="fake-whatsapp-token")
    parser.add_argument("--app-secret", default="fake-app-secret")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer (e.g. 0.15)")
    parser.add_argument("--fail-fraction", type=float, default=0.0)
    parser.add_argument("--slow-fraction", type=float, default=0.0)
    parser.add_argument("--slow-seconds", type=float, default=1.0)
    parser.add_argument("--timeout-fraction", type=float, default=0.0)
    parser.add_argument("--timeout-seconds", type=float, default=12.0)
    parser.add_argument("--report-failed-fraction", type=float, default=0.0)
    parser.add_argument("--silent-fraction", type=float, default=0.0, help="accepted, never reported")
    parser.add_argument("--callbacks", action="store_true", help="signed status webhooks after each answer")
    parser.add_argument("--callback-delay", type=float, default=0.2)
    parser.add_argument("--webhook-url", default="")
    parser.add_argument("--log", help="append each accepted message to this file as a JSON line")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    fake = FakeWhatsApp(
        token=args.token,
        app_secret=args.app_secret,
        host=args.host,
        port=args.port,
        latency=args.latency,
        fail_fraction=args.fail_fraction,
        slow_fraction=args.slow_fraction,
        slow_seconds=args.slow_seconds,
        timeout_fraction=args.timeout_fraction,
        timeout_seconds=args.timeout_seconds,
        report_failed_fraction=args.report_failed_fraction,
        silent_fraction=args.silent_fraction,
        callbacks=args.callbacks,
        callback_delay=args.callback_delay,
        webhook_url=args.webhook_url,
        log_path=args.log,
        seed=args.seed,
    )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    fake.start()
    print(f"fake whatsapp on {fake.base_url}", flush=True)
    stopping.wait()
    print(
        f"fake whatsapp: {fake.requests} POSTs {dict(fake.counts)}, {len(fake.accepted)} accepted", flush=True
    )
    fake.stop()


if __name__ == "__main__":
    main()
