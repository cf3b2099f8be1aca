"""Every change to trainings and exercises: permission check, one transaction, audit, events.

Views, the API, the admin, the demo loader and the outbox handlers all come through here.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record
from events.services import event_emit
from frontline.errors import ActionRefused, Conflict, NotAllowed, required_text
from network.models import Agency, Expert, Membership, Topic
from network.permissions import can_vet, expert_of, is_vetted
from sops.models import SOP, SOPVersion
from sops.permissions import can_edit_sop, can_view_version
from training.models import (
    Activity,
    AfterActionReport,
    Certificate,
    CorrectiveAction,
    Observation,
    Registration,
    StaleTraining,
    TrainerQualification,
)
from training.permissions import can_manage_activity, can_organise, can_update_action

A = AuditEntry.Action
ACTIVITY_FIELDS = (
    "title",
    "kind",
    "description",
    "starts",
    "ends",
    "place",
    "online",
    "scope",
    "language",
    "capacity",
    "registration_opens",
    "registration_closes",
    "trainer_qualification",
)
# Changes participants must hear about once the activity is published.
NOTEWORTHY = {"starts", "ends", "place", "online", "sop_versions", "title"}


def _require_organiser(by, agency_id: int) -> None:
    if not can_organise(by, agency_id):
        raise NotAllowed(_("Only the organising agency's publishers and admins can do this."))


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _payload(activity: Activity) -> dict:
    return {
        "activity_id": activity.pk,
        "agency_id": activity.organiser_id,
        "title": activity.title,
        "starts": activity.starts.isoformat(),
    }


def _emit(kind: str, by, activity: Activity, payload: dict | None = None) -> None:
    event_emit(
        kind=kind, actor=by, target=f"activity:{activity.pk}", payload=payload or _payload(activity)
    )


def _check_dates(fields: dict) -> None:
    starts, ends = fields.get("starts"), fields.get("ends")
    if starts and ends and ends < starts:
        raise ActionRefused(_("An activity cannot end before it starts."))
    opens, closes = fields.get("registration_opens"), fields.get("registration_closes")
    if opens and closes and closes < opens:
        raise ActionRefused(_("Registration cannot close before it opens."))
    if closes and ends and closes > ends:
        raise ActionRefused(_("Registration must close by the last day of the activity."))
    if not (fields.get("place") or "").strip() and not fields.get("online"):
        raise ActionRefused(_("Give a place, or mark the activity as online."))


def _check_versions(by, versions) -> list[SOPVersion]:
    versions = list(versions or [])
    for version in versions:
        if version.status not in (SOPVersion.Status.PUBLISHED, SOPVersion.Status.SUPERSEDED):
            raise ActionRefused(_("Only published versions of a procedure can be trained."))
        if not can_view_version(by, version):
            raise NotAllowed(_("You cannot see that procedure."))
    return versions


def _set_relations(
    activity: Activity, *, agencies=None, countries=None, topics=None, versions=None
):
    if agencies is not None:
        activity.participating_agencies.set(agencies)
    if countries is not None:
        activity.countries.set(countries)
    if topics is not None:
        activity.topics.set(topics)
    if versions is not None:
        activity.sop_versions.set(versions)


@transaction.atomic
def activity_create(
    *,
    by,
    organiser: Agency,
    agencies=(),
    countries=(),
    topics=(),
    sop_versions=(),
    **fields,
) -> Activity:
    """A draft activity of ``organiser``; publish it to announce it."""
    _require_organiser(by, organiser.pk)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ActionRefused(f"unknown fields {sorted(unknown)}")
    fields["title"] = required_text(fields.get("title"), _("Give the activity a title."))
    _check_dates(fields)
    versions = _check_versions(by, sop_versions)
    activity = Activity.objects.create(organiser=organiser, created_by=by, **fields)
    _set_relations(
        activity, agencies=agencies, countries=countries, topics=topics, versions=versions
    )
    audit_record(
        actor=by,
        action=A.ACTIVITY_CHANGED,
        agency=organiser,
        target=f"activity:{activity.pk}",
        details={"created": activity.title},
    )
    return activity


@transaction.atomic
def activity_update(
    *,
    by,
    activity: Activity,
    agencies=None,
    countries=None,
    topics=None,
    sop_versions=None,
    **fields,
) -> Activity:
    """Change an activity; once published, participants hear of noteworthy changes."""
    activity = _locked(activity)
    _require_organiser(by, activity.organiser_id)
    if activity.status == Activity.Status.CANCELLED:
        raise Conflict(_("This activity was cancelled; it cannot be changed."))
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ActionRefused(f"unknown fields {sorted(unknown)}")
    if "title" in fields:
        fields["title"] = required_text(fields["title"], _("Give the activity a title."))
    merged = {f: getattr(activity, f) for f in ACTIVITY_FIELDS} | fields
    _check_dates(merged)
    changed = {f for f, v in fields.items() if getattr(activity, f) != v}
    for f in changed:
        setattr(activity, f, fields[f])
    versions = None
    if sop_versions is not None:
        versions = _check_versions(by, sop_versions)
        if {v.pk for v in versions} != set(activity.sop_versions.values_list("pk", flat=True)):
            changed.add("sop_versions")
    activity.save()
    _set_relations(
        activity, agencies=agencies, countries=countries, topics=topics, versions=versions
    )
    audit_record(
        actor=by,
        action=A.ACTIVITY_CHANGED,
        agency=activity.organiser_id,
        target=f"activity:{activity.pk}",
        details={"changed": sorted(changed)},
    )
    if activity.status == Activity.Status.PUBLISHED and changed & NOTEWORTHY:
        _emit("activity.changed", by, activity)
    return activity


@transaction.atomic
def activity_publish(*, by, activity: Activity) -> Activity:
    activity = _locked(activity)
    _require_organiser(by, activity.organiser_id)
    if activity.status != Activity.Status.DRAFT:
        raise Conflict(_("Only a draft can be published."))
    activity.status = Activity.Status.PUBLISHED
    activity.save(update_fields=["status", "updated"])
    audit_record(
        actor=by,
        action=A.ACTIVITY_CHANGED,
        agency=activity.organiser_id,
        target=f"activity:{activity.pk}",
        details={"status": "published"},
    )
    _emit("activity.published", by, activity)
    return activity


@transaction.atomic
def activity_cancel(*, by, activity: Activity, reason: str) -> Activity:
    activity = _locked(activity)
    _require_organiser(by, activity.organiser_id)
    if activity.status == Activity.Status.CANCELLED:
        raise Conflict(_("This activity is already cancelled."))
    reason = required_text(reason, _("Say why the activity is cancelled."))
    was_published = activity.status == Activity.Status.PUBLISHED
    activity.status = Activity.Status.CANCELLED
    activity.cancelled_reason = reason
    activity.save(update_fields=["status", "cancelled_reason", "updated"])
    audit_record(
        actor=by,
        action=A.ACTIVITY_CHANGED,
        agency=activity.organiser_id,
        target=f"activity:{activity.pk}",
        details={"status": "cancelled", "reason": reason},
    )
    if was_published:
        _emit("activity.cancelled", by, activity)
    return activity


# Registration ---------------------------------------------------------------------


def _require_open(activity: Activity, today: datetime.date) -> None:
    if activity.status != Activity.Status.PUBLISHED:
        raise Conflict(_("This activity is not open for registration."))
    if activity.registration_opens and today < activity.registration_opens:
        raise Conflict(_("Registration has not opened yet."))
    closes = activity.registration_closes or activity.ends
    if today > closes:
        raise Conflict(_("Registration has closed."))
    if activity.capacity is not None:
        taken = activity.registrations.filter(status__in=Registration.ACTIVE).count()
        if taken >= activity.capacity:
            raise Conflict(_("This activity is full."))


def _audit_registration(by, registration: Registration, what: str) -> None:
    audit_record(
        actor=by,
        action=A.REGISTRATION_CHANGED,
        agency=registration.activity.organiser_id,
        target=f"registration:{registration.pk}",
        details={
            "activity": registration.activity_id,
            "expert": registration.expert_id,
            "status": what,
        },
    )


def _register(by, activity: Activity, expert: Expert, status: str, agency=None) -> Registration:
    existing = Registration.objects.filter(activity=activity, expert=expert).first()
    if existing and existing.status != Registration.Status.CANCELLED:
        raise Conflict(_("%(name)s is already registered.") % {"name": expert.full_name})
    _require_open(activity, timezone.localdate())
    if existing:
        existing.status, existing.nominated_by, existing.agency = (
            status,
            by if agency else None,
            agency,
        )
        existing.save()
        registration = existing
    else:
        registration = Registration.objects.create(
            activity=activity,
            expert=expert,
            status=status,
            nominated_by=by if agency else None,
            agency=agency,
        )
    _audit_registration(by, registration, status)
    return registration


@transaction.atomic
def registration_register(*, by, activity: Activity) -> Registration:
    """The signed-in expert registers themselves."""
    expert = expert_of(by)
    if expert is None or not is_vetted(by):
        raise NotAllowed(_("Only vetted members of the network can register."))
    return _register(by, _locked(activity), expert, Registration.Status.REGISTERED)


@transaction.atomic
def registration_nominate(
    *, by, activity: Activity, expert: Expert, agency: Agency
) -> Registration:
    """An agency admin nominates one of the agency's approved members."""
    if not can_vet(by, agency):
        raise NotAllowed(_("Only the agency's admins can nominate its members."))
    if not expert.memberships.filter(agency=agency, status=Membership.Status.APPROVED).exists():
        raise ActionRefused(_("You can nominate only approved members of your agency."))
    return _register(by, _locked(activity), expert, Registration.Status.NOMINATED, agency)


