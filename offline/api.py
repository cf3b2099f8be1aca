"""JSON endpoints the device's script calls (same-origin, the browser session, CSRF on POST).

* ``GET session``: who is signed in, the CSRF token, the access fingerprint;
* ``GET kit``: what the member may keep now (ids, versions, ETags, URLs, sizes);
* ``POST check``: the device's version list against the kit, in one small answer;
* ``POST acknowledgements``: an acknowledgement queued offline, idempotent by its id.

Signed out: 401 with a reason. Bad input: 400 with a reason, nothing changed.
"""

from __future__ import annotations

import datetime
import json
import uuid

from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from frontline.errors import ActionRefused
from offline import selectors, services
from offline.models import KitSettings, QueuedAcknowledgement

MAX_BODY = 64 * 1024
MAX_HELD = 2000


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _signed_out() -> JsonResponse:
    return _error(_("Sign in to keep procedures offline."), 401)


def _json_body(request) -> dict:
    if len(request.body) > MAX_BODY:
        raise ActionRefused(_("The request is too large."))
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ActionRefused(_("The request is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ActionRefused(_("The request must be a JSON object."))
    return data


@require_GET
def session(request):
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"user": None})
    return JsonResponse(
        {"user": user.pk, "csrf": get_token(request), "access": selectors.access_fingerprint(user)}
    )


@require_GET
def kit(request):
    user = request.user
    if not user.is_authenticated:
        return _signed_out()
    ids = None
    if "ids" in request.GET:
        try:
            ids = [int(i) for i in request.GET["ids"].split(",") if i][:MAX_HELD]
        except ValueError:
            return _error(_("ids must be a comma-separated list of numbers."), 400)
    with_text = request.GET.get("text") == "1"
    entries = selectors.kit_entries(user=user, ids=ids, with_text=with_text)
    settings = KitSettings.for_user(user)
    return JsonResponse(
        {
            "access": selectors.access_fingerprint(user),
            "max_attachment_bytes": settings.max_attachment_bytes,
            "shared_device": settings.shared_device,
            "entries": [e.as_dict(with_text=with_text) for e in entries],
            "truncated": ids is None and len(entries) >= selectors.KIT_MAX_SOPS,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _held(data: dict) -> dict[int, int]:
    held = data.get("held")
    if not isinstance(held, dict) or len(held) > MAX_HELD:
        raise ActionRefused(
            _("held must be an object of at most %(n)d procedure ids to version ids.")
            % {"n": MAX_HELD}
        )
    try:
        return {int(k): int(v) for k, v in held.items()}
    except (TypeError, ValueError):
        raise ActionRefused(_("held must map procedure ids to version ids (numbers).")) from None


@require_POST
def check(request):
    user = request.user
    if not user.is_authenticated:
        return _signed_out()
    try:
        held = _held(_json_body(request))
    except ActionRefused as exc:
        return _error(exc.message, exc.status_code)
    return JsonResponse(selectors.kit_check(user=user, held=held))


def _acknowledgement_input(data: dict) -> tuple[uuid.UUID, int, datetime.datetime]:
    try:
        client_id = uuid.UUID(str(data.get("client_id")))
    except ValueError:
        raise ActionRefused(_("client_id must be a UUID made on the device.")) from None
    version_id = data.get("version_id")
    if not isinstance(version_id, int) or isinstance(version_id, bool) or version_id < 1:
        raise ActionRefused(_("version_id must be a version number id."))
    read_at = parse_datetime(str(data.get("read_at") or ""))
    if read_at is None or read_at.tzinfo is None:
        raise ActionRefused(_("read_at must be a date and time with its time zone (ISO 8601)."))
    return client_id, version_id, read_at


@require_POST
def acknowledgement(request):
    user = request.user
    if not user.is_authenticated:
        return _signed_out()
    try:
        client_id, version_id, read_at = _acknowledgement_input(_json_body(request))
        row, created = services.queued_acknowledgement_receive(
            by=user, client_id=client_id, version_id=version_id, read_at=read_at
        )
    except ActionRefused as exc:
        # A procedure the member may not see answers as if it did not exist.
        status = 404 if exc.status_code == 403 else exc.status_code
        return _error(exc.message, status)
    version = row.version
    return JsonResponse(
        {
            "client_id": str(row.client_id),
            "outcome": row.outcome,
            "counted": row.outcome == QueuedAcknowledgement.Outcome.RECORDED,
            "reference": version.sop.reference,
            "number": version.number,
            "read_at": row.read_at.isoformat(),
            "received_at": row.received_at.isoformat(),
        },
        status=201 if created else 200,
    )
