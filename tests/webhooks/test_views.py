"""The webhooks page: the agency's admins manage them (audited) and see every delivery."""

from __future__ import annotations

from django.urls import reverse

from audit.models import AuditEntry
from events.models import Event
from webhooks import services
from webhooks.models import Webhook


def test_admin_adds_a_webhook_and_sees_its_secret_once(client_for, agency_admin, home_agency):
    client = client_for(agency_admin)
    url = reverse("webhooks:list", args=[home_agency.code])
    response = client.post(url, {"url": "https://systems.example.org/frontline"})
    webhook = Webhook.objects.get()
    assert webhook.secret.encode() in response.content
    assert webhook.secret.encode() not in client.get(url).content
    assert AuditEntry.objects.filter(action="webhook.created", agency=home_agency).exists()


def test_plain_http_is_refused_outside_development(client_for, agency_admin, home_agency, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    response = client_for(agency_admin).post(
        reverse("webhooks:list", args=[home_agency.code]), {"url": "http://example.org/hook"}
    )
    assert "https://" in response.content.decode()
    assert not Webhook.objects.exists()


def test_pause_rotate_and_remove_are_audited(client_for, agency_admin, home_agency):
    webhook = services.webhook_create(
        agency=home_agency, url="https://systems.example.org/h", by=agency_admin
    )
    client = client_for(agency_admin)
    old_secret = webhook.secret
    for action in ("toggle", "rotate"):
        client.post(reverse("webhooks:action", args=[home_agency.code, webhook.pk, action]))
    webhook.refresh_from_db()
    assert not webhook.active and webhook.secret != old_secret
    client.post(reverse("webhooks:action", args=[home_agency.code, webhook.pk, "delete"]))
    assert not Webhook.objects.exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "webhook.created",
        "webhook.changed",
        "webhook.changed",
        "webhook.deleted",
    ]


def test_others_may_not_see_or_change_webhooks(
    client, client_for, publisher, outsider, home_agency, agency_admin
):
    webhook = services.webhook_create(
        agency=home_agency, url="https://systems.example.org/h", by=agency_admin
    )
    url = reverse("webhooks:list", args=[home_agency.code])
    assert client.get(url).status_code == 302
    for user in (publisher, outsider):
        c = client_for(user)
        assert c.get(url).status_code == 403
        delete = reverse("webhooks:action", args=[home_agency.code, webhook.pk, "delete"])
        assert c.post(delete).status_code == 403
    assert Webhook.objects.filter(pk=webhook.pk).exists()


def test_failed_deliveries_are_listed_for_the_admin(
    client_for, agency_admin, home_agency, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    webhook = services.webhook_create(
        agency=home_agency, url="http://127.0.0.1:9/down", by=agency_admin
    )
    event = Event.objects.create(
        kind="sop.review_due",
        payload={"sop_id": 0, "version_id": 0, "agency_id": home_agency.pk, "review_due": "x"},
    )
    services.delivery_attempt(webhook_id=webhook.pk, event_id=event.pk, attempt=1)
    page = client_for(agency_admin).get(reverse("webhooks:list", args=[home_agency.code]))
    assert b"failed" in page.content and b"sop.review_due" in page.content


def test_token_page_links_admins_to_their_agencys_webhooks(client_for, agency_admin, home_agency):
    page = client_for(agency_admin).get(reverse("api_tokens:list"))
    assert reverse("webhooks:list", args=[home_agency.code]).encode() in page.content
