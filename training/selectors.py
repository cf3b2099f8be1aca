"""Reads of trainings and exercises. Visibility comes from ``training.permissions`` only."""

from __future__ import annotations

import calendar
import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from network.models import Expert
from network.permissions import approved_roles
from sops.permissions import can_edit_sop
from training.cascade import cascade_table, cascade_tree, flatten  # noqa: F401 (read here)
from training.models import (
    Activity,
    AfterActionReport,
    CorrectiveAction,
    Registration,
    StaleTraining,
    TrainerQualification,
)
from training.permissions import (
    can_view_activity,
    can_view_report,
    nominating_agencies,
    organiser_agencies,
    visible_activities_q,
    visible_reports_q,
)


def activities_visible(user) -> QuerySet[Activity]:
    return Activity.objects.filter(visible_activities_q(user))


def activities_list(*, user, filters: dict | None = None) -> QuerySet[Activity]:
    """The list page and the API: visible activities, filtered, with what rows show."""
    f = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
    qs = activities_visible(user).select_related("organiser", "organiser__country")
    if "kind" in f:
        qs = qs.filter(kind=f["kind"])
    if "scope" in f:
        qs = qs.filter(scope=f["scope"])
    if "status" in f:
        qs = qs.filter(status=f["status"])
    if "agency" in f:
        qs = qs.filter(Q(organiser=f["agency"]) | Q(participating_agencies=f["agency"]))
    if "country" in f:
        qs = qs.filter(Q(countries=f["country"]) | Q(organiser__country=f["country"]))
    if "topic" in f:
        qs = qs.filter(topics=f["topic"])
    if "after" in f:
        qs = qs.filter(ends__gte=f["after"])
    if "before" in f:
        qs = qs.filter(starts__lte=f["before"])
    if "q" in f:
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(place__icontains=f["q"]))
    if {"agency", "country", "topic"} & set(f):
        qs = qs.distinct()
    return qs.order_by("starts", "id")


def activity_for(*, user, pk: int) -> Activity:
    """The activity if the user may see it, else 404 (a draft's existence is not told)."""
    activity = (
        Activity.objects.select_related("organiser", "language", "trainer_qualification__expert")
        .prefetch_related("participating_agencies", "countries", "topics", "sop_versions__sop")
        .filter(pk=pk)
        .first()
    )
    if activity is None or not can_view_activity(user, activity):
        raise Http404
    return activity


def seats_taken(activity: Activity) -> int:
    return activity.registrations.filter(status__in=Registration.ACTIVE).count()


def registration_of(*, user, activity: Activity) -> Registration | None:
    if not user.is_authenticated:
        return None
    return activity.registrations.filter(expert__user=user).first()


def registrations_for_organiser(activity: Activity) -> QuerySet[Registration]:
    return (
        activity.registrations.select_related("expert", "expert__country", "agency", "certificate")
        .exclude(status=Registration.Status.CANCELLED)
        .order_by("status", "expert__full_name")
    )


def nominable_experts(*, user, activity: Activity) -> dict:
    """Agency id -> approved members the user (an agency admin) may nominate."""
    from network.models import Membership

    agencies = nominating_agencies(user)
    rows = Membership.objects.filter(status=Membership.Status.APPROVED).select_related(
        "expert", "agency"
    )
    if agencies is not None:
        rows = rows.filter(agency__in=agencies)
    else:
        rows = rows.filter(agency__in=activity.participating_agencies.all())
    return rows.order_by("agency__name", "expert__full_name")[:500]


def month_grid(*, user, year: int, month: int) -> list[list[dict]]:
    """Weeks (Monday first) of days, each with the visible activities running that day."""
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    acts = list(
        activities_visible(user)
        .filter(starts__lte=last, ends__gte=first)
        .exclude(status=Activity.Status.CANCELLED)
        .select_related("organiser")
        .order_by("starts", "id")
    )
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                {
                    "date": day,
                    "in_month": day.month == month,
                    "activities": [a for a in acts if a.starts <= day <= a.ends],
                }
                for day in week
            ]
        )
    return weeks


def report_for(*, user, activity: Activity) -> AfterActionReport:
    report = (
        AfterActionReport.objects.select_related("activity")
        .filter(activity=activity)
        .prefetch_related(
            Prefetch(
                "observations__actions",
                queryset=CorrectiveAction.objects.select_related(
                    "owner", "assignee", "sop", "addressed_by"
                ),
            )
        )
        .first()
    )
    if report is None or not can_view_report(user, report):
        raise Http404
    return report


def assignable_experts(owner_id: int) -> QuerySet[Expert]:
    """Who may be assigned a corrective action: the owning agency's approved members."""
    from network.models import Membership

    return Expert.objects.filter(
        memberships__agency_id=owner_id, memberships__status=Membership.Status.APPROVED
    ).order_by("full_name", "pk")


def assignable_by_owner(owner_ids) -> dict[int, list]:
    """Owning agency id -> (expert id, name) of its approved members, for every action on a
    page in one query."""
    from network.models import Membership

    rows = (
        Membership.objects.filter(agency_id__in=set(owner_ids), status=Membership.Status.APPROVED)
        .order_by("expert__full_name", "expert_id")
        .values_list("agency_id", "expert_id", "expert__full_name")
    )
    out: dict[int, list] = {}
    for agency_id, expert_id, name in rows:
        out.setdefault(agency_id, []).append((expert_id, name))
    return out