@transaction.atomic
def registration_add(
    *, by, activity: Activity, expert: Expert, announce: bool = True
) -> Registration:
    """The organiser puts a participant on the list directly (an attendance sheet, a walk-in):
    confirmed at once, outside the registration window but never past capacity.
    ``announce=False`` records a past attendance sheet without telling each person."""
    activity = _locked(activity)
    if not can_manage_activity(by, activity):
        raise NotAllowed(_("Only the organisers add participants directly."))
    if activity.status != Activity.Status.PUBLISHED:
        raise Conflict(_("Publish the activity first."))
    if not expert.memberships.filter(status=Membership.Status.APPROVED).exists():
        raise ActionRefused(_("Only vetted members of the network can take part."))
    existing = Registration.objects.filter(activity=activity, expert=expert).first()
    if existing and existing.status != Registration.Status.CANCELLED:
        raise Conflict(_("%(name)s is already registered.") % {"name": expert.full_name})
    if activity.capacity is not None and (
        activity.registrations.filter(status__in=Registration.ACTIVE).count() >= activity.capacity
    ):
        raise Conflict(_("This activity is full."))
    registration, _created = Registration.objects.update_or_create(
        activity=activity, expert=expert, defaults={"status": Registration.Status.CONFIRMED}
    )
    _audit_registration(by, registration, "added")
    if announce:
        _emit(
            "registration.confirmed",
            by,
            activity,
            {
                "activity_id": activity.pk,
                "agency_id": activity.organiser_id,
                "registration_id": registration.pk,
                "expert_id": expert.pk,
            },
        )
    return registration


