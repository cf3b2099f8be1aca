"""A real HTTP receiver on 127.0.0.1 that checks each signature, as an agency's system would."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks.signing import HEADER, TIMESTAMP_HEADER, signature_valid


@dataclass
class Received:
    body: dict
    headers: dict
    signature_ok: bool


@dataclass
class Receiver:
    url: str
    secret: str = ""
    statuses: list[int] = field(default_factory=list)  # answers to give, then 200s
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            ok = signature_valid(
                state.secret,
                raw,
                self.headers.get(HEADER, ""),
                self.headers.get(TIMESTAMP_HEADER, ""),
            )
            state.received.append(Received(json.loads(raw), dict(self.headers), ok))
            status = state.statuses.pop(0) if state.statuses else (200 if ok else 401)
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/frontline-hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 0
