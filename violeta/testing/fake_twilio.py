"""A local fake of Twilio's Messages and Calls REST APIs, to break delivery on purpose (tests, scripts/faults, bench/).

What it serves (what ``violeta.messaging.backends.twilio.TwilioBackend`` calls):
- ``POST /2010-04-01/Accounts/<sid>/Messages.json`` (form: To, Body, From or MessagingServiceSid, StatusCallback)
  → 201 ``{"sid": "SM…", "status": "queued", "to", "body", ...}``;
- ``GET  /2010-04-01/Accounts/<sid>/Messages.json?To=…&PageSize=…`` → ``{"messages": [...]}``, newest first;
- ``GET  /2010-04-01/Accounts/<sid>/Messages/<sid>.json`` → the message, with its current status;
- the same three for voice calls (``violeta.messaging.backends.twilio_voice``): ``POST …/Calls.json`` (To, From,
  Twiml, StatusCallback, StatusCallbackEvent repeated) → 201 ``{"sid": "CA…", "status": "queued", ...}``;
  ``GET …/Calls.json?To=…`` → ``{"calls": [...]}``; ``GET …/Calls/<sid>.json``. Accepted calls are in
  ``FakeTwilio.calls`` (with the TwiML they were given, which Twilio never returns). Each call ends as
  ``call_outcome`` says (``answered``, ``busy``, ``no-answer``, ``failed``; or a function of To); with
  ``callbacks`` on, its signed progress callbacks follow the answer (only the events it asked for, as Twilio).

Every message it *accepts* is recorded (``FakeTwilio.accepted``, and as JSON lines in ``log_path``): two accepted
messages with the same (To, Body) are a duplicate, since every alert body carries a token of its own.

Each POST gets one behaviour, drawn from the fractions (seeded) or taken from ``pattern`` (cycled, or a function
of the request's number, To and Body):
- ``ok``: accept and answer at once;
- ``fail``: answer 500 or 503, not accepted;
- ``slow``: accept, answer after ``slow_seconds``;
- ``timeout`` (accepted but timed out): accept, answer after ``timeout_seconds`` (longer than the client waits);
- ``late`` (taken in late): accept only after ``late_seconds``, then answer: the request waited in the provider's
  queue, and a lookup made before then does not find it (if the client gave up meanwhile, it is accepted anyway);
- ``early_callback``: accept, deliver a signed "delivered" status callback to StatusCallback and wait for it to
  be answered, *then* answer the POST (the callback beats the response, as it sometimes does with Twilio);
- ``hold``: accept and answer only when the test calls ``release()`` (a slow answer without wall-clock time).
With ``callbacks`` on, every accepted message also gets "sent" and "delivered" callbacks after its answer.

A callback is delivered by ``deliver(url, params, headers)``: by default an HTTP POST to the URL; tests may pass
their own (e.g. to hand it to Django's test client in the test's thread, ``CallbackInbox``).

As a thread::

    with FakeTwilio(auth_token="t", fail_fraction=0.1) as fake:
        settings.TWILIO_API_BASE = fake.base_url
        ...
        assert fake.duplicates() == []

As a process (scripts; the log is JSON lines, one per accepted message)::

    python -m violeta.testing.fake_twilio --port 8765 --auth-token t --log /tmp/accepted.jsonl \\
        --slow-fraction 0.05 --slow-seconds 11 --fail-fraction 0.05 --early-callback-fraction 0.1
"""

import argparse
import base64
import hashlib
import hmac
import json
import queue
import random
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BEHAVIOURS = ("ok", "fail", "slow", "timeout", "late", "early_callback", "hold")
# How a call ends, and the statuses its progress goes through (Twilio's call statuses).
CALL_PROGRESS = {
    "answered": ("initiated", "ringing", "in-progress", "completed"),
    "busy": ("initiated", "ringing", "busy"),
    "no-answer": ("initiated", "ringing", "no-answer"),
    "failed": ("initiated", "failed"),
}
# The StatusCallbackEvent that asks for each status (every final status comes with "completed").
CALL_EVENT = {"initiated": "initiated", "ringing": "ringing", "in-progress": "answered"}


