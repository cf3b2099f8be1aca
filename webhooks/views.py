"""An agency's webhooks page: its admins add, pause, rotate and remove them and see deliveries."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from frontline.errors import ActionRefused
from network.models import Agency
from network.permissions import can_vet
from webhooks import services
from webhooks.models import Delivery, Webhook

RECENT = 50


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("URL your system listens on"), max_length=500, assume_scheme="https"
    )


def _agency_for_admin(request, code: str) -> Agency:
    agency = get_object_or_404(Agency, code=code)
    if not can_vet(request.user, agency):
        raise PermissionDenied(_("Only this agency's admins can manage its webhooks."))
    return agency


@login_required
def webhook_list(request, code: str):
    agency = _agency_for_admin(request, code)
    form = WebhookForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.webhook_create(
                agency=agency, url=form.cleaned_data["url"], by=request.user
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            secret, form = webhook.secret, WebhookForm()
            messages.success(request, _("Webhook added. Copy its secret now."))
    context = {
        "agency": agency,
        "form": form,
        "secret": secret,
        "webhooks": Webhook.objects.filter(agency=agency),
        "deliveries": Delivery.objects.filter(webhook__agency=agency)
        .select_related("webhook", "event")
        .order_by("-created", "-id")[:RECENT],
    }
    response = render(request, "webhooks/list.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def webhook_action(request, code: str, pk: int, action: str):
    agency = _agency_for_admin(request, code)
    webhook = get_object_or_404(Webhook, pk=pk, agency=agency)
    try:
        if action == "delete":
            services.webhook_delete(webhook=webhook, by=request.user)
            messages.success(request, _("Webhook removed."))
        elif action == "toggle":
            webhook = services.webhook_update(
                webhook=webhook, by=request.user, active=not webhook.active
            )
            messages.success(
                request, _("Webhook resumed.") if webhook.active else _("Webhook paused.")
            )
        elif action == "rotate":
            webhook = services.webhook_update(webhook=webhook, by=request.user, rotate_secret=True)
            messages.success(
                request,
                _("New secret (copy it now, it is not shown again): %(secret)s")
                % {"secret": webhook.secret},
            )
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect("webhooks:list", code=agency.code)