def _locked_registration(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update()
        .select_related("activity", "expert")
        .get(pk=registration.pk)
    )


MOVES = {
    Registration.Status.CONFIRMED: {Registration.Status.REGISTERED, Registration.Status.NOMINATED},
    Registration.Status.ATTENDED: {Registration.Status.CONFIRMED},
    Registration.Status.COMPLETED: {Registration.Status.CONFIRMED, Registration.Status.ATTENDED},
}


@transaction.atomic
def registration_mark(*, by, registration: Registration, status: str) -> Registration:
    """The organiser confirms, marks attendance or records completion.

    Completion issues a certificate; completing a train-the-trainer course qualifies the
    expert as a trainer for each of the course's topics.
    """
    registration = _locked_registration(registration)
    activity = registration.activity
    if not can_manage_activity(by, activity):
        raise NotAllowed(_("Only the organisers can confirm, mark attendance or completion."))
    if status not in MOVES:
        raise ActionRefused(_("Choose confirmed, attended or completed."))
    if registration.status not in MOVES[status]:
        raise Conflict(
            _("A registration that is “%(now)s” cannot become “%(next)s”.")
            % {"now": registration.get_status_display(), "next": Registration.Status(status).label}
        )
    if status != Registration.Status.CONFIRMED and activity.status != Activity.Status.PUBLISHED:
        raise Conflict(_("Attendance is recorded for published activities only."))
    registration.status = status
    registration.save(update_fields=["status", "updated"])
    _audit_registration(by, registration, status)
    if status == Registration.Status.CONFIRMED:
        _emit(
            "registration.confirmed",
            by,
            activity,
            {
                "activity_id": activity.pk,
                "agency_id": activity.organiser_id,
                "registration_id": registration.pk,
                "expert_id": registration.expert_id,
            },
        )
    if status == Registration.Status.COMPLETED:
        Certificate.objects.get_or_create(registration=registration)
        if activity.kind == Activity.Kind.TTT:
            for topic in activity.topics.all():
                _qualify(by, registration.expert, topic, activity.ends, activity)
    return registration


