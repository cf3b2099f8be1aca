"""Confirming an e-mail address with a signed link, and one account per address.

The link's token comes from Django's ``PasswordResetTokenGenerator`` with its own salt:
it is bound to the account, its address and whether it was already confirmed, so it
stops working once used or once the address changes, and after
``PASSWORD_RESET_TIMEOUT`` (three days).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

EMAIL_TAKEN = _(
    "An account with this e-mail address exists already. Sign in to it, or reset its "
    "password from the sign-in page."
)


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "network.verification.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        expert = getattr(user, "expert", None)
        confirmed = expert.email_verified if expert is not None else None
        return f"{user.pk}{user.email.lower()}{confirmed}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def email_taken(email: str, *, except_user=None) -> bool:
    """Another account already has this address (compared without regard to case)."""
    qs = get_user_model().objects.filter(email__iexact=(email or "").strip())
    if except_user is not None:
        qs = qs.exclude(pk=except_user.pk)
    return bool(email) and qs.exists()


def verification_url(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("network:verify_email", args=[uid, email_verification_token.make_token(user)])
    return settings.FRONTLINE_BASE_URL.rstrip("/") + path


def verification_mail_send(*, user) -> None:
    """Mail the link to the account's address. Called after commit."""
    context = {"user": user, "url": verification_url(user)}
    send_mail(
        render_to_string("network/verify_email_subject.txt", context).strip(),
        render_to_string("network/verify_email.txt", context),
        None,
        [user.email],
    )


def user_of_link(uidb64: str, token: str):
    """The account a link confirms, or None if the link is forged, used or too old."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = get_user_model().objects.select_related("expert").get(pk=pk)
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        return None
    return user if email_verification_token.check_token(user, token) else None
