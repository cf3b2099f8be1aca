"""Pages that change procedures: editor, workflow buttons, adapt, acknowledge, attachments.

Each calls one service and shows its refusal as it is; see sops.services for the rules.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.errors import ActionRefused, StaleEdit
from network.models import Agency, Membership
from network.permissions import agencies_with_role, has_role
from sops import services
from sops.diff import word_diff
from sops.forms import (
    AdaptForm,
    AgencyPolicyForm,
    AttachmentForm,
    PublishForm,
    ReasonForm,
    ReviewedForm,
    RevisionForm,
    SOPCreateForm,
    TranslationLinkForm,
    VersionForm,
)
from sops.limits import body_problem
from sops.models import AgencyPolicy, Attachment, SOPVersion
from sops.permissions import can_view_version
from sops.rendering import render_markdown
from sops.views import sop_or_404, version_or_404


def _act(request, action, success: str, back: str, then=None, success_for=None):
    """Run a service call. Refused: show why and go ``back``; done: say so (``success``,
    or ``success_for(result)`` when it has something more precise) and go to
    ``then(result)`` (or ``back``)."""
    try:
        result = action()
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, (success_for(result) if success_for else None) or success)
    return redirect(then(result) if then else back)


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
    version = version_or_404(request, sop_id, pk)
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
        submit = "submit" in request.POST
        save = services.version_save_and_submit if submit else services.version_update
        try:
            save(
                version=version,
                by=request.user,
                expected_edit_count=form.cleaned_data["edit_count"],
                **fields,
            )
        except StaleEdit as exc:
            saved = SOPVersion.objects.get(pk=version.pk)
            form.add_error(None, exc.message)
            form.take_current_edit_count(saved)
            status = 409
            extra = {"saved": saved, "conflict_diff": word_diff(saved.body, fields["body"])}
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            if submit:
                messages.success(
                    request,
                    _("Saved and submitted for review: the agency's publishers will see it."),
                )
                return redirect(version.get_absolute_url())
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
    if agencies_with_role(request.user, Membership.Role.EDITOR) == []:
        raise PermissionDenied
    body = request.POST.get("body", "")
    problem = body_problem(body)  # the caps bound what a preview costs, as they bound a save
    if problem:
        return render(request, "sops/_preview.html", {"problem": problem}, status=400)
    return render(request, "sops/_preview.html", {"rendered": render_markdown(body)})


@login_required
@require_POST
def version_submit(request, sop_id: int, pk: int):
    version = version_or_404(request, sop_id, pk)
    return _act(
        request,
        lambda: services.version_submit(version=version, by=request.user),
        _("Submitted for review: the agency's publishers will see it."),
        version.get_absolute_url(),
    )


@login_required
@require_POST
def version_publish(request, sop_id: int, pk: int):
    version = version_or_404(request, sop_id, pk)
    form = PublishForm(request.POST, sop=version.sop)
    # Blank keeps the summary the editors wrote on the draft.
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(version.get_absolute_url())
    summary = form.cleaned_data["change_summary"] or None
    days = form.cleaned_data["acknowledge_days"]
    translated_from = form.cleaned_data.get("translated_from")

    def publish():
        return services.version_publish(
            version=version,
            by=request.user,
            change_summary=summary,
            acknowledge_days=days,
            translated_from=translated_from,
        )

    return _act(
        request,
        publish,
        _("Published."),
        version.get_absolute_url(),
        then=lambda done: done.get_absolute_url(),
        success_for=lambda done: (
            _("Approved: in force from %(date)s. Until then version in force stays.")
            % {"date": date_format(done.effective_date)}
            if done.status == SOPVersion.Status.SCHEDULED
            else None
        ),
    )


@login_required
@require_POST
def version_reviewed(request, sop_id: int, pk: int):
    """ "Reviewed, no change": the version in force stays; its next review date moves."""
    version = version_or_404(request, sop_id, pk)
    form = ReviewedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the next review date."))
        return redirect(version.sop.get_absolute_url())
    return _act(
        request,
        lambda: services.version_mark_reviewed(
            version=version, by=request.user, next_review=form.cleaned_data["next_review"]
        ),
        _("Recorded as reviewed with no change; the next review date is set."),
        version.sop.get_absolute_url(),
    )


def _with_reason(request, sop_id: int, pk: int, action, success: str, back_to_sop: bool):
    """Return and withdraw: a reason from the form, handed to the service, which requires it."""
    version = version_or_404(request, sop_id, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    back = version.sop.get_absolute_url() if back_to_sop else version.get_absolute_url()
    return _act(
        request, lambda: action(version=version, by=request.user, reason=reason), success, back
    )


@login_required
@require_POST
def version_return(request, sop_id: int, pk: int):
    return _with_reason(
        request,
        sop_id,
        pk,
        services.version_return,
        _("Returned to the editors with your reason."),
        back_to_sop=False,
    )


@login_required
@require_POST
def version_withdraw(request, sop_id: int, pk: int):
    return _with_reason(
        request,
        sop_id,
        pk,
        services.version_withdraw,
        _("The procedure is withdrawn."),
        back_to_sop=True,
    )


@login_required
@require_POST
def version_acknowledge(request, sop_id: int, pk: int):
    version = version_or_404(request, sop_id, pk)
    return _act(
        request,
        lambda: services.version_acknowledge(version=version, by=request.user),
        _("Thank you: your acknowledgement is recorded."),
        version.sop.get_absolute_url(),
    )


@login_required
@require_POST
def sop_revise(request, pk: int):
    sop = sop_or_404(request, pk)
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
    sop = sop_or_404(request, pk)
    version_id = request.POST.get("version") or request.GET.get("version")
    source = sop.current_version
    if version_id:
        source = version_or_404(request, sop.pk, int(version_id) if version_id.isdigit() else 0)
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
    version = version_or_404(request, sop_id, pk)
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


@login_required
def agency_policy(request, code: str):
    """An agency's admins set four eyes and the default days to acknowledge."""
    agency = get_object_or_404(Agency, code=code)
    if not has_role(request.user, agency, Membership.Role.ADMIN):
        raise PermissionDenied(_("Only the agency's admins change its rules."))
    policy = AgencyPolicy.for_agency(agency.pk)
    form = AgencyPolicyForm(
        request.POST or None,
        initial={"four_eyes": policy.four_eyes, "acknowledge_days": policy.acknowledge_days},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_policy_set(agency=agency, by=request.user, **form.cleaned_data)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The agency's rules are saved."))
            return redirect("sops:agency_dashboard", agency.code)
    return render(
        request,
        "sops/agency_policy.html",
        {"agency": agency, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def sop_translation_link(request, pk: int):
    """Link this procedure as the translation of another of its agency's."""
    sop = sop_or_404(request, pk)
    form = TranslationLinkForm(request.POST, sop=sop)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(sop.get_absolute_url())
    source = form.cleaned_data["source"]
    return _act(
        request,
        lambda: services.sop_translation_link(translation=sop, source=source, by=request.user),
        _("Linked as a translation of %(reference)s.") % {"reference": source.reference},
        sop.get_absolute_url(),
    )


@login_required
@require_POST
def sop_translation_unlink(request, pk: int):
    sop = sop_or_404(request, pk)
    return _act(
        request,
        lambda: services.sop_translation_unlink(translation=sop, by=request.user),
        _("No longer linked as a translation."),
        sop.get_absolute_url(),
    )
