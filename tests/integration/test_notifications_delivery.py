"""Notifications end to end on real parts: PostgreSQL, Redis (broker and channel layer),
a Celery worker process, daphne serving the ASGI app, and a WebSocket client."""

from __future__ import annotations

import json
from contextlib import contextmanager

from django.test import Client
from websockets.sync.client import connect

from events.models import Event, HandlerRun
from events.tasks import dispatch
from notifications import services as notification_services
from notifications.models import Notification
from sops.models import SOP
from tests.notifications.conftest import publish_new, publish_revision
from tests.waiting import wait_for

HANDLER = "notifications.handlers.on_sop_event"


def socket_cookie(user) -> str:
    """A ``Cookie`` header value with a fresh session signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@contextmanager
def open_socket(base_url: str, user):
    """A WebSocket signed in as ``user`` (session cookie, same-origin header)."""
    with connect(
        base_url.replace("http://", "ws://") + "/ws/notifications/",
        origin=base_url,
        additional_headers={"Cookie": socket_cookie(user)},
        open_timeout=10,
    ) as ws:
        first = json.loads(ws.recv(timeout=10))
        assert first["type"] == "notification.unread"
        yield ws


def published_and_delivered(publisher, recipient, **kwargs) -> SOP:
    """A new SOP whose first notification has been created (so it is not news later)."""
    sop = publish_new(publisher=publisher, **kwargs)
    wait_for(
        lambda: Notification.objects.filter(recipient=recipient, sop=sop).exists(),
        what="the first version's notification",
    )
    return sop


def next_message(ws, kind: str, timeout: float = 20.0) -> dict:
    """The next message of ``kind`` (unread-count updates in between are skipped)."""
    while True:
        message = json.loads(ws.recv(timeout=timeout))
        if message["type"] == kind:
            return message


def test_publishing_through_the_service_reaches_a_connected_client(
    daphne_server, running_worker, publisher, member
):
    sop = published_and_delivered(publisher, member)
    with open_socket(daphne_server, member) as ws:
        version = publish_revision(sop=sop, publisher=publisher, summary="New gloves.")
        message = next_message(ws, "notification.new")
    n = Notification.objects.get(pk=message["notification"]["id"])
    assert n.recipient == member and n.event.payload["version_id"] == version.pk
    assert "New gloves." in message["notification"]["text"]
    assert message["unread"] == Notification.objects.filter(recipient=member, read=None).count()


def test_a_reconnecting_client_gets_what_it_missed(
    daphne_server, running_worker, publisher, member
):
    sop = published_and_delivered(publisher, member)
    with open_socket(daphne_server, member) as ws:
        publish_revision(sop=sop, publisher=publisher)
        seen = next_message(ws, "notification.new")["notification"]["id"]

    publish_revision(sop=sop, publisher=publisher, summary="While you were away.")
    missed = wait_for(
        lambda: Notification.objects.filter(recipient=member, pk__gt=seen).first(),
        what="the notification made while the client was away",
    )
    with open_socket(daphne_server, member) as ws:
        ws.send(json.dumps({"type": "catch_up", "last_id": seen}))
        reply = next_message(ws, "notification.catch_up")
    assert [n["id"] for n in reply["notifications"]] == [missed.pk]
    assert "While you were away." in reply["notifications"][0]["text"]


def test_an_outsiders_socket_gets_nothing_for_an_agency_only_sop(
    daphne_server, running_worker, publisher, member, outsider, home_agency
):
    notification_services.subscription_set(by=outsider, target=home_agency)
    with (
        open_socket(daphne_server, outsider) as outsider_ws,
        open_socket(daphne_server, member) as member_ws,
    ):
        secret = publish_new(publisher=publisher, visibility=SOP.Visibility.AGENCY)
        assert next_message(member_ws, "notification.new")["notification"]["link"].startswith(
            f"/sops/{secret.pk}/"
        )
        # Then an SOP the outsider may see: messages to one socket arrive in order, so
        # the first one the outsider gets must be this one, never the agency-only one.
        shared = publish_new(publisher=publisher, visibility=SOP.Visibility.NETWORK)
        first = next_message(outsider_ws, "notification.new")
    assert first["notification"]["link"].startswith(f"/sops/{shared.pk}/")
    assert not Notification.objects.filter(recipient=outsider, sop=secret).exists()


def test_event_published_while_the_worker_is_down_is_delivered_once_when_it_starts(
    daphne_server, celery_worker_process, publisher, member
):
    celery_worker_process.start()
    sop = published_and_delivered(publisher, member)
    celery_worker_process.stop()

    with open_socket(daphne_server, member) as ws:
        publish_revision(sop=sop, publisher=publisher, summary="Published with no worker.")
        event = Event.objects.filter(kind="sop.published").order_by("id").last()
        assert event.dispatched is None and not event.notifications.exists()
        dispatch.delay(event.pk)  # the same event queued twice (a redelivery, a retry)

        celery_worker_process.start()
        message = next_message(ws, "notification.new")
        assert message["notification"]["id"] == Notification.objects.get(event=event).pk
        wait_for(
            lambda: HandlerRun.objects.filter(
                event=event, handler=HANDLER, finished__isnull=False
            ).exists(),
            what="the notifications handler to finish",
        )
        wait_for(
            lambda: celery_worker_process.log().count("events.tasks.dispatch[") >= 4,
            what="both dispatches of the event to be processed",
        )
        # A later event is the next thing on the socket: the first was not pushed twice.
        publish_revision(sop=sop, publisher=publisher, summary="The marker.")
        marker = next_message(ws, "notification.new")
    assert "The marker." in marker["notification"]["text"]
    assert Notification.objects.filter(event=event).count() == 1