def report_exists_for(*, user, activity: Activity) -> bool:
    """Tells of a report only to those who may read it (not even that one exists)."""
    report = AfterActionReport.objects.filter(activity=activity).select_related("activity").first()
    return report is not None and can_view_report(user, report)


def change_requests_for(*, user, sop) -> QuerySet[CorrectiveAction]:
    """Corrective actions on this SOP the user may see: its editors see all (they must act on
    them); others those of reports they may read."""
    qs = CorrectiveAction.objects.filter(sop=sop).select_related(
        "owner", "addressed_by", "observation__report__activity"
    )
    if can_edit_sop(user, sop):
        return qs
    return qs.filter(visible_reports_q(user, prefix="observation__report__")).distinct()


def certificate_for(*, code: str):
    from training.models import Certificate

    cert = (
        Certificate.objects.select_related(
            "registration__expert", "registration__activity__organiser"
        )
        .filter(code=code, registration__status=Registration.Status.COMPLETED)
        .first()
    )
    if cert is None:
        raise Http404
    return cert


def stale_for(*, user) -> QuerySet[StaleTraining]:
    """Stale flags on activities the user sees."""
    return (
        StaleTraining.objects.filter(visible_activities_q(user, prefix="activity__"))
        .select_related("activity", "trained__sop", "current")
        .order_by("-id")
    )


def stale_by_activity(activity: Activity) -> list[StaleTraining]:
    return list(activity.stale_flags.select_related("trained__sop", "current"))


# Calendar feeds --------------------------------------------------------------------


def feed_activities_for_user(user) -> QuerySet[Activity]:
    """What a person's calendar holds: what they registered for, and their agencies' own."""
    mine = list(approved_roles(user))
    regs = Registration.objects.filter(expert__user=user).exclude(
        status=Registration.Status.CANCELLED
    )
    return (
        activities_visible(user)
        .filter(Q(pk__in=regs.values("activity_id")) | Q(organiser__in=mine))
        .select_related("organiser")
        .distinct()
    )


def feed_activities_for_agency(agency) -> QuerySet[Activity]:
    """The agency's public-to-the-network calendar: published or cancelled activities only."""
    return (
        Activity.objects.filter(
            Q(organiser=agency) | Q(participating_agencies=agency),
            status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED],
        )
        .select_related("organiser")
        .distinct()
    )


# Dashboard -------------------------------------------------------------------------


# A stale flag as the dashboard shows it (not the versions' bodies).
STALE_SHOWN = (
    "activity__title",
    *(f"{v}__{f}" for v in ("trained", "current") for f in ("major", "minor")),
)


def dashboard_for(*, user) -> dict:
    """The agency dashboard: the user's agencies' upcoming activities, registrations to
    confirm, open and overdue corrective actions, stale training. Bounded queries."""
    today = timezone.localdate()
    mine = list(approved_roles(user))
    managed = organiser_agencies(user)
    visible = activities_visible(user)
    if not user.is_staff:
        scope = Q(organiser__in=mine) | Q(participating_agencies__in=mine)
        upcoming_qs = visible.filter(scope).distinct()
    else:
        upcoming_qs = visible
    upcoming = list(
        upcoming_qs.filter(ends__gte=today)
        .exclude(status=Activity.Status.CANCELLED)
        .select_related("organiser")
        .only("title", "starts", "organiser__acronym")  # what the page shows: a narrow DISTINCT
        .order_by("starts", "id")[:20]
    )
    to_confirm_qs = Registration.objects.filter(
        status__in=[Registration.Status.REGISTERED, Registration.Status.NOMINATED]
    )
    if managed is not None:
        to_confirm_qs = to_confirm_qs.filter(activity__organiser__in=managed)
    to_confirm = list(
        to_confirm_qs.values("activity_id", "activity__title")
        .annotate(n=Count("id"))
        .order_by("-n", "activity_id")[:20]
    )
    actions_qs = CorrectiveAction.objects.filter(status__in=CorrectiveAction.OPEN_STATUSES)
    if not user.is_staff:
        actions_qs = actions_qs.filter(owner__in=mine)
    actions = list(
        actions_qs.select_related("owner", "observation__report")
        .only("title", "due", "owner__acronym", "observation__report__activity_id")
        .order_by("due", "id")[:20]
    )
    counts = actions_qs.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due__lt=today)))
    stale = (
        list(
            stale_for(user=user)
            .filter(activity__organiser__in=mine)
            .select_related(None)
            .select_related("activity", "trained", "current")
            .only(*STALE_SHOWN)[:20]
        )
        if mine
        else []
    )
    return {
        "upcoming": upcoming,
        "to_confirm": to_confirm,
        "actions": actions,
        "open_actions": counts["open"],
        "overdue_actions": counts["overdue"],
        "stale": stale,
        "today": today,
    }


def trainer_record(expert: Expert) -> list[TrainerQualification]:
    return list(expert.qualifications.select_related("topic", "course"))