@transaction.atomic
def registration_cancel(*, by, registration: Registration) -> Registration:
    registration = _locked_registration(registration)
    own = registration.expert.user_id == by.pk
    if not (own or can_manage_activity(by, registration.activity)):
        raise NotAllowed(_("Only the registered expert or the organisers can cancel this."))
    if registration.status in Registration.REACHED:
        raise Conflict(_("Attendance is on record; it cannot be cancelled."))
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status", "updated"])
    _audit_registration(by, registration, "cancelled")
    return registration


def _qualify(by, expert: Expert, topic: Topic, on: datetime.date, course: Activity | None):
    qualification, created = TrainerQualification.objects.get_or_create(
        expert=expert, topic=topic, course=course, defaults={"qualified_on": on}
    )
    if created:
        audit_record(
            actor=by,
            action=A.TRAINER_QUALIFIED,
            agency=course.organiser_id if course else None,
            target=f"expert:{expert.pk}",
            details={"topic": topic.slug, "course": course.pk if course else None},
        )
    return qualification


@transaction.atomic
def trainer_qualify(
    *, by, expert: Expert, topic: Topic, qualified_on: datetime.date, course: Activity | None = None
) -> TrainerQualification:
    """Record a qualification outside the platform's courses (staff), or by a course's organiser."""
    if course is not None:
        if not can_manage_activity(by, course):
            raise NotAllowed(_("Only the course's organisers can qualify its trainers."))
    elif not getattr(by, "is_staff", False):
        raise NotAllowed(_("Only platform staff can record a qualification without a course."))
    return _qualify(by, expert, topic, qualified_on, course)


# After-action ---------------------------------------------------------------------


def _audit_report(by, activity: Activity, details: dict) -> None:
    audit_record(
        actor=by,
        action=A.REPORT_CHANGED,
        agency=activity.organiser_id,
        target=f"activity:{activity.pk}",
        details=details,
    )


@transaction.atomic
def report_save(
    *, by, activity: Activity, summary: str, final: bool = False, shared_with_network: bool = False
) -> AfterActionReport:
    activity = _locked(activity)
    _require_organiser(by, activity.organiser_id)
    if activity.status != Activity.Status.PUBLISHED:
        raise Conflict(_("An after-action report belongs to a published activity."))
    report, _created = AfterActionReport.objects.get_or_create(activity=activity)
    report.summary = summary or ""
    report.status = AfterActionReport.Status.FINAL if final else AfterActionReport.Status.DRAFT
    report.shared_with_network = shared_with_network
    report.save()
    _audit_report(by, activity, {"report": report.status, "shared": shared_with_network})
    return report


