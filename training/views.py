"""Pages of trainings and exercises. Each write calls one service and shows its refusal."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.errors import ActionRefused
from frontline.text import lookup_param
from network.models import Agency, Country, Topic
from network.permissions import is_vetted
from sops.models import SOP, SOPVersion
from sops.permissions import can_edit_sop, can_view_sop, visible_sops
from training import ical, selectors, services
from training.forms import (
    ActionForm,
    ActionStatusForm,
    ActivityFilterForm,
    ActivityForm,
    AddressForm,
    AssignForm,
    CancelForm,
    NominateForm,
    ObservationForm,
    ReportForm,
)
from training.models import CorrectiveAction, Observation, Registration
from training.permissions import (
    can_assign_action,
    can_manage_activity,
    can_nominate,
    can_update_action,
    organiser_agencies,
)


def _act(request, action, success: str, back: str):
    try:
        action()
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(back)


def _vetted(request) -> None:
    if not is_vetted(request.user):
        raise PermissionDenied(_("Trainings and exercises are for vetted members of the network."))


def _organiser_choices(user):
    ids = organiser_agencies(user)
    qs = Agency.objects.order_by("name")
    return qs if ids is None else qs.filter(pk__in=ids)


@login_required
def activity_list(request):
    _vetted(request)
    form = ActivityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.activities_list(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "can_create": _organiser_choices(request.user).exists(),
    }
    template = "training/_results.html" if request.htmx else "training/activity_list.html"
    return render(request, template, context)


@login_required
def month(request):
    _vetted(request)
    today = timezone.localdate()
    try:
        year, mon = (int(x) for x in request.GET.get("month", f"{today:%Y-%m}").split("-"))
        first = datetime.date(year, mon, 1)
    except ValueError:
        messages.error(request, _("Give the month as YYYY-MM."))
        first = today.replace(day=1)
    prev = (first - datetime.timedelta(days=1)).replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    weeks = selectors.month_grid(user=request.user, year=first.year, month=first.month)
    return render(
        request,
        "training/month.html",
        {"weeks": weeks, "first": first, "prev": f"{prev:%Y-%m}", "next": f"{nxt:%Y-%m}"},
    )


def _activity_form(request, activity=None):
    versions = (
        SOPVersion.objects.filter(
            sop__in=visible_sops(request.user),
            status__in=[SOPVersion.Status.PUBLISHED, SOPVersion.Status.SUPERSEDED],
        )
        .select_related("sop")
        .order_by("sop__reference", "-major", "-minor")
    )
    initial = None
    if activity is not None:
        initial = {
            **{
                f: getattr(activity, f)
                for f in (
                    "title",
                    "kind",
                    "scope",
                    "description",
                    "starts",
                    "ends",
                    "place",
                    "online",
                    "language",
                    "capacity",
                    "registration_opens",
                    "registration_closes",
                )
            },
            "organiser": activity.organiser,
            "participating_agencies": list(activity.participating_agencies.all()),
            "countries": list(activity.countries.all()),
            "topics": list(activity.topics.all()),
            "sop_versions": list(activity.sop_versions.all()),
        }
    return ActivityForm(
        request.POST or None,
        initial=initial,
        agencies=_organiser_choices(request.user),
        versions=versions,
    )


def _split(data: dict) -> tuple[dict, dict]:
    relations = {
        "agencies": data.pop("participating_agencies"),
        "countries": data.pop("countries"),
        "topics": data.pop("topics"),
        "sop_versions": data.pop("sop_versions"),
    }
    return data, relations


@login_required
def activity_create(request):
    form = _activity_form(request)
    if not form.fields["organiser"].queryset.exists():
        raise PermissionDenied(
            _("Only the publishers and admins of an agency organise activities.")
        )
    if request.method == "POST" and form.is_valid():
        data, relations = _split(dict(form.cleaned_data))
        organiser = data.pop("organiser")
        try:
            activity = services.activity_create(
                by=request.user, organiser=organiser, **relations, **data
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect(activity)
    return render(request, "training/activity_form.html", {"form": form, "activity": None})


@login_required
def activity_edit(request, pk: int):
    activity = selectors.activity_for(user=request.user, pk=pk)
    if not can_manage_activity(request.user, activity):
        raise PermissionDenied(_("Only the organisers can change this activity."))
    form = _activity_form(request, activity)
    form.fields["organiser"].disabled = True
    if request.method == "POST" and form.is_valid():
        data, relations = _split(dict(form.cleaned_data))
        data.pop("organiser")
        try:
            services.activity_update(by=request.user, activity=activity, **relations, **data)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(activity)
    return render(request, "training/activity_form.html", {"form": form, "activity": activity})


def activity_detail(request, pk: int):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    activity = selectors.activity_for(user=request.user, pk=pk)
    manage = can_manage_activity(request.user, activity)
    context = {
        "activity": activity,
        "manage": manage,
        "taken": selectors.seats_taken(activity),
        "mine": selectors.registration_of(user=request.user, activity=activity),
        "stale": selectors.stale_by_activity(activity),
        "has_report": selectors.report_exists_for(user=request.user, activity=activity),
        "can_nominate": can_nominate(request.user),
        "cancel_form": CancelForm() if manage else None,
    }
    return render(request, "training/activity_detail.html", context)


@login_required
@require_POST
def activity_publish(request, pk: int):
    activity = selectors.activity_for(user=request.user, pk=pk)
    return _act(
        request,
        lambda: services.activity_publish(by=request.user, activity=activity),
        _("Published: followers of the agency, its topics and countries are told."),
        activity.get_absolute_url(),
    )


@login_required
@require_POST
def activity_cancel(request, pk: int):
    activity = selectors.activity_for(user=request.user, pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the activity is cancelled."))
        return redirect(activity)
    return _act(
        request,
        lambda: services.activity_cancel(
            by=request.user, activity=activity, reason=form.cleaned_data["reason"]
        ),
        _("Cancelled: those registered are told."),
        activity.get_absolute_url(),
    )


@login_required
@require_POST
def register(request, pk: int):
    activity = selectors.activity_for(user=request.user, pk=pk)
    return _act(
        request,
        lambda: services.registration_register(by=request.user, activity=activity),
        _("Registered. The organisers will confirm your place."),
        activity.get_absolute_url(),
    )


@login_required
def nominate(request, pk: int):
    activity = selectors.activity_for(user=request.user, pk=pk)
    memberships = selectors.nominable_experts(user=request.user, activity=activity)
    if not can_nominate(request.user):
        raise PermissionDenied(_("Only agency admins nominate members."))
    form = NominateForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        m = form.cleaned_data["membership"]
        try:
            services.registration_nominate(
                by=request.user, activity=activity, expert=m.expert, agency=m.agency
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Nominated %(name)s.") % {"name": m.expert.full_name})
            return redirect(activity)
    return render(request, "training/nominate.html", {"activity": activity, "form": form})


@login_required
def participants(request, pk: int):
    activity = selectors.activity_for(user=request.user, pk=pk)
    if not can_manage_activity(request.user, activity):
        raise PermissionDenied(_("Only the organisers see the list of participants."))
    return render(
        request,
        "training/participants.html",
        {"activity": activity, "registrations": selectors.registrations_for_organiser(activity)},
    )


@login_required
@require_POST
def registration_mark(request, pk: int):
    registration = get_object_or_404(Registration.objects.select_related("activity"), pk=pk)
    if not can_manage_activity(request.user, registration.activity):
        raise Http404
    status = request.POST.get("status", "")
    back = reverse("training:participants", args=[registration.activity_id])
    try:
        services.registration_mark(by=request.user, registration=registration, status=status)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        if not request.htmx:
            messages.success(request, _("Saved."))
    if request.htmx:
        registration.refresh_from_db()
        return render(
            request,
            "training/_registration_row.html",
            {"r": registration, "activity": registration.activity},
        )
    return redirect(back)


@login_required
@require_POST
def registration_cancel(request, pk: int):
    registration = get_object_or_404(
        Registration.objects.select_related("activity", "expert"), pk=pk
    )
    if registration.expert.user_id != request.user.pk and not can_manage_activity(
        request.user, registration.activity
    ):
        raise Http404
    return _act(
        request,
        lambda: services.registration_cancel(by=request.user, registration=registration),
        _("Registration cancelled."),
        registration.activity.get_absolute_url(),
    )


@login_required
def report(request, pk: int):
    activity = selectors.activity_for(user=request.user, pk=pk)
    manage = can_manage_activity(request.user, activity)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("Only the organisers write the after-action report."))
        return _report_post(request, activity)
    try:
        aar = selectors.report_for(user=request.user, activity=activity)
    except Http404:
        if not manage:
            raise
        aar = None
    observations = list(aar.observations.all()) if aar else []
    context = {
        "activity": activity,
        "report": aar,
        "observations": observations,
        "manage": manage,
        "today": timezone.localdate(),
    }
    if manage:
        context["report_form"] = ReportForm(
            initial={
                "summary": aar.summary,
                "final": aar.status == "final",
                "shared_with_network": aar.shared_with_network,
            }
            if aar
            else None
        )
        if aar:
            actions = [a for o in observations for a in o.actions.all()]
            members = selectors.assignable_by_owner(a.owner_id for a in actions)
            for action in actions:
                action.assignable = members.get(action.owner_id, [])
            context["observation_form"] = ObservationForm()
            context["action_form"] = _action_form(request, aar, None)
    return render(request, "training/report.html", context)


def _action_form(request, aar, data):
    return ActionForm(
        data,
        observations=Observation.objects.filter(report=aar, kind=Observation.Kind.IMPROVEMENT),
        sops=visible_sops(request.user).order_by("reference"),
    )


def _report_post(request, activity):
    back = reverse("training:report", args=[activity.pk])
    what = request.POST.get("form")
    try:
        if what == "report":
            form = ReportForm(request.POST)
            if form.is_valid():
                services.report_save(by=request.user, activity=activity, **form.cleaned_data)
                messages.success(request, _("Report saved."))
            else:
                messages.error(request, _("Check the report's fields."))
        else:
            aar = selectors.report_for(user=request.user, activity=activity)
            if what == "observation":
                form = ObservationForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Give the capability, the kind and the observation."))
                    return redirect(back)
                services.observation_add(by=request.user, report=aar, **form.cleaned_data)
                messages.success(request, _("Observation added."))
            elif what == "action":
                form = _action_form(request, aar, request.POST)
                if not form.is_valid():
                    messages.error(
                        request,
                        _("Give the area for improvement, the action, the owner and a due date."),
                    )
                    return redirect(back)
                services.action_add(by=request.user, **form.cleaned_data)
                messages.success(request, _("Corrective action added."))
            else:
                messages.error(request, _("Unknown form."))
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect(back)


def _action_or_404(request, pk: int) -> CorrectiveAction:
    action = get_object_or_404(
        CorrectiveAction.objects.select_related(
            "observation__report__activity", "assignee", "sop", "owner"
        ),
        pk=pk,
    )
    report = action.observation.report
    from training.permissions import can_view_report

    if not (
        can_view_report(request.user, report)
        or (action.sop and can_edit_sop(request.user, action.sop))
    ):
        raise Http404
    return action


@login_required
@require_POST
def action_update(request, pk: int):
    action = _action_or_404(request, pk)
    form = ActionStatusForm(request.POST)
    back = request.POST.get("back") or reverse(
        "training:report", args=[action.observation.report.activity_id]
    )
    if not back.startswith("/"):
        back = "/"
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(back)
    if not can_update_action(request.user, action):
        raise PermissionDenied(
            _("Only the organisers, the owning agency or the assignee update this.")
        )
    return _act(
        request,
        lambda: services.action_update(by=request.user, action=action, **form.cleaned_data),
        _("Corrective action updated."),
        back,
    )


@login_required
@require_POST
def action_assign(request, pk: int):
    action = _action_or_404(request, pk)
    back = reverse("training:report", args=[action.observation.report.activity_id])
    if not can_assign_action(request.user, action):
        raise PermissionDenied(_("Only the organisers or the owning agency assign this."))
    form = AssignForm(request.POST, members=selectors.assignable_experts(action.owner_id))
    if not form.is_valid():
        messages.error(request, _("Choose a member of the owning agency, or nobody."))
        return redirect(back)
    return _act(
        request,
        lambda: services.action_assign(
            by=request.user, action=action, assignee=form.cleaned_data["assignee"]
        ),
        _("Assignee saved."),
        back,
    )


@login_required
@require_POST
def action_address(request, pk: int):
    action = _action_or_404(request, pk)
    if action.sop is None or not can_edit_sop(request.user, action.sop):
        raise PermissionDenied(_("Only the procedure's editors say which revision addresses it."))
    form = AddressForm(request.POST, versions=_working_versions(action.sop))
    back = reverse("training:change_requests", args=[action.sop_id])
    if not form.is_valid():
        messages.error(request, _("Pick a revision being drafted or reviewed."))
        return redirect(back)
    return _act(
        request,
        lambda: services.action_address(
            by=request.user, action=action, version=form.cleaned_data["version"]
        ),
        _("Linked: publishing that revision closes the change request."),
        back,
    )


def _working_versions(sop):
    return SOPVersion.objects.filter(
        sop=sop, status__in=[SOPVersion.Status.DRAFT, SOPVersion.Status.IN_REVIEW]
    ).select_related("sop")


@login_required
def change_requests(request, sop_id: int):
    """An SOP's change requests from after-action reports; its editors link a revision."""
    sop = get_object_or_404(SOP, pk=sop_id)
    if not can_view_sop(request.user, sop):
        raise Http404
    actions = selectors.change_requests_for(user=request.user, sop=sop)
    editor = can_edit_sop(request.user, sop)
    return render(
        request,
        "training/change_requests.html",
        {
            "sop": sop,
            "actions": actions,
            "editor": editor,
            "address_form": AddressForm(versions=_working_versions(sop)) if editor else None,
        },
    )


