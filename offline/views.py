"""The offline kit's pages: the kit itself, "Keep offline", the page shown for what is not
kept, the service worker and the web app manifest.

Views read through ``offline.selectors`` and change things only through
``offline.services``; a refusal is shown as the service wrote it.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from frontline.errors import ActionRefused
from network.models import Agency, Membership, Topic
from network.permissions import agencies_with_role
from offline import selectors, services
from offline.forms import AgencyPolicyForm, KeepForm, KitSettingsForm
from offline.models import MB, KitAgencyPolicy, KitSettings
from sops.selectors import sop_for_viewer

SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "offline" / "sw.js"


@login_required
def kit(request):
    user = request.user
    settings = KitSettings.for_user(user)
    entries = selectors.kit_entries(user=user)
    admin_of = agencies_with_role(user, Membership.Role.ADMIN)
    agencies = (
        Agency.objects.filter(pk__in=admin_of) if admin_of is not None else Agency.objects.none()
    )
    policies = {
        p.agency_id: p.allow_shared_devices
        for p in KitAgencyPolicy.objects.filter(agency__in=agencies)
    }
    context = {
        "entries": entries,
        "total_size": sum(e.size for e in entries),
        "kept": selectors.kept_items(user=user),
        "kit_settings": settings,
        "form": KitSettingsForm(
            initial={
                "keep_own_agency": settings.keep_own_agency,
                "max_attachment_mb": settings.max_attachment_bytes // MB,
                "shared_device": settings.shared_device,
            }
        ),
        "policies": [
            (
                agency,
                AgencyPolicyForm(initial={"allow_shared_devices": policies.get(agency.pk, False)}),
            )
            for agency in agencies
        ],
        "truncated": len(entries) >= selectors.KIT_MAX_SOPS,
    }
    return render(request, "offline/kit.html", context)


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _act(request, action, success: str, back: str):
    try:
        action()
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(back)


@login_required
@require_POST
def keep(request):
    form = KeepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one procedure, agency or topic to keep."))
        return redirect(_back(request, reverse("offline:kit")))
    kind, pk = form.cleaned_data["kind"], form.cleaned_data["target"]
    if kind == "sop":
        sop = sop_for_viewer(user=request.user, pk=pk)
        if sop is None:
            raise Http404(_("No such procedure."))
        target = {"sop": sop}
    elif kind == "agency":
        target = {"agency": get_object_or_404(Agency, pk=pk)}
    else:
        target = {"topic": get_object_or_404(Topic, pk=pk)}
    return _act(
        request,
        lambda: services.kept_item_add(by=request.user, **target),
        _("Kept offline: it is stored on this device at the next check."),
        _back(request, reverse("offline:kit")),
    )


@login_required
@require_POST
def unkeep(request, pk: int):
    return _act(
        request,
        lambda: services.kept_item_remove(by=request.user, item_id=pk),
        _("No longer kept: it leaves this device at the next check."),
        _back(request, reverse("offline:kit")),
    )


@login_required
@require_POST
def kit_settings(request):
    form = KitSettingsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("offline:kit")
    data = form.cleaned_data
    return _act(
        request,
        lambda: services.kit_settings_update(
            by=request.user,
            keep_own_agency=data["keep_own_agency"],
            max_attachment_bytes=data["max_attachment_mb"] * MB,
            shared_device=data["shared_device"],
        ),
        _("Your offline kit settings are saved."),
        reverse("offline:kit"),
    )


@login_required
@require_POST
def agency_policy(request, code: str):
    agency = get_object_or_404(Agency, code=code)
    form = AgencyPolicyForm(request.POST)
    allow = form.is_valid() and form.cleaned_data["allow_shared_devices"]
    return _act(
        request,
        lambda: services.kit_agency_policy_set(
            by=request.user, agency=agency, allow_shared_devices=allow
        ),
        _("The rule for shared devices is saved."),
        reverse("offline:kit"),
    )


@login_required
def not_kept(request):
    """What the service worker shows, offline, for a page that is not in the kit."""
    return render(request, "offline/not_kept.html", status=200)


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker from the site's root, so its scope covers every page."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    """The web app manifest: Frontline installs as an app (no app store)."""
    data = {
        "name": _("Frontline"),
        "short_name": _("Frontline"),
        "description": _("Procedures and people for front-line biosafety and biosecurity."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0172ad",
        "icons": [
            {"src": static("offline/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("offline/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("offline/icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        "shortcuts": [{"name": _("Offline kit"), "url": reverse("offline:kit")}],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Vary"] = "Accept-Language, Cookie"
    return response
