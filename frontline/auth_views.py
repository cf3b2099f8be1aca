"""Sign-in, sign-out and passwords: rate limits per account and address (HTTP 429), and
every way out of a session (sign-out, a new password) closes that user's open sockets.

There is one sign-in page for everyone: ``/admin/login/`` sends people here.
"""

from __future__ import annotations

from urllib.parse import urlparse

from django import forms
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from frontline.locale import LanguageAtSignIn
from frontline.ratelimit import (
    client_address,
    limit,
    ratelimit_exceeded,
    ratelimit_hit,
    ratelimit_reset,
)
from notifications.push import sockets_close_now

TOO_MANY_SIGN_INS = _(
    "Too many failed sign-ins for this account or from this address. Wait 15 minutes and try "
    "again, or reset your password."
)
TOO_MANY_RESETS = _(
    "Too many password reset requests for this e-mail address or from your network. Wait an hour, then ask again."
)


class RateLimitedAuthenticationForm(auth_forms.AuthenticationForm):
    """Failed sign-ins count per account *from one address*, and per address; past the
    limit none are tried.

    An account is locked only for the address its failures came from, so guessing a
    colleague's password from elsewhere cannot lock them out (ASVS 2.2.1).
    """

    rate_limited = False

    def clean(self):
        address = client_address(self.request) if self.request else "unknown"
        username = f"{self.cleaned_data.get('username') or ''}|{address}"
        account, place = limit("login-account"), limit("login-address")
        if ratelimit_exceeded(account, username) or ratelimit_exceeded(place, address):
            self.rate_limited = True
            raise forms.ValidationError(TOO_MANY_SIGN_INS, code="rate_limited")
        try:
            return super().clean()
        except forms.ValidationError:
            ratelimit_hit(account, username)
            ratelimit_hit(place, address)
            raise
        finally:
            if self.user_cache is not None:
                ratelimit_reset(account, username)


class SignInView(LanguageAtSignIn, auth_views.LoginView):
    form_class = RateLimitedAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.rate_limited:
            response.status_code = 429
        return response


class RateLimitedPasswordResetForm(auth_forms.PasswordResetForm):
    rate_limited = False

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email") or ""
        address = client_address(self.request) if self.request else "unknown"
        account, place = limit("reset-account"), limit("reset-address")
        # Same answer whether or not the address has an account: nothing to enumerate.
        if ratelimit_hit(account, email) > account.attempts or (
            ratelimit_hit(place, address) > place.attempts
        ):
            self.rate_limited = True
            raise forms.ValidationError(TOO_MANY_RESETS, code="rate_limited")
        return cleaned

    def save(self, **kwargs):
        """Links start with ``FRONTLINE_BASE_URL``, never with the request's Host header."""
        base = urlparse(settings.FRONTLINE_BASE_URL)
        kwargs.update(domain_override=base.netloc, use_https=base.scheme == "https")
        return super().save(**kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = RateLimitedPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.rate_limited:
            response.status_code = 429
        return response


class SignOutView(auth_views.LogoutView):
    """Sign out, and close this user's open sockets so nothing more reaches them."""

    def post(self, request, *args, **kwargs):
        user_id = request.user.pk if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        if user_id is not None:
            sockets_close_now(user_id)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """A new password ends the other sessions (Django) and closes every open socket."""

    def form_valid(self, form):
        response = super().form_valid(form)
        sockets_close_now(form.user.pk)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        sockets_close_now(form.user.pk)
        return response


def admin_login(request):
    """``/admin/login/``: the site's one sign-in page (its rate limits, its second factor)."""
    target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    if not request.user.is_staff:
        raise PermissionDenied(_("The admin site is for platform staff."))
    # Staff signed in without their second factor yet (the admin requires it).
    return redirect_to_login(target, reverse("second_factor:verify"))
