import fcntl
import json
import uuid
from pathlib import Path

from django.conf import settings

from violeta.messaging.backends import BaseSmsBackend, SendResult


class FileBackend(BaseSmsBackend):
    """Appends each message as a JSON line to ``settings.SMS_FILE_PATH`` (development and browser tests).

    The file is shared by the web server and the worker, so writes take an exclusive lock.
    """

    def __init__(self):
        self.path = Path(settings.SMS_FILE_PATH)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def send(self, to, body, idempotency_key):
        record = {"to": to, "body": body, "key": idempotency_key, "id": f"file-{uuid.uuid4().hex[:16]}"}
        with open(self.path, "a", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return SendResult(provider_message_id=record["id"])

    def lookup(self, idempotency_key, *, to="", body=""):
        for record in read_all(self.path):
            if record["key"] == idempotency_key:
                return SendResult(provider_message_id=record["id"])
        return None


def read_all(path=None) -> list[dict]:
    path = Path(path or settings.SMS_FILE_PATH)
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
