"""Procedure pages: list, SOP and version pages, editor, review queue, compare, dashboard.

Views read through sops.selectors and change things only through sops.services; a
refusal is shown as the service wrote it and changes nothing. Whatever the viewer may
not see answers 404, so its existence does not leak.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.errors import ActionRefused, Conflict
from network.models import Agency, Membership
from network.permissions import has_role
from sops import selectors, services
from sops.diff import word_diff
from sops.forms import (
    AdaptForm,
    AttachmentForm,
    PublishForm,
    ReasonForm,
    RevisionForm,
    SOPCreateForm,
    SOPFilterForm,
    VersionForm,
)
from sops.models import SOP, Attachment, SOPVersion
from sops.permissions import can_edit_sop, can_publish_sop, can_view_sop, can_view_version
from sops.rendering import render_markdown

PAGE_SIZE = 20
Status = SOPVersion.Status


def _sop_or_404(request, pk: int) -> SOP:
    sop = selectors.sop_for_viewer(user=request.user, pk=pk)
    if sop is None:
        raise Http404(_("No such procedure."))
    return sop


def _version_or_404(request, sop_id: int, pk: int) -> SOPVersion:
    version = get_object_or_404(
        SOPVersion.objects.select_related(
            "sop", "sop__agency", "sop__language", "sop__current_version", "author", "approver"
        ),
        pk=pk,
        sop_id=sop_id,
    )
    if not can_view_version(request.user, version):
        raise Http404(_("No such version."))
    return version


def _act(request, action, success: str, back: str, then=None):
    """Run a service call. Refused: show why and go ``back``; done: say so and go to
    ``then(result)`` (or ``back``)."""
    try:
        result = action()
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, success)
    return redirect(then(result) if then else back)


def sop_list(request):
    form = SOPFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sops = selectors.sop_list(user=request.user, filters=filters)
    page = Paginator(sops, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "sops/_sop_results.html" if request.htmx else "sops/sop_list.html"
    return render(request, template, context)


def sop_detail(request, pk: int):
    sop = _sop_or_404(request, pk)
    user = request.user
    versions = selectors.sop_versions(user=user, sop=sop)
    # The listed instances carry their approver and author: reuse them for the header.
    current = next((v for v in versions if v.pk == sop.current_version_id), None)
    shown = current or next((v for v in versions if v.status == Status.WITHDRAWN), None)
    source = sop.adapted_from
    source_visible = source is not None and can_view_sop(user, source.sop)
    source_current = source.sop.current_version if source_visible else None
    can_edit = can_edit_sop(user, sop)
    editing = selectors.agencies_where(user, Membership.Role.EDITOR)
    context = {
        "sop": sop,
        "current": current,
        "shown": shown,
        "rendered": render_markdown(shown.body) if shown else None,
        "attachments": shown.attachments.all() if shown else [],
        "versions": versions,
        "readable_versions": [v for v in versions if v.major is not None],
        "open_draft": next((v for v in versions if v.status in selectors.WORKING_STATUSES), None),
        "adaptations": selectors.sop_adaptations(user=user, sop=sop),
        "source": source if source_visible else None,
        "source_newer": source_current
        if source_current and source_current.pk != source.pk
        else None,
        "asks_acknowledgement": current is not None
        and current.change_kind == SOPVersion.ChangeKind.MAJOR,
        "acknowledgement": selectors.acknowledgement_of(user=user, version=current),
        "can_edit": can_edit,
        "can_publish": can_publish_sop(user, sop),
        "can_adapt": current is not None
        and (editing is None or any(a != sop.agency_id for a in editing)),
        "revision_form": RevisionForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "sops/sop_detail.html", context)


def version_detail(request, sop_id: int, pk: int):
    version = _version_or_404(request, sop_id, pk)
    sop = version.sop
    return render(
        request,
        "sops/version_detail.html",
        {
            "sop": sop,
            "version": version,
            "rendered": render_markdown(version.body),
            "attachments": version.attachments.all(),
            "can_edit": version.is_editable and can_edit_sop(request.user, sop),
            "can_publish": version.status in selectors.WORKING_STATUSES
            and can_publish_sop(request.user, sop),
            "publish_form": PublishForm(initial={"change_summary": version.change_summary}),
            "reason_form": ReasonForm(),
        },
    )


@login_required
def sop_create(request):
    form = SOPCreateForm(request.POST or None, user=request.user)
    if not form.fields["agency"].queryset.exists():
        raise PermissionDenied(_("Only editors and publishers of an agency write procedures."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = services.sop_create(by=request.user, **data)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Draft created. Write it, then submit it for review."))
            return redirect("sops:edit", draft.sop_id, draft.pk)
    return render(
        request, "sops/sop_create.html", {"form": form}, status=400 if form.errors else 200
    )


def _editor_context(version: SOPVersion, form, attachment_form=None, **extra) -> dict:
    return {
        "sop": version.sop,
        "version": version,
        "form": form,
        "attachment_form": attachment_form or AttachmentForm(),
        "attachments": version.attachments.all(),
        **extra,
    }


@login_required
def version_edit(request, sop_id: int, pk: int):
    """The draft editor. The hidden edit count makes a stale save a conflict, not a loss."""
    version = _version_or_404(request, sop_id, pk)
    if request.method != "POST":
        if not version.is_editable:
            messages.error(
                request,
                _("This version is %(status)s and can no longer be changed: start a revision.")
                % {"status": version.get_status_display().lower()},
            )
            return redirect(version.get_absolute_url())
        form = VersionForm(instance=version)
        return render(request, "sops/version_edit.html", _editor_context(version, form))
    form = VersionForm(request.POST, instance=SOPVersion.objects.get(pk=version.pk))
    status, extra = 400, {}
    if form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "edit_count"}
        try:
            services.version_update(
                version=version,
                by=request.user,
                expected_edit_count=form.cleaned_data["edit_count"],
                **fields,
            )
        except Conflict as exc:
            saved = SOPVersion.objects.get(pk=version.pk)
            form.add_error(None, exc.message)
            form.take_current_edit_count(saved)
            status = 409
            extra = {"saved": saved, "conflict_diff": word_diff(saved.body, fields["body"])}
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            if "submit" in request.POST:
                return _act(
                    request,
                    lambda: services.version_submit(version=version, by=request.user),
                    _("Saved and submitted for review: the agency's publishers will see it."),
                    version.get_absolute_url(),
                )
            messages.success(request, _("Draft saved."))
            return redirect("sops:edit", sop_id, pk)
    version.refresh_from_db()
    return render(
        request, "sops/version_edit.html", _editor_context(version, form, **extra), status=status
    )


@login_required
@require_POST
def preview(request):
    """Render Markdown exactly as the published page will (same sanitiser), for the editor."""
    if selectors.agencies_where(request.user, Membership.Role.EDITOR) == []:
        raise PermissionDenied
    rendered = render_markdown(request.POST.get("body", ""))
    return render(request, "sops/_preview.html", {"rendered": rendered})


@login_required
@require_POST
def version_submit(request, sop_id: int, pk: int):
    version = _version_or_404(request, sop_id, pk)
    return _act(
        request,
        lambda: services.version_submit(version=version, by=request.user),
        _("Submitted for review: the agency's publishers will see it."),
        version.get_absolute_url(),
    )


@login_required
@require_POST
def version_publish(request, sop_id: int, pk: int):
    version = _version_or_404(request, sop_id, pk)
    form = PublishForm(request.POST)
    # Blank keeps the summary the editors wrote on the draft.
    summary = (form.cleaned_data["change_summary"] if form.is_valid() else "") or None
    return _act(
        request,
        lambda: services.version_publish(version=version, by=request.user, change_summary=summary),
        _("Published."),
        version.get_absolute_url(),
    )


@login_required
@require_POST
def version_return(request, sop_id: int, pk: int):
    version = _version_or_404(request, sop_id, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        lambda: services.version_return(version=version, by=request.user, reason=reason),
        _("Returned to the editors with your reason."),
        version.get_absolute_url(),
    )


@login_required
@require_POST
def version_withdraw(request, sop_id: int, pk: int):
    version = _version_or_404(request, sop_id, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        lambda: services.version_withdraw(version=version, by=request.user, reason=reason),
        _("The procedure is withdrawn."),
        version.sop.get_absolute_url(),
    )


@login_required
@require_POST
def version_acknowledge(request, sop_id: int, pk: int):
    version = _version_or_404(request, sop_id, pk)
    return _act(
        request,
        lambda: services.version_acknowledge(version=version, by=request.user),
        _("Thank you: your acknowledgement is recorded."),
        version.sop.get_absolute_url(),
    )


@login_required
@require_POST
def sop_revise(request, pk: int):
    sop = _sop_or_404(request, pk)
    form = RevisionForm(request.POST)
    kind = form.cleaned_data["change_kind"] if form.is_valid() else ""
    return _act(
        request,
        lambda: services.version_start_revision(sop=sop, by=request.user, change_kind=kind),
        _("A new draft is open, starting from the published text."),
        sop.get_absolute_url(),
        then=lambda draft: reverse("sops:edit", args=[sop.pk, draft.pk]),
    )


@login_required
def sop_adapt(request, pk: int):
    """Start one's own agency's procedure from a published version of another agency's."""
    sop = _sop_or_404(request, pk)
    version_id = request.POST.get("version") or request.GET.get("version")
    source = sop.current_version
    if version_id:
        source = _version_or_404(request, sop.pk, int(version_id) if version_id.isdigit() else 0)
    if source is None:
        raise Http404(_("Nothing published to adapt."))
    form = AdaptForm(request.POST or None, user=request.user, source_agency_id=sop.agency_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = services.sop_adapt(
                source=source,
                agency=data["agency"],
                reference=data["reference"],
                title=data["title"] or None,
                by=request.user,
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your adaptation is a draft: localise it, then submit it."))
            return redirect("sops:edit", draft.sop_id, draft.pk)
    return render(
        request,
        "sops/sop_adapt.html",
        {"sop": sop, "source": source, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def attachment_add(request, sop_id: int, pk: int):
    version = _version_or_404(request, sop_id, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                version=version, by=request.user, uploaded=form.cleaned_data["file"]
            )
        except ActionRefused as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("File attached."))
            return redirect("sops:edit", sop_id, pk)
    context = _editor_context(version, VersionForm(instance=version), attachment_form=form)
    return render(request, "sops/version_edit.html", context, status=400)


@login_required
@require_POST
def attachment_remove(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("version__sop"), pk=pk)
    version = attachment.version
    if not can_view_version(request.user, version):
        raise Http404
    return _act(
        request,
        lambda: services.attachment_remove(attachment=attachment, by=request.user),
        _("File removed."),
        reverse("sops:edit", args=[version.sop_id, version.pk]),
    )


def attachment_download(request, pk: int):
    """Serve a file only to those who may see its version; 404 for everyone else."""
    attachment = get_object_or_404(Attachment.objects.select_related("version__sop__agency"), pk=pk)
    if not can_view_version(request.user, attachment.version):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


def _pick(request, sop: SOP, name: str) -> SOPVersion | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    return _version_or_404(request, sop.pk, int(raw) if raw.isdigit() else 0)


def compare(request, pk: int):
    """Word diff of two versions of one SOP, inline or side by side, with the summaries between."""
    sop = _sop_or_404(request, pk)
    versions = selectors.sop_versions(user=request.user, sop=sop)
    a, b = _pick(request, sop, "a"), _pick(request, sop, "b")
    if a is None or b is None:
        if len(versions) < 2:
            messages.info(request, _("This procedure has only one version so far."))
            return redirect(sop.get_absolute_url())
        b, a = versions[0], versions[1]
    if selectors.version_order(a) > selectors.version_order(b):
        a, b = b, a
    view = "side" if request.GET.get("view") == "side" else "inline"
    return render(
        request,
        "sops/compare.html",
        {
            "sop": sop,
            "a": a,
            "b": b,
            "diff": word_diff(a.body, b.body),
            "between": selectors.versions_between(versions, a, b),
            "versions": versions,
            "view": view,
        },
    )


@login_required
def review_queue(request):
    if selectors.agencies_where(request.user, Membership.Role.PUBLISHER) == []:
        raise PermissionDenied(_("The review queue is for publishers."))
    return render(
        request,
        "sops/review_queue.html",
        {
            "versions": selectors.review_queue(user=request.user),
            "reason_form": ReasonForm(),
        },
    )


@login_required
def agency_dashboard(request, code: str):
    """Per SOP of an agency: the version in force and who acknowledged it. For its publishers."""
    agency = get_object_or_404(Agency.objects.select_related("country"), code=code)
    if not has_role(request.user, agency, Membership.Role.PUBLISHER):
        raise PermissionDenied(_("The dashboard is for the agency's publishers and admins."))
    rows, members = selectors.agency_dashboard(agency=agency)
    return render(
        request, "sops/agency_dashboard.html", {"agency": agency, "rows": rows, "members": members}
    )
