"""Signing out, a new password and removal from the agency close the user's open sockets:
nothing more is delivered, and the old session cannot connect again to catch up."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from frontline.asgi import application
from frontline.sessions import LAST_SEEN
from frontline.tasks import end_idle_sessions
from network.models import Membership
from notifications import push
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1:8000")
HOST = (b"host", b"127.0.0.1:8000")


def _signed_in(user) -> tuple[Client, bytes]:
    client = Client()
    client.force_login(user)
    return client, f"sessionid={client.cookies['sessionid'].value}".encode()


def _sign_out(client, user, admin):
    client.post(reverse("logout"))


def _change_password(client, user, admin):
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "n3w-passphrase!",
            "new_password2": "n3w-passphrase!",
        },
    )
    assert response.status_code == 302


def _reset_password(client, user, admin):
    """From the mailed link, in another browser: every session of the user ends."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    browser = Client()
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    form = browser.get(link)
    assert form.status_code == 302
    fields = {"new_password1": "n3w-passphrase!", "new_password2": "n3w-passphrase!"}
    assert browser.post(form["Location"], fields).status_code == 302


def _removed(client, user, admin):
    membership = Membership.objects.get(expert__user=user)
    admin.post(reverse("network:membership_remove", args=[membership.pk]))
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.REMOVED


@pytest.mark.parametrize("ending", [_sign_out, _change_password, _reset_password, _removed])
def test_the_open_socket_closes_and_hears_nothing_more(ending, member, agency_admin):
    client, cookie = _signed_in(member)
    admin = Client()
    admin.force_login(agency_admin)

    async def go():
        ws = WebsocketCommunicator(
            application, "/ws/notifications/", headers=[HOST, ORIGIN, (b"cookie", cookie)]
        )
        connected, _code = await ws.connect(timeout=3)
        assert connected
        assert (await ws.receive_json_from(timeout=3))["type"] == "notification.unread"
        await sync_to_async(ending)(client, member, admin)
        closed = await ws.receive_output(timeout=3)
        assert closed == {"type": "websocket.close", "code": 4401}
        await get_channel_layer().group_send(
            push.group_name(member.pk), {"type": "notification.unread", "unread": 9}
        )
        assert await ws.receive_nothing(timeout=0.5)
        await ws.wait(timeout=1)  # the consumer stopped

    async_to_sync(go)()


def test_after_sign_out_the_old_session_cannot_connect_to_catch_up(member):
    client, cookie = _signed_in(member)
    client.post(reverse("logout"))

    async def go():
        ws = WebsocketCommunicator(
            application, "/ws/notifications/", headers=[HOST, ORIGIN, (b"cookie", cookie)]
        )
        connected, code = await ws.connect(timeout=3)
        assert not connected and code == 4403
        await ws.disconnect()

    async_to_sync(go)()


def test_other_users_sockets_stay_open(member, editor):
    client, _cookie = _signed_in(member)
    _other, cookie = _signed_in(editor)

    async def go():
        ws = WebsocketCommunicator(
            application, "/ws/notifications/", headers=[HOST, ORIGIN, (b"cookie", cookie)]
        )
        connected, _code = await ws.connect(timeout=3)
        assert connected
        await ws.receive_json_from(timeout=3)
        await sync_to_async(client.post)(reverse("logout"))
        await get_channel_layer().group_send(
            push.group_name(editor.pk), {"type": "notification.unread", "unread": 3}
        )
        assert await ws.receive_json_from(timeout=3) == {"type": "notification.unread", "unread": 3}
        await ws.disconnect()

    async_to_sync(go)()


def test_beat_ends_an_idle_session_and_closes_its_socket(member, editor, settings):
    settings.FRONTLINE_IDLE_TIMEOUT = 4 * 3600
    client, cookie = _signed_in(member)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 5 * 3600
    session.save()
    active, _active_cookie = _signed_in(editor)

    async def go():
        ws = WebsocketCommunicator(
            application, "/ws/notifications/", headers=[HOST, ORIGIN, (b"cookie", cookie)]
        )
        connected, _code = await ws.connect(timeout=3)
        assert connected  # the socket does not look at the idle clock; beat does
        await ws.receive_json_from(timeout=3)
        assert (await sync_to_async(end_idle_sessions.apply)()).get() == 1
        assert await ws.receive_output(timeout=3) == {"type": "websocket.close", "code": 4401}
        again = WebsocketCommunicator(
            application, "/ws/notifications/", headers=[HOST, ORIGIN, (b"cookie", cookie)]
        )
        connected, code = await again.connect(timeout=3)
        assert not connected and code == 4403

    async_to_sync(go)()
    assert active.get("/profile/").status_code == 200
