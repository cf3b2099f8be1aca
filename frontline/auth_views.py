"""Sign-in and password reset with rate limits per account and per address (HTTP 429)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from frontline.ratelimit import (
    client_address,
    limit,
    ratelimit_exceeded,
    ratelimit_hit,
    ratelimit_reset,
)

TOO_MANY_SIGN_INS = _(
    "Too many failed sign-ins for this account or from this address. Wait 15 minutes and try "
    "again, or reset your password."
)
TOO_MANY_RESETS = _(
    "Too many password reset requests for this e-mail address or from your network. Wait an hour, then ask again."
)


class RateLimitedAuthenticationForm(auth_forms.AuthenticationForm):
    """Failed sign-ins count per account and per address; past the limit none are tried."""

    rate_limited = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else "unknown"
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


class SignInView(auth_views.LoginView):
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


class PasswordResetView(auth_views.PasswordResetView):
    form_class = RateLimitedPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.rate_limited:
            response.status_code = 429
        return response
