"""The notification socket tells nobody about an agency-only procedure they may not see."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client

from frontline.asgi import application
from notifications import services as follow
from sops import services

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1:8000")
HOST = (b"host", b"127.0.0.1:8000")


def _catch_up(user) -> dict:
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def go():
        ws = WebsocketCommunicator(
            application, "/ws/notifications/", headers=[HOST, ORIGIN, (b"cookie", cookie)]
        )
        connected, _code = await ws.connect(timeout=3)
        assert connected
        await ws.receive_json_from(timeout=3)  # the unread count on connect
        await ws.send_json_to({"type": "catch_up", "last_id": 0})
        reply = await ws.receive_json_from(timeout=3)
        await ws.disconnect()
        return reply

    return async_to_sync(go)()


def test_outsider_following_the_agency_hears_nothing_on_the_socket(
    restricted, outsider, member, editor, publisher, home_agency
):
    follow.subscription_set(by=outsider, target=home_agency)
    draft = services.version_update(
        version=restricted.draft, by=editor, expected_edit_count=0, body="New text"
    )
    services.version_publish(version=draft, by=publisher, change_summary="New")
    theirs = _catch_up(outsider)
    assert theirs["type"] == "notification.catch_up"
    assert theirs["notifications"] == []
    mine = _catch_up(member)
    print(mine)
    assert any(
        "SEC-001" in str(n) or str(restricted.sop.pk) in str(n) for n in mine["notifications"]
    )