@transaction.atomic
def observation_add(
    *, by, report: AfterActionReport, capability: str, kind: str, text: str
) -> Observation:
    _require_organiser(by, report.activity.organiser_id)
    if kind not in Observation.Kind.values:
        raise ActionRefused(_("Choose strength or area for improvement."))
    observation = Observation.objects.create(
        report=report,
        capability=required_text(capability, _("Name the capability observed.")),
        kind=kind,
        text=required_text(text, _("Write the observation.")),
    )
    _audit_report(by, report.activity, {"observation": observation.pk})
    return observation


@transaction.atomic
def action_add(
    *,
    by,
    observation: Observation,
    title: str,
    owner: Agency,
    due: datetime.date,
    assignee: Expert | None = None,
    sop: SOP | None = None,
) -> CorrectiveAction:
    """A corrective action for an area for improvement; with ``sop`` it is a change request."""
    _require_organiser(by, observation.report.activity.organiser_id)
    if observation.kind != Observation.Kind.IMPROVEMENT:
        raise ActionRefused(_("Corrective actions follow areas for improvement, not strengths."))
    if due is None:
        raise ActionRefused(_("Give a due date."))
    if (
        assignee is not None
        and not assignee.memberships.filter(
            agency=owner, status=Membership.Status.APPROVED
        ).exists()
    ):
        raise ActionRefused(_("The assignee must be an approved member of the owning agency."))
    action = CorrectiveAction.objects.create(
        observation=observation,
        title=required_text(title, _("Describe the corrective action.")),
        owner=owner,
        assignee=assignee,
        due=due,
        sop=sop,
    )
    _audit_report(
        by, observation.report.activity, {"action": action.pk, "sop": getattr(sop, "pk", None)}
    )
    return action


def _locked_action(action: CorrectiveAction) -> CorrectiveAction:
    return (
        CorrectiveAction.objects.select_for_update(of=("self",))
        .select_related("observation__report__activity", "assignee", "sop")
        .get(pk=action.pk)
    )


@transaction.atomic
def action_update(
    *, by, action: CorrectiveAction, status: str, reason: str = ""
) -> CorrectiveAction:
    action = _locked_action(action)
    if not can_update_action(by, action):
        raise NotAllowed(
            _("Only the organisers, the owning agency or the assignee can update this.")
        )
    if status not in CorrectiveAction.Status.values:
        raise ActionRefused(_("Choose a status."))
    if action.status not in CorrectiveAction.OPEN_STATUSES:
        raise Conflict(_("This corrective action is closed."))
    if status == CorrectiveAction.Status.NOT_ACCEPTED:
        reason = required_text(reason, _("Say why the corrective action is not accepted."))
    action.status, action.reason = status, reason or action.reason
    if status not in CorrectiveAction.OPEN_STATUSES:
        action.closed = timezone.now()
    action.save()
    _audit_report(by, action.observation.report.activity, {"action": action.pk, "status": status})
    return action


@transaction.atomic
def action_address(*, by, action: CorrectiveAction, version: SOPVersion) -> CorrectiveAction:
    """An editor of the SOP says which revision (a draft or one in review) addresses it.

    Publishing that revision closes the change request (``actions_close_for``).
    """
    action = _locked_action(action)
    if action.sop_id is None:
        raise ActionRefused(_("This corrective action is not a change request on a procedure."))
    if version.sop_id != action.sop_id:
        raise ActionRefused(_("Pick a revision of the procedure the change request is about."))
    if not can_edit_sop(by, action.sop):
        raise NotAllowed(_("Only the procedure's editors can say which revision addresses it."))
    if action.status not in CorrectiveAction.OPEN_STATUSES:
        raise Conflict(_("This corrective action is closed."))
    if version.status not in (SOPVersion.Status.DRAFT, SOPVersion.Status.IN_REVIEW):
        raise Conflict(_("Pick a revision that is still being drafted or reviewed."))
    action.addressed_by = version
    action.status = CorrectiveAction.Status.IN_PROGRESS
    action.save()
    _audit_report(
        by, action.observation.report.activity, {"action": action.pk, "addressed_by": version.pk}
    )
    return action


