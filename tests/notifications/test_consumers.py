"""The WebSocket consumer through the real ASGI stack (origin check, session auth, router)."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client

from frontline.asgi import application
from notifications import push
from notifications.models import Notification
from tests.notifications.conftest import publish_new, publish_revision

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1:8000")
HOST = (b"host", b"127.0.0.1:8000")


def cookie_for(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def run(coro_fn, *args):
    return async_to_sync(coro_fn)(*args)


async def _connect(headers):
    ws = WebsocketCommunicator(application, "/ws/notifications/", headers=[HOST, *headers])
    connected, code = await ws.connect(timeout=3)
    return ws, connected, code


def test_anonymous_socket_is_refused():
    async def go():
        ws, connected, code = await _connect([ORIGIN])
        assert not connected and code == 4403
        await ws.disconnect()

    run(go)


def test_unvetted_socket_is_refused(unvetted):
    async def go(cookie):
        ws, connected, _code = await _connect([ORIGIN, (b"cookie", cookie)])
        assert not connected
        await ws.disconnect()

    run(go, cookie_for(unvetted))


def test_foreign_origin_is_refused(member):
    async def go(cookie):
        ws, connected, _code = await _connect(
            [(b"origin", b"http://evil.example"), (b"cookie", cookie)]
        )
        assert not connected
        await ws.disconnect()

    run(go, cookie_for(member))


def test_connect_sends_unread_count_then_forwards_new_notifications(member):
    async def go(cookie, user_id):
        ws, connected, _code = await _connect([ORIGIN, (b"cookie", cookie)])
        assert connected
        assert await ws.receive_json_from(timeout=3) == {"type": "notification.unread", "unread": 0}
        from channels.layers import get_channel_layer

        await get_channel_layer().group_send(
            push.group_name(user_id), {"type": "notification.unread", "unread": 7}
        )
        assert await ws.receive_json_from(timeout=3) == {"type": "notification.unread", "unread": 7}
        await ws.disconnect()

    run(go, cookie_for(member), member.pk)


def test_a_batch_push_reaches_each_users_tabs_and_no_one_elses(member, outsider):
    """Pushes go out as batches to the web process's hub: each pair reaches only the tabs
    of its user, and a closed tab leaves the hub."""
    from channels.layers import get_channel_layer

    from notifications.hub import hub_for

    async def go(member_cookie, outsider_cookie):
        layer = get_channel_layer()
        first, connected, _ = await _connect([ORIGIN, (b"cookie", member_cookie)])
        second, connected_too, _ = await _connect([ORIGIN, (b"cookie", member_cookie)])
        other, other_connected, _ = await _connect([ORIGIN, (b"cookie", outsider_cookie)])
        assert connected and connected_too and other_connected
        for ws in (first, second, other):
            assert (await ws.receive_json_from(timeout=3))["type"] == "notification.unread"
        failed = await push._send_all(
            layer,
            [
                (member.pk, push.message_unread(4)),
                (outsider.pk, push.message_unread(5)),
                (member.pk + outsider.pk + 1000, push.message_unread(6)),  # no tab here
            ],
        )
        assert failed == 0
        for ws in (first, second):
            assert await ws.receive_json_from(timeout=3) == push.message_unread(4)
            assert await ws.receive_nothing(timeout=0.2)
        assert await other.receive_json_from(timeout=3) == push.message_unread(5)
        assert await other.receive_nothing(timeout=0.2)
        await first.disconnect()
        await second.disconnect()
        assert member.pk not in hub_for(layer).sockets
        assert outsider.pk in hub_for(layer).sockets
        await other.disconnect()

    run(go, cookie_for(member), cookie_for(outsider))


def test_catch_up_returns_what_was_missed_and_changes_nothing(publisher, member):
    sop = publish_new(publisher=publisher)
    seen = Notification.objects.get(recipient=member).pk
    publish_revision(sop=sop, publisher=publisher)
    publish_revision(sop=sop, publisher=publisher)
    missed = list(
        Notification.objects.filter(recipient=member, pk__gt=seen)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    assert len(missed) == 2

    async def go(cookie):
        ws, connected, _code = await _connect([ORIGIN, (b"cookie", cookie)])
        assert connected
        assert (await ws.receive_json_from(timeout=3))["unread"] == 3
        await ws.send_json_to({"type": "catch_up", "last_id": seen})
        reply = await ws.receive_json_from(timeout=3)
        await ws.send_json_to({"type": "catch_up", "last_id": "nonsense"})
        assert (await ws.receive_json_from(timeout=3))["type"] == "error"
        await ws.send_json_to({"type": "mark_read", "id": seen})  # the socket only delivers
        assert (await ws.receive_json_from(timeout=3))["type"] == "error"
        assert await ws.receive_nothing(timeout=0.2)
        await ws.disconnect()
        return reply

    reply = run(go, cookie_for(member))
    assert reply["type"] == "notification.catch_up"
    assert [n["id"] for n in reply["notifications"]] == missed
    assert reply["unread"] == 3
    assert Notification.objects.filter(recipient=member, read__isnull=True).count() == 3


def test_first_catch_up_of_a_fresh_page_returns_what_came_after_its_render(publisher, member):
    from django.utils import timezone

    sop = publish_new(publisher=publisher)
    rendered = timezone.now().isoformat()
    publish_revision(sop=sop, publisher=publisher)
    after = Notification.objects.filter(recipient=member).order_by("id").last().pk

    async def go(cookie):
        ws, connected, _code = await _connect([ORIGIN, (b"cookie", cookie)])
        await ws.receive_json_from(timeout=3)
        await ws.send_json_to({"type": "catch_up", "since": rendered})
        reply = await ws.receive_json_from(timeout=3)
        await ws.disconnect()
        return reply

    reply = run(go, cookie_for(member))
    assert [n["id"] for n in reply["notifications"]] == [after]


@pytest.mark.parametrize(
    "origin",
    [b"http://127.0.0.1:9999", b"https://127.0.0.1:8000", b"http://localhost:8000", b"null"],
)
def test_origin_must_match_scheme_host_and_port(member, origin):
    async def go(cookie):
        ws, connected, _code = await _connect([(b"origin", origin), (b"cookie", cookie)])
        assert not connected
        await ws.disconnect()

    run(go, cookie_for(member))


def test_trusted_origin_behind_a_tls_proxy_is_accepted(member, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    async def go(cookie):
        headers = [
            (b"origin", b"https://127.0.0.1:8000"),
            (b"x-forwarded-proto", b"https"),
            (b"cookie", cookie),
        ]
        ws, connected, _code = await _connect(headers)
        assert connected
        await ws.disconnect()
        ws, connected, _code = await _connect([ORIGIN, *headers[1:]])
        assert not connected  # the page was https: a plain-http origin is another site
        await ws.disconnect()

    run(go, cookie_for(member))


def test_bad_frames_get_an_error_frame_and_change_nothing(member):
    async def go(cookie):
        ws, connected, _code = await _connect([ORIGIN, (b"cookie", cookie)])
        assert connected
        await ws.receive_json_from(timeout=3)
        for frame in (
            "{",
            '{"type":"catch_up","last_id":1e400}',
            '{"type":"catch_up","last_id":-1e400}',
        ):
            await ws.send_to(text_data=frame)
            assert (await ws.receive_json_from(timeout=3))["type"] == "error"
        await ws.send_to(bytes_data=b"\xff")
        assert (await ws.receive_json_from(timeout=3))["type"] == "error"
        await ws.send_json_to({"type": "catch_up", "last_id": "7"})
        assert (await ws.receive_json_from(timeout=3))["type"] == "notification.catch_up"
        await ws.disconnect()

    run(go, cookie_for(member))