def sign(url: str, params: dict, token: str) -> str:
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by the sorted POST parameters."""
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def http_deliver(url: str, params: dict, headers: dict) -> int:
    """POST a status callback as Twilio does; returns the HTTP status (0 when nobody answered)."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), method="POST")  # noqa: S310
    for name, value in headers.items():
        request.add_header(name, value)
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (a local test URL)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


class Server(ThreadingHTTPServer):
    # A sender opens up to MESSAGING_CONCURRENCY connections at once: the default backlog of 5 would drop the
    # rest of a burst's SYNs, and the kernel's retransmissions (1 s, 3 s, 7 s...) would look like a slow provider.
    request_queue_size = 1024
    daemon_threads = True
    block_on_close = False  # stop() does not wait for answers still sleeping


class FakeTwilio:
    def __init__(
        self,
        *,
        account_sid: str = "ACfake",
        auth_token: str = "fake-token",  # noqa: S107 (the fake's own, never a real one)
        host: str = "127.0.0.1",
        port: int = 0,
        fail_fraction: float = 0.0,
        slow_fraction: float = 0.0,
        slow_seconds: float = 1.0,
        timeout_fraction: float = 0.0,
        timeout_seconds: float = 2.0,
        late_fraction: float = 0.0,
        late_seconds: float = 2.0,
        early_callback_fraction: float = 0.0,
        early_status: str = "delivered",
        pattern: list[str] | Callable[[int, str, str], str] | None = None,
        callbacks: bool = False,
        callback_delay: float = 0.0,
        deliver: Callable[[str, dict, dict], object] = http_deliver,
        call_outcome: str | Callable[[str], str] = "answered",
        log_path: str | None = None,
        seed: int = 0,
    ):
        self.account_sid, self.auth_token = account_sid, auth_token
        self.fractions = [
            ("fail", fail_fraction),
            ("slow", slow_fraction),
            ("timeout", timeout_fraction),
            ("late", late_fraction),
            ("early_callback", early_callback_fraction),
        ]
        self.slow_seconds, self.timeout_seconds, self.late_seconds = (
            slow_seconds,
            timeout_seconds,
            late_seconds,
        )
        self.early_status = early_status
        self.pattern = pattern
        self.callbacks, self.callback_delay = callbacks, callback_delay
        self.deliver = deliver
        self.call_outcome = call_outcome
        self.log_path = log_path
        self.random = random.Random(seed)  # noqa: S311 (seeded, repeatable draws of behaviour)
        self.lock = threading.Lock()
        self.requests = 0  # POSTs received
        self.counts: Counter = Counter()  # behaviour -> POSTs
        self.accepted: list[dict] = []  # every accepted message, in order
        self.calls: list[dict] = []  # every accepted call, in order
        self.by_sid: dict[str, dict] = {}
        self.answered: list[str] = []  # sids whose POST was answered, in order
        self.callback_results: list[tuple[str, str, object]] = []  # (sid, status, what deliver returned)
        self.released = threading.Event()
        self.changed = threading.Condition(self.lock)
        self._log = open(log_path, "a", buffering=1) if log_path else None  # noqa: SIM115 (closed in stop)
        self.server = Server((host, port), self._handler())
        self.thread: threading.Thread | None = None

    # --- life ------------------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeTwilio":
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-twilio", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        if self._log:
            self._log.close()

    def __enter__(self) -> "FakeTwilio":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def release(self) -> None:
        """Answer every held POST (behaviour ``hold``)."""
        self.released.set()

    # --- what the tests read -----------------------------------------------------------------------------------

    def duplicates(self) -> list[tuple[str, str]]:
        """(To, Body) pairs accepted more than once."""
        with self.lock:
            seen = Counter((message["to"], message["body"]) for message in self.accepted)
        return [pair for pair, count in seen.items() if count > 1]

    def accepted_pairs(self) -> set[tuple[str, str]]:
        with self.lock:
            return {(message["to"], message["body"]) for message in self.accepted}

    def wait_for(self, predicate: Callable[["FakeTwilio"], bool], timeout: float = 30) -> bool:
        """Wait until ``predicate(self)`` holds (checked on every change); False if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(min(left, 0.1))
        return True

    # --- behaviour ---------------------------------------------------------------------------------------------

    def _choose(self, number: int, to: str, body: str) -> str:
        if callable(self.pattern):
            return self.pattern(number, to, body)
        if self.pattern:
            return self.pattern[number % len(self.pattern)]
        draw = self.random.random()
        for name, fraction in self.fractions:
            if draw < fraction:
                return name
            draw -= fraction
        return "ok"

    def _accept_call(self, form: dict, events: list[str], behaviour: str) -> dict:
        to = form.get("To", "")
        outcome = self.call_outcome(to) if callable(self.call_outcome) else self.call_outcome
        call = {
            "sid": "CA" + uuid.uuid4().hex,
            "account_sid": self.account_sid,
            "to": to,
            "from": form.get("From", ""),
            "status": "queued",
            "direction": "outbound-api",
            "date_created": datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000"),
            "status_callback": form.get("StatusCallback", ""),
            "twiml": form.get("Twiml", ""),  # not Twilio's: what the call was told to say (tests read it)
            "events": events,
            "outcome": outcome,
            "behaviour": behaviour,
        }
        with self.changed:
            self.calls.append(call)
            self.by_sid[call["sid"]] = call
            self.changed.notify_all()
        return call

    def _accept(self, form: dict, behaviour: str) -> dict:
        now = datetime.now(UTC)
        message = {
            "sid": "SM" + uuid.uuid4().hex,
            "account_sid": self.account_sid,
            "to": form.get("To", ""),
            "from": form.get("From", "") or form.get("MessagingServiceSid", ""),
            "body": form.get("Body", ""),
            "status": "queued",
            "date_created": now.strftime("%a, %d %b %Y %H:%M:%S +0000"),
            "date_sent": None,
            "status_callback": form.get("StatusCallback", ""),
            "behaviour": behaviour,  # not Twilio's: which answer this fake gave (tests read it)
        }
        with self.changed:
            self.accepted.append(message)
            self.by_sid[message["sid"]] = message
            self.changed.notify_all()
        if self._log:
            record = {key: message[key] for key in ("sid", "to", "body")}
            self._log.write(json.dumps({**record, "behaviour": behaviour, "at": time.time()}) + "\n")
        return message

    def _callback(self, message: dict, status: str) -> None:
        url = message["status_callback"]
        with self.lock:
            message["status"] = status
            stamp = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
            if message["sid"].startswith("CA"):  # a call starts when it is placed, no longer queued
                message.setdefault("start_time", stamp)
            elif status in ("sent", "delivered") and not message.get("date_sent"):
                message["date_sent"] = stamp
        if not url:
            return
        if message["sid"].startswith("CA"):  # a call's progress
            params = {
                "AccountSid": self.account_sid,
                "ApiVersion": "2010-04-01",
                "CallSid": message["sid"],
                "CallStatus": status,
                "CallbackSource": "call-progress-events",
                "Direction": "outbound-api",
                "From": message["from"],
                "To": message["to"],
            }
        else:
            params = self._message_params(message, status)
        result = self.deliver(url, params, {"X-Twilio-Signature": sign(url, params, self.auth_token)})
        with self.changed:
            self.callback_results.append((message["sid"], status, result))
            self.changed.notify_all()

    def _message_params(self, message: dict, status: str) -> dict:
        return {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "From": message["from"],
            "MessageSid": message["sid"],
            "MessageStatus": status,
            "SmsSid": message["sid"],
            "SmsStatus": status,
            "To": message["to"],
        }

    def _later_callbacks(self, message: dict) -> None:
        statuses, final = ["sent", "delivered"], "delivered"
        if message["sid"].startswith("CA"):  # a call reports only the events it asked for
            progress = CALL_PROGRESS[message["outcome"]]
            statuses = [
                status for status in progress if CALL_EVENT.get(status, "completed") in message["events"]
            ]
            final = progress[-1]

        def run():
            if self.callback_delay:
                time.sleep(self.callback_delay)
            for status in statuses:
                self._callback(message, status)
            with self.lock:
                message["status"] = final

        threading.Thread(target=run, name="fake-twilio-callback", daemon=True).start()

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

            def _path(self) -> tuple[str, dict]:
                parts = urllib.parse.urlsplit(self.path)
                return parts.path, dict(urllib.parse.parse_qsl(parts.query))

            def _resource(self, path: str) -> tuple[str, str]:
                """("Messages" or "Calls", the rest of the path), or ("", "") for anything else."""
                account = f"/2010-04-01/Accounts/{fake.account_sid}/"
                for resource in ("Messages", "Calls"):
                    if path.startswith(account + resource):
                        return resource, path[len(account + resource) :]
                return "", ""

            def _authorised(self) -> bool:
                raw = f"{fake.account_sid}:{fake.auth_token}".encode()
                if self.headers.get("Authorization") == "Basic " + base64.b64encode(raw).decode():
                    return True
                self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                return False

            def do_GET(self):
                path, query = self._path()
                if not self._authorised():
                    return
                resource, rest = self._resource(path)
                if resource and rest == ".json":
                    size = int(query.get("PageSize", 50))
                    with fake.lock:
                        items = fake.calls if resource == "Calls" else fake.accepted
                        found = [m for m in reversed(items) if m["to"] == query.get("To", m["to"])]
                        if any(key.startswith(("DateSent", "StartTime")) for key in query):
                            # Twilio's DateSent (StartTime) filters on the sent date (the call's start): a message
                            # (call) it still holds queued has none, and is not listed
                            found = [m for m in found if m.get("date_sent") or m.get("start_time")]
                        page = [dict(m) for m in found[:size]]
                    self._answer(200, {resource.lower(): page, "page_size": size})
                    return
                if resource and rest.startswith("/") and rest.endswith(".json"):
                    sid = rest[1 : -len(".json")]
                    with fake.lock:
                        message = dict(fake.by_sid[sid]) if sid in fake.by_sid else None
                    if message:
                        self._answer(200, message)
                        return
                self._answer(404, {"code": 20404, "message": "Not found", "status": 404})

            def do_POST(self):
                path, _query = self._path()
                length = int(self.headers.get("Content-Length") or 0)
                pairs = urllib.parse.parse_qsl(self.rfile.read(length).decode())
                form = dict(pairs)
                if not self._authorised():
                    return
                resource, rest = self._resource(path)
                if rest != ".json":
                    self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
                    return
                with fake.lock:
                    number = fake.requests
                    fake.requests += 1
                behaviour = fake._choose(number, form.get("To", ""), form.get("Body", ""))
                with fake.lock:
                    fake.counts[behaviour] += 1
                if behaviour == "fail":
                    code = 500 if number % 2 else 503
                    self._answer(code, {"code": 20500, "message": "Internal error", "status": code})
                    return
                if (
                    behaviour == "late"
                ):  # still in the provider's queue: not accepted yet, not found by a lookup
                    time.sleep(fake.late_seconds)
                if resource == "Calls":
                    events = [value for key, value in pairs if key == "StatusCallbackEvent"]
                    message = fake._accept_call(form, events, behaviour)
                else:
                    message = fake._accept(form, behaviour)
                if behaviour == "slow":
                    time.sleep(fake.slow_seconds)
                elif behaviour == "timeout":
                    time.sleep(fake.timeout_seconds)
                elif behaviour == "hold":
                    fake.released.wait()
                elif behaviour == "early_callback":  # a call's: its end
                    early = (
                        CALL_PROGRESS[message["outcome"]][-1] if resource == "Calls" else fake.early_status
                    )
                    fake._callback(message, early)
                with fake.lock:
                    payload = dict(message)
                    if behaviour != "early_callback":
                        payload["status"] = "queued"
                self._answer(201, payload)
                with fake.changed:
                    fake.answered.append(message["sid"])
                    fake.changed.notify_all()
                if fake.callbacks and behaviour != "early_callback":
                    fake._later_callbacks(message)

        return Handler


class CallbackInbox:
    """Status callbacks handed to the test's own thread (where its database connection lives).

    ``deliver`` (given to ``FakeTwilio``) runs in the fake's thread: it queues the callback and waits until the
    test's thread has posted it (``process``), so an early callback still reaches Violeta before the answer to
    the send does. ``process(post)`` posts every queued callback with ``post(url, params, headers)`` (e.g.
    Django's test client) and returns how many.
    """

    def __init__(self, *, wait: float = 30):
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.wait = wait
        self.wake: threading.Event | None = (
            None  # set when a callback is queued (e.g. the sender's wake event)
        )

    def deliver(self, url: str, params: dict, headers: dict):
        done = threading.Event()
        box: dict = {}
        self.queue.put((url, params, headers, done, box))
        if self.wake is not None:
            self.wake.set()
        done.wait(self.wait)
        return box.get("result")

    def process(self, post: Callable[[str, dict, dict], object]) -> int:
        handled = 0
        while True:
            try:
                url, params, headers, done, box = self.queue.get_nowait()
            except queue.Empty:
                return handled
            try:
                box["result"] = post(url, params, headers)
            finally:
                done.set()
            handled += 1


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--account-sid", default="ACfake")
    parser.add_argument("--auth-token", default="fake-token")
    parser.add_argument("--log", help="append each accepted message to this file as a JSON line")
    parser.add_argument("--fail-fraction", type=float, default=0.0)
    parser.add_argument("--slow-fraction", type=float, default=0.0)
    parser.add_argument("--slow-seconds", type=float, default=1.0)
    parser.add_argument("--timeout-fraction", type=float, default=0.0, help="accepted but answered too late")
    parser.add_argument("--timeout-seconds", type=float, default=12.0)
    parser.add_argument(
        "--late-fraction", type=float, default=0.0, help="taken in (accepted) only after a while"
    )
    parser.add_argument("--late-seconds", type=float, default=12.0)
    parser.add_argument("--early-callback-fraction", type=float, default=0.0)
    parser.add_argument("--early-status", default="delivered", choices=["delivered", "sent"])
    parser.add_argument("--callbacks", action="store_true", help="'sent' and 'delivered' after each answer")
    parser.add_argument("--callback-delay", type=float, default=0.2)
    parser.add_argument("--call-outcome", default="answered", choices=list(CALL_PROGRESS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    fake = FakeTwilio(
        account_sid=args.account_sid,
        auth_token=args.auth_token,
        host=args.host,
        port=args.port,
        fail_fraction=args.fail_fraction,
        slow_fraction=args.slow_fraction,
        slow_seconds=args.slow_seconds,
        timeout_fraction=args.timeout_fraction,
        timeout_seconds=args.timeout_seconds,
        late_fraction=args.late_fraction,
        late_seconds=args.late_seconds,
        early_callback_fraction=args.early_callback_fraction,
        early_status=args.early_status,
        callbacks=args.callbacks,
        callback_delay=args.callback_delay,
        call_outcome=args.call_outcome,
        log_path=args.log,
        seed=args.seed,
    )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    fake.start()
    print(f"fake twilio on {fake.base_url}", flush=True)
    stopping.wait()
    print(
        f"fake twilio: {fake.requests} POSTs {dict(fake.counts)}, {len(fake.accepted)} accepted", flush=True
    )
    fake.stop()


if __name__ == "__main__":
    main()
