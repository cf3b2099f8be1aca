"""The controlled printed copy of a version, and the checking URL its QR code points to.

A paper copy says who printed it and when, that it is uncontrolled once printed, and
where to check that it is still the version in force. Both pages follow the version's
visibility: whoever may not see the version gets 404 (anonymous visitors sign in first).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from sops import compliance
from sops.models import SOPVersion
from sops.qr import qr_svg
from sops.rendering import render_markdown
from sops.views import version_or_404

PRINTABLE = {
    SOPVersion.Status.PUBLISHED,
    SOPVersion.Status.SCHEDULED,
    SOPVersion.Status.SUPERSEDED,
    SOPVersion.Status.WITHDRAWN,
}


def version_print(request, sop_id: int, pk: int):
    version = version_or_404(request, sop_id, pk)
    if version.status not in PRINTABLE:
        raise Http404
    check_url = request.build_absolute_uri(reverse("sops:check", args=[version.pk]))
    return render(
        request,
        "sops/version_print.html",
        {
            "sop": version.sop,
            "version": version,
            "rendered": render_markdown(version.body),
            "in_force": compliance.is_in_force(version),
            "check_url": check_url,
            "qr": qr_svg(check_url, title=check_url),
            "printed": timezone.now(),
        },
    )


def version_check(request, pk: int):
    """Is the printed version still in force? Said at once, with the version that is."""
    sop_id = SOPVersion.objects.filter(pk=pk).values_list("sop_id", flat=True).first()
    if sop_id is None:
        raise Http404
    try:
        version = version_or_404(request, sop_id, pk)
    except Http404:
        if request.user.is_authenticated:
            raise
        # A scanned copy of a network or agency procedure: sign in, then see the answer.
        return redirect_to_login(request.get_full_path())
    if version.status not in PRINTABLE:
        raise Http404
    sop = version.sop
    current = compliance.in_force(sop)
    return render(
        request,
        "sops/version_check.html",
        {
            "sop": sop,
            "version": version,
            "current": current,
            "in_force": current is not None and current.pk == version.pk,
            "upcoming": compliance.upcoming(sop),
        },
    )