@transaction.atomic
def actions_close_for(*, version: SOPVersion) -> int:
    """The revision is in force: the change requests it addresses are done (outbox handler)."""
    now = timezone.now()
    return CorrectiveAction.objects.filter(
        addressed_by=version, status__in=CorrectiveAction.OPEN_STATUSES
    ).update(status=CorrectiveAction.Status.DONE, closed=now, updated=now)


def actions_overdue_emit(*, today: datetime.date | None = None) -> int:
    """Emit ``action.overdue`` once per open corrective action past its due date (beat)."""
    today = today or timezone.localdate()
    count = 0
    due = CorrectiveAction.objects.filter(
        status__in=CorrectiveAction.OPEN_STATUSES, due__lt=today, overdue_emitted__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            claimed = CorrectiveAction.objects.filter(pk=pk, overdue_emitted__isnull=True).update(
                overdue_emitted=timezone.now()
            )
            if not claimed:
                continue
            action = CorrectiveAction.objects.select_related("observation__report").get(pk=pk)
            activity_id = action.observation.report.activity_id
            event_emit(
                kind="action.overdue",
                target=f"action:{pk}",
                payload={
                    "action_id": pk,
                    "activity_id": activity_id,
                    "agency_id": action.owner_id,
                    "due": action.due.isoformat(),
                },
            )
            count += 1
    return count


# Stale training -------------------------------------------------------------------


@transaction.atomic
def training_flag_stale(*, version: SOPVersion) -> list[int]:
    """A major revision is in force: flag the activities that trained an older major.

    Returns the flagged activity ids, and emits ``training.stale`` so their trainers and
    organisers hear "trained on 2.0, now 3.0". Run by the outbox handler; idempotent.
    """
    if version.major is None:
        return []
    older = SOPVersion.objects.filter(sop_id=version.sop_id, major__lt=version.major)
    trained = Activity.sop_versions.through.objects.filter(sopversion__in=older).exclude(
        activity__status=Activity.Status.CANCELLED
    )
    new_flags = []
    for activity_id, trained_id in trained.values_list("activity_id", "sopversion_id"):
        _flag, created = StaleTraining.objects.get_or_create(
            activity_id=activity_id, trained_id=trained_id, current=version
        )
        if created:
            new_flags.append(activity_id)
    if not new_flags:
        return []
    activities = Activity.objects.filter(pk__in=new_flags)
    trainer_users = set(
        activities.filter(trainer_qualification__isnull=False).values_list(
            "trainer_qualification__expert__user_id", flat=True
        )
    )
    # Trainers qualified by a course that trained the old version teach it on.
    trainer_users |= set(
        TrainerQualification.objects.filter(course__in=activities).values_list(
            "expert__user_id", flat=True
        )
    )
    event_emit(
        kind="training.stale",
        target=f"sop:{version.sop_id}",
        payload={
            "sop_id": version.sop_id,
            "version_id": version.pk,
            "agency_id": version.sop.agency_id,
            "number": version.number,
            "activity_ids": sorted(set(new_flags)),
            "trainer_user_ids": sorted(trainer_users),
        },
    )
    return sorted(set(new_flags))


def calendar_feed_for(*, user):
    """The user's private feed token, made on first use (the URL is the credential)."""
    from training.models import CalendarFeed

    if not user.is_authenticated:
        raise NotAllowed(_("Sign in first."))
    return CalendarFeed.objects.get_or_create(user=user)[0]


@transaction.atomic
def calendar_feed_renew(*, user):
    from training.models import CalendarFeed, new_code

    feed = calendar_feed_for(user=user)
    CalendarFeed.objects.filter(pk=feed.pk).update(token=new_code())
    feed.refresh_from_db()
    return feed
