"""Issue 17 finding 10 (webhooks): signatures carry a timestamp and expire after the
documented replay window; delivery connects to the very address the SSRF check passed."""

from __future__ import annotations

import socket

import pytest

from events.models import Event
from tests.webhooks.conftest import receiver  # noqa: F401 (a real HTTP receiver on loopback)
from webhooks import services, transport
from webhooks.models import Delivery
from webhooks.signing import (
    HEADER,
    REPLAY_WINDOW,
    TIMESTAMP_HEADER,
    body_bytes,
    signature_valid,
)

HOST = "hook.frontline.test"


@pytest.fixture
def event(home_agency):
    return Event.objects.create(
        kind="sop.review_due",
        payload={"sop_id": 0, "version_id": 0, "agency_id": home_agency.pk, "review_due": "x"},
    )


@pytest.fixture
def fake_dns(monkeypatch):
    """``HOST`` resolves to the given answers in turn (the last one repeats); IP literals
    resolve as usual. Returns the list of lookups of ``HOST``."""
    real = socket.getaddrinfo
    lookups: list[str] = []
    answers: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != HOST:
            return real(host, port, *args, **kwargs)
        address = answers[min(len(lookups), len(answers) - 1)]
        lookups.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def answer(*addresses: str) -> list[str]:
        answers.extend(addresses)
        return lookups

    return answer


def _hook_url(receiver) -> str:  # noqa: F811
    return receiver.url.replace("127.0.0.1", HOST)


def test_delivery_is_signed_over_timestamp_and_body(
    receiver,  # noqa: F811
    home_agency,
    agency_admin,
    event,
    settings,
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    webhook = services.webhook_create(agency=home_agency, url=receiver.url, by=agency_admin)
    receiver.secret = webhook.secret
    delivery = services.delivery_attempt(webhook_id=webhook.pk, event_id=event.pk, attempt=1)
    assert delivery.succeeded
    got = receiver.received[0]
    assert got.signature_ok
    stamp, sig = got.headers[TIMESTAMP_HEADER], got.headers[HEADER]
    body = body_bytes(got.body)  # the payload as sent: sorted keys, no spaces
    assert signature_valid(webhook.secret, body, sig, stamp)
    # A captured delivery replayed after the window is refused, and so is a moved timestamp.
    later = int(stamp) + REPLAY_WINDOW + 1
    assert not signature_valid(webhook.secret, body, sig, stamp, now=later)
    assert not signature_valid(webhook.secret, body, sig, str(int(stamp) + 60))
    assert not signature_valid(webhook.secret, body + b" ", sig, stamp)
    assert not signature_valid(webhook.secret, body, sig, "")


def test_delivery_connects_to_the_checked_address_without_a_second_lookup(
    receiver,  # noqa: F811
    home_agency,
    agency_admin,
    event,
    settings,
    fake_dns,
):
    """DNS rebinding: the first answer (checked) is the receiver's address, every later
    answer another one where nothing listens. The request must reach the receiver."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    lookups = fake_dns("127.0.0.1", "127.0.0.2")
    webhook = services.webhook_create(agency=home_agency, url=_hook_url(receiver), by=agency_admin)
    receiver.secret = webhook.secret
    delivery = services.delivery_attempt(webhook_id=webhook.pk, event_id=event.pk, attempt=1)
    assert delivery.succeeded, delivery.error
    assert lookups == ["127.0.0.1"]
    assert receiver.received[0].headers["Host"] == _hook_url(receiver).split("/")[2]


def test_a_host_name_that_resolves_to_loopback_is_refused(
    receiver,  # noqa: F811
    home_agency,
    agency_admin,
    event,
    settings,
    fake_dns,
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    settings.WEBHOOKS_ALLOW_HTTP = True
    fake_dns("127.0.0.1")
    webhook = services.webhook_create(agency=home_agency, url=_hook_url(receiver), by=agency_admin)
    delivery = services.delivery_attempt(webhook_id=webhook.pk, event_id=event.pk, attempt=1)
    assert not delivery.succeeded
    assert f"refused: {HOST} resolves to a non-public address (127.0.0.1)" in delivery.error
    assert receiver.received == []
    assert Delivery.objects.filter(succeeded=True).count() == 0


def test_a_host_name_that_resolves_to_a_public_address_passes_the_check(settings, fake_dns):
    """Only the check: nothing is sent off this machine."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    lookups = fake_dns("8.8.8.8")
    assert transport.checked_address(f"https://{HOST}/hook") == ("8.8.8.8", "")
    assert lookups == ["8.8.8.8"]
