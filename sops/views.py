"""Procedure pages that read: list, SOP and version pages, review queue, compare, dashboard,
downloads (the pages that change things are in sops.workflow_views).

Views read through sops.selectors and change things only through sops.services; a
refusal is shown as the service wrote it and changes nothing. Whatever the viewer may
not see answers 404, so its existence does not leak.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Agency, Membership
from network.permissions import agencies_with_role, has_role
from sops import compliance, selectors, services
from sops.diff import word_diff
from sops.exports import write_acknowledgements_csv
from sops.files import attachment_response
from sops.forms import (
    PublishForm,
    ReasonForm,
    ReviewedForm,
    RevisionForm,
    SOPFilterForm,
    TranslationLinkForm,
)
from sops.listing import RowsByAgency
from sops.models import SOP, AgencyPolicy, SOPVersion
from sops.permissions import can_edit_sop, can_publish_sop, can_view_sop
from sops.rendered_diff import rendered_diff
from sops.rendering import version_rendered
from sops.translations import links_for

PAGE_SIZE = 20
Status = SOPVersion.Status


def _not_found(request, message: str) -> Http404:
    """A signed-out visitor may only lack the sign-in (the same words whether or not the
    procedure exists, so nothing leaks); anyone else hears it does not exist for them."""
    if not request.user.is_authenticated:
        return Http404(_("Sign in to read this procedure."))
    return Http404(message)


def sop_or_404(request, pk: int) -> SOP:
    sop = selectors.sop_for_viewer(user=request.user, pk=pk)
    if sop is None:
        raise _not_found(request, _("No such procedure."))
    return sop


def version_or_404(request, sop_id: int, pk: int) -> SOPVersion:
    version = selectors.version_for_viewer(user=request.user, pk=pk, sop_id=sop_id)
    if version is None:
        raise _not_found(request, _("No such version."))
    return version


def standing(user, sop: SOP) -> dict:
    """What binds readers of ``sop`` today: the version in force (from the dates), the one
    approved to follow, what the viewer still has to acknowledge, and the review state."""
    today = timezone.localdate()
    current = compliance.in_force(sop, today)
    owed = compliance.acknowledgement_owed(user=user, sop=sop, today=today)
    return {
        "in_force": current,
        "upcoming": compliance.upcoming(sop, today),
        "owed": owed,
        "acknowledgement": selectors.acknowledgement_of(user=user, version=current),
        "review_state": compliance.review_state(current, today),
    }


def sop_list(request):
    form = SOPFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sops = RowsByAgency(selectors.sop_list(user=request.user, filters=filters))
    page = Paginator(sops, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "sops/_sop_results.html" if request.htmx else "sops/sop_list.html"
    return render(request, template, context)


def sop_detail(request, pk: int):
    sop = sop_or_404(request, pk)
    user = request.user
    versions = selectors.sop_versions(user=user, sop=sop)
    state = standing(user, sop)
    # The listed instances carry their approver and author: reuse them for the header.
    in_force_id = state["in_force"].pk if state["in_force"] else None
    current = next((v for v in versions if v.pk == in_force_id), None)
    shown = current or next((v for v in versions if v.status == Status.WITHDRAWN), None)
    source = sop.adapted_from
    source_visible = source is not None and can_view_sop(user, source.sop)
    source_current = source.sop.current_version if source_visible else None
    can_edit = can_edit_sop(user, sop)
    can_publish = can_publish_sop(user, sop)
    editing = agencies_with_role(user, Membership.Role.EDITOR)
    translation_form = TranslationLinkForm(sop=sop) if can_publish else None
    if translation_form is not None and not translation_form.fields["source"].queryset.exists():
        translation_form = None
    context = {
        "sop": sop,
        "current": current,
        "shown": shown,
        "rendered": version_rendered(shown) if shown else None,
        "attachments": shown.attachments.all() if shown else [],
        "versions": versions,
        "readable_versions": [v for v in versions if v.major is not None],
        "open_draft": next((v for v in versions if v.status in selectors.WORKING_STATUSES), None),
        "adaptations": selectors.sop_adaptations(user=user, sop=sop),
        "source": source if source_visible else None,
        "source_newer": source_current
        if source_current and source_current.pk != source.pk
        else None,
        **state,
        "translation_links": links_for(user=user, sop=sop),
        "translation_form": translation_form,
        "can_edit": can_edit,
        "can_publish": can_publish,
        "can_adapt": current is not None
        and (editing is None or any(a != sop.agency_id for a in editing)),
        "revision_form": RevisionForm(),
        "reason_form": ReasonForm(),
        "reviewed_form": ReviewedForm(),
    }
    return render(request, "sops/sop_detail.html", context)


def version_detail(request, sop_id: int, pk: int):
    version = version_or_404(request, sop_id, pk)
    sop = version.sop
    may_publish = version.status in selectors.WORKING_STATUSES and can_publish_sop(
        request.user, sop
    )
    four_eyes = may_publish and services.four_eyes_blocks(request.user, version)
    state = standing(request.user, sop)
    current = state["in_force"]
    replaced = version.status in (Status.PUBLISHED, Status.SUPERSEDED) and current is not None
    return render(
        request,
        "sops/version_detail.html",
        {
            "sop": sop,
            "version": version,
            **state,
            "replaced_by": current if replaced and current.pk != version.pk else None,
            "rendered": version_rendered(version),
            "attachments": version.attachments.all(),
            "can_edit": version.is_editable and can_edit_sop(request.user, sop),
            "can_publish": may_publish and not four_eyes,
            "four_eyes": four_eyes,
            "publish_form": PublishForm(
                initial={"change_summary": version.change_summary},
                policy=AgencyPolicy.for_agency(sop.agency_id),
                sop=sop,
            ),
            "translation_links": links_for(user=request.user, sop=sop),
            "reason_form": ReasonForm(),
        },
    )


def attachment_download(request, pk: int):
    """Serve a file only to those who may see its version; 404 for everyone else."""
    attachment = selectors.attachment_for_viewer(user=request.user, pk=pk)
    if attachment is None:
        raise Http404
    try:
        return attachment_response(attachment)
    except FileNotFoundError as exc:
        raise Http404 from exc


def _pick(request, sop: SOP, name: str) -> SOPVersion | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    return version_or_404(request, sop.pk, int(raw) if raw.isdigit() else 0)


def compare(request, pk: int):
    """Two versions of one SOP compared as rendered text (inline, or side by side aligned by
    block) or as raw Markdown, with the change summaries between them."""
    sop = sop_or_404(request, pk)
    versions = selectors.sop_versions(user=request.user, sop=sop)
    a, b = _pick(request, sop, "a"), _pick(request, sop, "b")
    if a is None or b is None:
        if len(versions) < 2:
            messages.info(request, _("This procedure has only one version so far."))
            return redirect(sop.get_absolute_url())
        b, a = versions[0], versions[1]
    if selectors.version_order(a) > selectors.version_order(b):
        a, b = b, a
    view = request.GET.get("view")
    view = view if view in ("side", "markdown") else "inline"
    # Rendered (inline or side by side, aligned by block) unless the raw Markdown is asked for.
    diff = word_diff(a.body, b.body) if view == "markdown" else rendered_diff(a.body, b.body)
    return render(
        request,
        "sops/compare.html",
        {
            "sop": sop,
            "a": a,
            "b": b,
            "diff": diff,
            "between": selectors.versions_between(versions, a, b),
            "versions": versions,
            "view": view,
        },
    )


@login_required
def review_queue(request):
    if agencies_with_role(request.user, Membership.Role.PUBLISHER) == []:
        raise PermissionDenied(_("The review queue is for publishers."))
    versions = list(selectors.review_queue(user=request.user))
    policies: dict[int, AgencyPolicy] = {}
    for version in versions:
        agency_id = version.sop.agency_id
        policy = policies.setdefault(agency_id, AgencyPolicy.for_agency(agency_id))
        version.four_eyes = services.four_eyes_blocks(request.user, version, policy)
    return render(
        request,
        "sops/review_queue.html",
        {"versions": versions, "reason_form": ReasonForm()},
    )


@login_required
def agency_dashboard(request, code: str):
    """Per SOP of an agency: the version in force and who acknowledged it. For its publishers."""
    agency = get_object_or_404(Agency.objects.select_related("country"), code=code)
    if not has_role(request.user, agency, Membership.Role.PUBLISHER):
        raise PermissionDenied(_("The dashboard is for the agency's publishers and admins."))
    rows = compliance.agency_acknowledgements(agency=agency)
    members = compliance.agency_members(agency)
    return render(
        request,
        "sops/agency_dashboard.html",
        {
            "agency": agency,
            "rows": rows,
            "members": members,
            "reviews": compliance.reviews_due(agency_ids=[agency.pk]),
            "today": timezone.localdate(),
            "policy": AgencyPolicy.for_agency(agency.pk),
            "is_admin": has_role(request.user, agency, Membership.Role.ADMIN),
        },
    )


@login_required
def agency_acknowledgements_csv(request, code: str):
    """The dashboard's acknowledgements as CSV: one line per procedure and member."""
    agency = get_object_or_404(Agency, code=code)
    if not has_role(request.user, agency, Membership.Role.PUBLISHER):
        raise PermissionDenied(_("The dashboard is for the agency's publishers and admins."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="acknowledgements-{agency.code}.csv"'
    write_acknowledgements_csv(response, compliance.agency_acknowledgements(agency=agency))
    return response