def certificate(request, code: str):
    """Anyone with the link can check a certificate; the code is the proof."""
    cert = selectors.certificate_for(code=code)
    return render(request, "training/certificate.html", {"cert": cert, "r": cert.registration})


@login_required
def cascade(request):
    """The table and the first part of the tree; with ``start`` (htmx's "Show more", or the
    same link without script) the tree's part from that course on."""
    _vetted(request)
    code, slug = lookup_param(request, "country"), lookup_param(request, "topic")
    country = Country.objects.filter(code=code).first() if code else None
    topic = Topic.objects.filter(slug=slug).first() if slug else None
    try:
        start = max(int(request.GET.get("start", 0)), 0)
    except ValueError:
        start = 0
    tree = selectors.cascade_tree(country=country, topic=topic, start=start)
    query = {
        k: v
        for k, v in (("country", country and country.code), ("topic", topic and topic.slug))
        if v
    }
    context = {
        "tree": tree,
        "nodes": selectors.flatten(tree.roots),
        "more_query": urlencode({**query, "start": tree.next_start}),
        "first_query": urlencode(query),
    }
    if request.htmx and "start" in request.GET:
        response = render(request, "training/_cascade_part.html", context)
    else:
        context.update(
            rows=selectors.cascade_table(country=country, topic=topic),
            countries=Country.objects.all(),
            topics=Topic.objects.all(),
            country=country,
            topic=topic,
        )
        response = render(request, "training/cascade.html", context)
    patch_vary_headers(response, ("HX-Request",))  # a part or the page: not one cache entry
    return response


