"""Deliveries: signed, for the owning agency's events only, retried, and recorded."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from events.models import Event
from sops import services as sop_services
from tests import factories
from webhooks import services
from webhooks.models import Delivery
from webhooks.signing import signature
from webhooks.tasks import backoff, deliver
from webhooks.transport import address_refusal


@pytest.fixture
def draft(home_agency, editor):
    return sop_services.sop_create(
        agency=home_agency,
        reference="BIO-7",
        title="Parcel with powder",
        body="Isolate it.",
        language=factories.language(),
        by=editor,
    )


def test_publish_posts_a_signed_payload(
    receiver, home_agency, agency_admin, publisher, draft, django_capture_on_commit_callbacks
):
    webhook = services.webhook_create(agency=home_agency, url=receiver.url, by=agency_admin)
    receiver.secret = webhook.secret
    with django_capture_on_commit_callbacks(execute=True):
        sop_services.version_publish(version=draft, by=publisher)
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.signature_ok
    assert got.headers["X-Frontline-Event"] == "sop.published"
    assert got.body["kind"] == "sop.published"
    assert got.body["sop"]["reference"] == "BIO-7" and got.body["version"]["number"] == "1.0"
    delivery = Delivery.objects.get()
    assert delivery.succeeded and delivery.status_code == 200 and delivery.attempt == 1


def test_wrong_secret_is_noticed_by_the_receiver(receiver, home_agency, agency_admin):
    services.webhook_create(agency=home_agency, url=receiver.url, by=agency_admin)
    receiver.secret = "whsec_not-the-one"
    event = Event.objects.create(
        kind="sop.review_due",
        payload={"sop_id": 0, "version_id": 0, "agency_id": home_agency.pk, "review_due": "x"},
    )
    deliver.apply(args=[services.webhooks_for(event)[0], event.pk])
    assert receiver.received and not receiver.received[0].signature_ok
    assert Delivery.objects.filter(succeeded=False, status_code=401).exists()


def test_failures_are_retried_and_every_attempt_recorded(
    receiver, home_agency, agency_admin, publisher, draft, django_capture_on_commit_callbacks
):
    webhook = services.webhook_create(agency=home_agency, url=receiver.url, by=agency_admin)
    receiver.secret = webhook.secret
    receiver.statuses = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        sop_services.version_publish(version=draft, by=publisher)
    attempts = list(Delivery.objects.order_by("attempt").values_list("attempt", "status_code"))
    assert attempts == [(1, 500), (2, 503), (3, 200)]
    assert len(receiver.received) == 3
    assert {r.body["id"] for r in receiver.received} == {receiver.received[0].body["id"]}


def test_gives_up_after_the_maximum_attempts(receiver, home_agency, agency_admin, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    webhook = services.webhook_create(agency=home_agency, url=receiver.url, by=agency_admin)
    receiver.secret = webhook.secret
    receiver.statuses = [500, 500, 500]
    event = Event.objects.create(
        kind="sop.review_due",
        payload={"sop_id": 0, "version_id": 0, "agency_id": home_agency.pk, "review_due": "x"},
    )
    deliver.apply(args=[webhook.pk, event.pk])
    assert Delivery.objects.count() == 2 and not Delivery.objects.filter(succeeded=True).exists()


def test_other_agencies_webhooks_hear_nothing(
    receiver, other_agency, outsider, publisher, draft, django_capture_on_commit_callbacks
):
    services.webhook_create(agency=other_agency, url=receiver.url, by=_admin_of(other_agency))
    with django_capture_on_commit_callbacks(execute=True):
        sop_services.version_publish(version=draft, by=publisher)
    assert receiver.received == [] and not Delivery.objects.exists()


def test_paused_webhook_is_skipped(
    receiver, home_agency, agency_admin, publisher, draft, django_capture_on_commit_callbacks
):
    webhook = services.webhook_create(agency=home_agency, url=receiver.url, by=agency_admin)
    services.webhook_update(webhook=webhook, by=agency_admin, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        sop_services.version_publish(version=draft, by=publisher)
    assert receiver.received == []


def test_unreachable_url_is_recorded_as_an_error(home_agency, agency_admin, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    webhook = services.webhook_create(
        agency=home_agency, url="http://127.0.0.1:9/nothing", by=agency_admin
    )
    event = Event.objects.create(
        kind="sop.review_due",
        payload={"sop_id": 0, "version_id": 0, "agency_id": home_agency.pk, "review_due": "x"},
    )
    delivery = services.delivery_attempt(webhook_id=webhook.pk, event_id=event.pk, attempt=1)
    assert not delivery.succeeded and delivery.status_code is None and delivery.error


def test_private_addresses_are_refused_unless_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    assert "non-public" in address_refusal("http://127.0.0.1:8000/hook")
    assert "non-public" in address_refusal("http://10.1.2.3/hook")
    assert address_refusal("ftp://example.org/") == "only http and https URLs"


def test_backoff_grows_exponentially_and_is_capped(settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    assert [backoff(n) for n in range(4)] == [30, 60, 120, 240]
    assert backoff(20) == 3600


def test_signature_is_hmac_sha256_of_the_timestamp_and_body():
    expected = hmac.new(b"s3cret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert signature("s3cret", b'{"a":1}', 1700000000) == f"sha256={expected}"


def _admin_of(agency):
    return factories.expert(agency=agency, role="admin").user


def test_took_effect_and_acknowledgement_overdue_reach_the_agency_system(
    receiver,
    home_agency,
    agency_admin,
    editor,
    publisher,
    draft,
    member,
    django_capture_on_commit_callbacks,
):
    import datetime

    from django.utils import timezone

    webhook = services.webhook_create(agency=home_agency, url=receiver.url, by=agency_admin)
    receiver.secret = webhook.secret
    today = timezone.localdate()
    sop_services.version_update(
        version=draft,
        by=editor,
        expected_edit_count=None,
        effective_date=today + datetime.timedelta(days=3),
    )
    with django_capture_on_commit_callbacks(execute=True):
        version = sop_services.version_publish(version=draft, by=publisher, acknowledge_days=2)
    with django_capture_on_commit_callbacks(execute=True):
        sop_services.versions_take_effect(today=today + datetime.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        sop_services.acknowledgement_reminders_emit(today=today + datetime.timedelta(days=6))
    kinds = [r.headers["X-Frontline-Event"] for r in receiver.received]
    assert kinds == ["sop.published", "sop.took_effect", "sop.acknowledgement_overdue"]
    assert all(r.signature_ok for r in receiver.received)
    assert receiver.received[1].body["version"]["number"] == version.number
