"""The second factor: TOTP (django-otp) required of platform staff and agency admins.

Sign-in stays one password form for everyone; afterwards a session of someone who needs
a second factor reaches nothing but the enrolment or verification pages (and sign-out)
until it has passed one (``django_otp.login`` marks the session). Recovery codes are
django-otp's static device: ten single-use codes, shown once.

Anyone may enrol on their own; once they have a device it is asked at every sign-in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from audit.services import audit_record
from frontline.errors import ActionRefused
from network.models import Membership
from network.permissions import approved_roles

RECOVERY_CODES = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
# Where a session that still owes its second factor may go.
OPEN_PATHS = ("/accounts/two-step/", "/accounts/logout/", "/static/", "/i18n/")


def role_requires_second_factor(user) -> bool:
    """Platform staff and agency admins (vetting, roles, webhooks) must use one."""
    if not user or not user.is_authenticated:
        return False
    return user.is_staff or Membership.Role.ADMIN in approved_roles(user).values()


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def requires_second_factor(user) -> bool:
    return role_requires_second_factor(user) or totp_device(user) is not None


@transaction.atomic
def totp_enrolment_start(*, by) -> TOTPDevice:
    """The unconfirmed device being enrolled (one per user), made on first visit."""
    device = totp_device(by, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=by, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrolment_confirm(*, by, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm enrolment with a first code from the app; returns the device and new
    recovery codes (the only time they are shown). Replaces any earlier device."""
    device = totp_device(by, confirmed=False)
    if device is None or not device.verify_token(_digits(token)):
        raise ActionRefused(
            _("That code is not the one your app shows now. Check the device's clock.")
        )
    replaced = TOTPDevice.objects.filter(user=by, confirmed=True).delete()[0]
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        actor=by,
        action=AuditEntry.Action.SECOND_FACTOR_ENROLLED,
        target=f"user:{by.pk}",
        details={"replaced_device": bool(replaced)},
    )
    return device, _recovery_codes_new(by)


@transaction.atomic
def recovery_codes_renew(*, by) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working."""
    audit_record(actor=by, action=AuditEntry.Action.RECOVERY_CODES_RENEWED, target=f"user:{by.pk}")
    return _recovery_codes_new(by)


def _recovery_codes_new(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_check(*, user, token: str):
    """The device that accepts ``token`` (a code from the app, or a recovery code), or None.

    Both devices throttle failures themselves (each failure doubles the wait).
    """
    token = (token or "").strip()
    device = totp_device(user)
    if device is not None and device.verify_token(_digits(token)):
        return device
    for recovery in StaticDevice.objects.filter(user=user, confirmed=True):
        if recovery.verify_token(token.replace(" ", "").lower()):
            return recovery
    return None


def session_passed_second_factor(user, session) -> bool:
    """For the WebSocket, which has no OTP middleware: a session that owes a second
    factor has not passed it unless django-otp recorded one of the user's devices in it."""
    if not getattr(settings, "FRONTLINE_REQUIRE_SECOND_FACTOR", True):
        return True
    if not requires_second_factor(user):
        return True
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == user.pk


def _digits(token: str) -> str:
    return "".join((token or "").split())


class SecondFactorRequiredMiddleware:
    """Until a session that needs a second factor has passed one, it reaches only the
    two-step pages and sign-out; the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            getattr(settings, "FRONTLINE_REQUIRE_SECOND_FACTOR", True)
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PATHS)
            and requires_second_factor(user)
        ):
            message = _("Finish signing in with your second factor (the code from your app).")
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"status": 403, "message": message}}, status=403)
            step = "verify" if totp_device(user) is not None else "setup"
            return redirect_to_login(request.get_full_path(), reverse(f"second_factor:{step}"))
        return self.get_response(request)
