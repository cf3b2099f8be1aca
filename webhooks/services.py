"""Agencies' webhooks: managed by the agency's admins (audited), delivered by Celery tasks."""

from __future__ import annotations

import time
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.models import AuditEntry
from audit.services import audit_record
from events.models import Event
from frontline.errors import ActionRefused, NotAllowed
from network.models import Agency
from network.permissions import can_vet
from sops.models import SOP, SOPVersion
from webhooks import signing, transport
from webhooks.models import Delivery, Webhook

MAX_PER_AGENCY = 5


def _require_admin(by, agency_id: int) -> None:
    if not can_vet(by, agency_id):
        raise NotAllowed(_("Only this agency's admins or platform staff can manage its webhooks."))


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    parsed = urlparse(url)
    # The body is signed but not encrypted: plain http only for development and tests.
    plain_ok = settings.DEBUG or getattr(settings, "WEBHOOKS_ALLOW_HTTP", False)
    allowed = {"https", "http"} if plain_ok else {"https"}
    if parsed.scheme not in allowed or not parsed.hostname:
        raise ActionRefused(_("Give a full https:// URL that your system answers on."))
    return url


@transaction.atomic
def webhook_create(*, agency: Agency, url: str, by) -> Webhook:
    """Add a webhook; its secret is on the returned row (show it once)."""
    _require_admin(by, agency.pk)
    url = _clean_url(url)
    if Webhook.objects.filter(agency=agency).count() >= MAX_PER_AGENCY:
        raise ActionRefused(
            ngettext(
                "An agency can have at most %(n)d webhook.",
                "An agency can have at most %(n)d webhooks.",
                MAX_PER_AGENCY,
            )
            % {"n": MAX_PER_AGENCY}
        )
    webhook = Webhook.objects.create(
        agency=agency, url=url, secret=signing.secret_generate(), created_by=by
    )
    audit_record(
        actor=by,
        action=AuditEntry.Action.WEBHOOK_CREATED,
        agency=agency,
        target=f"webhook:{webhook.pk}",
        details={"url": url},
    )
    return webhook


@transaction.atomic
def webhook_update(
    *,
    webhook: Webhook,
    by,
    url: str | None = None,
    active: bool | None = None,
    rotate_secret: bool = False,
) -> Webhook:
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    _require_admin(by, webhook.agency_id)
    changes: dict = {}
    if url is not None and url.strip() != webhook.url:
        webhook.url = changes["url"] = _clean_url(url)
    if active is not None and active != webhook.active:
        webhook.active = changes["active"] = active
    if rotate_secret:
        webhook.secret = signing.secret_generate()
        changes["secret"] = "rotated"
    if changes:
        webhook.save()
        audit_record(
            actor=by,
            action=AuditEntry.Action.WEBHOOK_CHANGED,
            agency=webhook.agency_id,
            target=f"webhook:{webhook.pk}",
            details=changes,
        )
    return webhook


@transaction.atomic
def webhook_delete(*, webhook: Webhook, by) -> None:
    _require_admin(by, webhook.agency_id)
    audit_record(
        actor=by,
        action=AuditEntry.Action.WEBHOOK_DELETED,
        agency=webhook.agency_id,
        target=f"webhook:{webhook.pk}",
        details={"url": webhook.url},
    )
    webhook.delete()


def webhook_payload(event: Event) -> dict:
    """What receivers get: the event and enough of the procedure to act without a second call."""
    data = event.payload
    sop = SOP.objects.filter(pk=data.get("sop_id")).select_related("agency").first()
    version = SOPVersion.objects.filter(pk=data.get("version_id")).first()
    base = getattr(settings, "FRONTLINE_BASE_URL", "").rstrip("/")
    return {
        "id": event.pk,
        "kind": event.kind,
        "created": event.created.isoformat(),
        "data": data,
        "sop": None
        if sop is None
        else {
            "id": sop.pk,
            "reference": sop.reference,
            "title": sop.title,
            "agency": sop.agency.code,
            "url": base + sop.get_absolute_url(),
            "api_url": f"{base}/api/v1/sops/{sop.pk}/",
        },
        "version": None
        if version is None
        else {"id": version.pk, "number": version.number, "status": version.status},
    }


def webhooks_for(event: Event) -> list[int]:
    """Active webhooks of the agency that owns the procedure the event is about."""
    agency_id = event.payload.get("agency_id")
    return list(
        Webhook.objects.filter(agency_id=agency_id, active=True).values_list("pk", flat=True)
    )


def delivery_attempt(*, webhook_id: int, event_id: int, attempt: int) -> Delivery | None:
    """POST the signed payload once and record the outcome. None if the webhook is gone or off."""
    webhook = Webhook.objects.filter(pk=webhook_id, active=True).first()
    if webhook is None:
        return None
    event = Event.objects.get(pk=event_id)
    body = signing.body_bytes(webhook_payload(event))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Frontline-Webhooks/1",
        "X-Frontline-Event": event.kind,
        "X-Frontline-Delivery": str(event.pk),
        **signing.signed_headers(webhook.secret, body),
    }
    started = time.monotonic()
    outcome = transport.post(webhook.url, body, headers)
    return Delivery.objects.create(
        webhook=webhook,
        event=event,
        attempt=attempt,
        status_code=outcome.status_code,
        error=outcome.error,
        succeeded=outcome.ok,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
