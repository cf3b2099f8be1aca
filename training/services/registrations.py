"""Registration and attendance: register, nominate, add, mark, cancel; a completed
train-the-trainer course qualifies a trainer."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from frontline.errors import ActionRefused, Conflict, NotAllowed
from network.models import Agency, Expert, Membership, Topic
from network.permissions import can_vet, expert_of, is_vetted
from training.models import (
    Activity,
    Certificate,
    Registration,
    TrainerQualification,
)
from training.permissions import can_manage_activity
from training.services.common import A, _emit, _locked


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
