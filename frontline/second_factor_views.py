"""Pages of the second factor: enrol (QR code and secret), verify at sign-in, manage."""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from frontline import second_factor
from frontline.errors import ActionRefused


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=gettext_lazy("The six digits your authenticator app shows, or a recovery code."),
    )


def _next(request) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


def _private(response):
    add_never_cache_headers(response)  # secrets and recovery codes stay out of caches
    return response


@login_required
def setup(request):
    """Scan the QR code (or type the secret) into an app, then prove it with a first code.

    Replacing a device already enrolled needs a session that passed it: a password alone
    must not be enough to move someone's second factor to another phone.
    """
    if second_factor.totp_device(request.user) is not None and not request.user.is_verified():
        return redirect_to_login(_next(request), reverse("second_factor:verify"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = second_factor.totp_enrolment_confirm(
                by=request.user, token=form.cleaned_data["token"]
            )
        except ActionRefused as exc:
            form.add_error("token", exc.message)
        else:
            otp_login(request, device)
            context = {"codes": codes, "next": _next(request)}
            return _private(render(request, "second_factor/recovery_codes.html", context))
    form.fields["token"].help_text = _("The six digits your app shows now.")
    device = second_factor.totp_enrolment_start(by=request.user)
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR code")),
        "secret": b32encode(device.bin_key).decode(),
        "next": _next(request),
        "required": second_factor.role_requires_second_factor(request.user),
    }
    return _private(render(request, "second_factor/setup.html", context))


@login_required
def verify(request):
    """At sign-in: the code from the app (or a recovery code) completes it."""
    if second_factor.totp_device(request.user) is None:
        return redirect_to_login(_next(request), reverse("second_factor:setup"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.second_factor_check(
            user=request.user, token=form.cleaned_data["token"]
        )
        if device is None:
            form.add_error(
                "token",
                _("That code is not valid (or tried too often: wait a little and try again)."),
            )
        else:
            otp_login(request, device)
            return redirect(_next(request))
    status = 400 if form.errors else 200
    context = {"form": form, "next": _next(request)}
    return _private(render(request, "second_factor/verify.html", context, status=status))


@login_required
def manage(request):
    device = second_factor.totp_device(request.user)
    recovery_left = sum(
        d.token_set.count() for d in request.user.staticdevice_set.filter(confirmed=True)
    )
    context = {
        "device": device,
        "recovery_left": recovery_left,
        "required": second_factor.role_requires_second_factor(request.user),
    }
    return _private(render(request, "second_factor/manage.html", context))


@login_required
@require_POST
def recovery_renew(request):
    if not request.user.is_verified():
        messages.error(request, _("Sign in with your second factor first."))
        return redirect("second_factor:manage")
    codes = second_factor.recovery_codes_renew(by=request.user)
    context = {"codes": codes, "next": "/"}
    return _private(render(request, "second_factor/recovery_codes.html", context))