@login_required
def dashboard(request):
    _vetted(request)
    return render(request, "training/dashboard.html", selectors.dashboard_for(user=request.user))


@login_required
def stale(request):
    _vetted(request)
    return render(
        request, "training/stale.html", {"flags": selectors.stale_for(user=request.user)[:200]}
    )


@login_required
def calendar_settings(request):
    _vetted(request)
    if request.method == "POST":
        services.calendar_feed_renew(user=request.user)
        messages.success(request, _("A new feed address was made; the old one no longer works."))
        return redirect("training:calendar")
    feed = services.calendar_feed_for(user=request.user)
    url = request.build_absolute_uri(reverse("training:feed_user", args=[feed.token]))
    return render(
        request, "training/calendar.html", {"url": url, "agencies": Agency.objects.order_by("name")}
    )


def feed_user(request, token: str):
    """A person's private feed: calendar programs cannot sign in, so the token is the key."""
    from training.models import CalendarFeed

    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    body = ical.calendar_bytes(
        selectors.feed_activities_for_user(feed.user), name=_("My trainings and exercises")
    )
    return _ics(body)


@login_required
def feed_agency(request, code: str):
    _vetted(request)
    agency = get_object_or_404(Agency, code=code)
    body = ical.calendar_bytes(selectors.feed_activities_for_agency(agency), name=agency.name)
    return _ics(body)


def _ics(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="frontline.ics"'
    return response
