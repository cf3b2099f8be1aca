"""A plain ``websockets`` client against daphne: bad frames get an error frame and the
socket stays open; only the site's own origin (scheme, host and port) may open one."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.integration.test_notifications_delivery import open_socket, socket_cookie

BAD_FRAMES = [
    "not json",
    b"\x00\x01binary",
    '{"type":"catch_up","last_id":1e400}',
    '{"type":"catch_up","last_id":100000000000000000000000000000}',
    '{"type":"catch_up","last_id":"abc"}',
    '{"type":"catch_up","last_id":true}',
    '{"type":"catch_up","since":"2026-13-45T99:00:00"}',
    '["catch_up"]',
    '{"type":"subscribe"}',
]


def test_bad_frames_get_an_error_frame_and_the_socket_stays_open(daphne_server, member):
    with open_socket(daphne_server, member) as ws:
        for frame in BAD_FRAMES:
            ws.send(frame)
            reply = json.loads(ws.recv(timeout=10))
            if isinstance(frame, str) and '"since"' in frame:
                # A date that is no date means "no date": an ordinary catch-up.
                assert reply["type"] == "notification.catch_up", (frame, reply)
            else:
                assert reply["type"] == "error" and reply["message"], (frame, reply)
        ws.send(json.dumps({"type": "catch_up", "last_id": 0}))
        reply = json.loads(ws.recv(timeout=10))
        assert reply == {"type": "notification.catch_up", "notifications": [], "unread": 0}


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:9999",  # another port of an allowed host
        "https://127.0.0.1:{port}",  # another scheme
        "http://localhost:{port}",  # another (allowed) host name than the one dialled
        "http://evil.example",
        "null",
    ],
)
def test_a_socket_from_another_origin_is_refused(daphne_server, member, origin):
    port = daphne_server.rsplit(":", 1)[1]
    with pytest.raises(InvalidStatus) as refused:
        connect(
            daphne_server.replace("http://", "ws://") + "/ws/notifications/",
            origin=origin.format(port=port),
            additional_headers={"Cookie": socket_cookie(member)},
            open_timeout=10,
        )
    assert refused.value.response.status_code == 403
