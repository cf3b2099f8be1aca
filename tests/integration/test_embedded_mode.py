"""`make run`'s embedded default, end to end: one daphne process on SQLite with the
in-memory channel layer and eager tasks, loaded with the demo data. A publisher's revision
reaches a member's open socket live, and search finds the new text at once. The outbox
work runs after the response (events.inprocess): a mail server that never answers does
not hold the publisher's page."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from websockets.sync.client import connect

from network.demo import DEMO_PASSWORD
from tests.http_client import Http, signed_in_system
from tests.live_services import ROOT, start_daphne

MANAGE = [sys.executable, str(ROOT / "manage.py")]


@pytest.fixture
def silent_mail_server():
    """An SMTP address that accepts connections and never says a word (a hung relay)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1], accepted
    listener.close()
    for conn in accepted:
        conn.close()


@pytest.fixture
def embedded_server(tmp_path, silent_mail_server):
    """migrate + seed_demo + search_rebuild + daphne, as `make run` does, in a temp var dir."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(FRONTLINE_VAR_DIR=str(tmp_path / "var"), ALLOWED_HOSTS="127.0.0.1,localhost")
    env.update(EMAIL_URL=f"smtp://127.0.0.1:{silent_mail_server[0]}")
    env.pop("FRONTLINE_INDEX_DIR", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for command in (["migrate", "--no-input"], ["seed_demo"], ["search_rebuild"]):
        subprocess.run([*MANAGE, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    with start_daphne(env, tmp_path / "daphne.log") as base_url:
        yield base_url


def test_make_run_mode_delivers_a_revision_live_and_search_finds_it(
    embedded_server, silent_mail_server
):
    base = embedded_server
    reader = Http(base)
    reader.sign_in("member", DEMO_PASSWORD)
    session = next(c.value for c in reader.cookies if c.name == "sessionid")
    publisher = signed_in_system(base, "publisher", DEMO_PASSWORD)
    mailed_reader = signed_in_system(base, "member", DEMO_PASSWORD)
    # Batut works with four eyes (the default): the editor writes, the publisher approves.
    editor = signed_in_system(base, "editor", DEMO_PASSWORD)

    _s, _h, listing = publisher.json("GET", "/api/v1/sops/?agency=rs-batut&status=published")
    draft = None
    for sop in listing["results"]:  # the first procedure with no revision under way
        _s, _h, detail = publisher.json("GET", f"/api/v1/sops/{sop['id']}/")
        if detail["upcoming"]:  # a version already approved for later: this one waits for it
            continue
        status, _h, body = editor.json(
            "POST", f"/api/v1/sops/{sop['id']}/revisions/", {"change_kind": "minor"}
        )
        if status == 201:
            draft = body
            break
    assert draft, "no rs-batut procedure could be revised"
    status, _h, body = mailed_reader.json(
        "POST", "/api/v1/follows/", {"kind": "sop", "target": str(draft["sop"]), "email_now": True}
    )
    assert status == 201, body

    with connect(
        base.replace("http://", "ws://") + "/ws/notifications/",
        origin=base,
        additional_headers={"Cookie": f"sessionid={session}"},
        open_timeout=10,
    ) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "notification.unread"
        _s, headers, _b = editor.json("GET", f"/api/v1/versions/{draft['id']}/")
        status, _h, body = editor.json(
            "PATCH",
            f"/api/v1/versions/{draft['id']}/",
            {"body": draft["body"] + "\n\nCall the zoonosis hotline (quokkapox) first.\n"},
            headers={"If-Match": headers["ETag"]},
        )
        assert status == 200, body
        started = time.monotonic()
        status, _h, body = publisher.json(
            "POST", f"/api/v1/versions/{draft['id']}/publish/", {"change_summary": "Hotline"}
        )
        assert status == 200, body
        # The mail to the silent server waits for its timeout (20 s) in the in-process
        # worker; inside the request it would outlast the client's own 20 s timeout.
        assert time.monotonic() - started < 15
        while True:
            message = json.loads(ws.recv(timeout=15))
            if message["type"] == "notification.new":
                break
    assert f"/sops/{draft['sop']}/" in json.dumps(message)

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # indexing runs after the response, in order
        _s, _h, found = publisher.json("GET", "/api/v1/search/?q=quokkapox")
        if found["results"]:
            break
        time.sleep(0.2)
    assert [hit["url"] for hit in found["results"]] == [f"/sops/{draft['sop']}/"], found
    while not silent_mail_server[1] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert silent_mail_server[1], "the e-mail at once was never attempted"
