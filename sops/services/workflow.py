"""The workflow of a version: submit, return, publish (at once or from a later date),
take effect, withdraw, and "reviewed, no change".

Every move is declared in ``sops.services.common.MOVES`` and checked there; every move
writes its event and audit entry through ``record``. "In force" is decided from the dates
(``sops.selectors.in_force``); ``versions_take_effect`` (beat) only makes the stored
state and the followers catch up with it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.errors import ActionRefused, Conflict, NotAllowed, required_text
from sops.models import SOP, AgencyPolicy, SOPVersion
from sops.rendering import rendered_for_storage
from sops.services.common import (
    ChangeKind,
    Status,
    iso,
    locked,
    locked_sop,
    move_apply,
    move_check,
    record,
    require_editor,
    require_publisher,
)
from sops.services.translations import translated_from_choose, translations_behind_emit

MAX_ACKNOWLEDGE_DAYS = 365


@transaction.atomic
def version_submit(*, version: SOPVersion, by) -> SOPVersion:
    version = locked(version)
    require_editor(by, version.sop)
    move_check(version, "submit")
    if not version.body.strip():
        raise Conflict(_("Write the procedure before submitting it for review."))
    move_apply(version, "submit")
    version.submitted = timezone.now()
    version.returned_reason = ""
    version.save()
    record(
        kind="sop.submitted",
        by=by,
        sop=version.sop,
        payload={"version_id": version.pk},
        details={"version_id": version.pk},
    )
    return version


@transaction.atomic
def version_return(*, version: SOPVersion, by, reason: str) -> SOPVersion:
    """Send a version in review back to its editors, saying why."""
    reason = required_text(reason, _("Say why the draft goes back: the editors will see it."))
    version = locked(version)
    require_publisher(by, version.sop)
    move_apply(version, "return")
    version.returned_reason = reason
    version.save()
    record(
        kind="sop.returned",
        by=by,
        sop=version.sop,
        payload={"version_id": version.pk, "reason": reason},
        details={"version_id": version.pk, "reason": reason},
    )
    return version


def four_eyes_blocks(user, version: SOPVersion, policy: AgencyPolicy | None = None) -> bool:
    """True when the agency's four-eyes rule keeps ``user`` from publishing ``version``."""
    policy = policy or AgencyPolicy.for_agency(version.sop.agency_id)
    if not policy.four_eyes or not user.is_authenticated:
        return False
    return user.pk in {version.author_id, version.last_edited_by_id}


def _next_number(sop: SOP, kind: str) -> tuple[int, int]:
    latest = (
        SOPVersion.objects.filter(sop=sop, major__isnull=False).order_by("-major", "-minor").first()
    )
    if latest is None:
        return 1, 0
    if kind == ChangeKind.MAJOR:
        return latest.major + 1, 0
    return latest.major, latest.minor + 1


def _bring_into_force(version: SOPVersion, sop: SOP, now) -> SOPVersion | None:
    """Make ``version`` the one in force (the caller holds both locks). Returns the previous."""
    previous = sop.current_version
    if previous is not None and previous.pk != version.pk:
        move_check(previous, "supersede")
        SOPVersion.objects.filter(pk=previous.pk).update(status=Status.SUPERSEDED)
    version.took_effect = now
    sop.current_version = version
    sop.title = version.title
    sop.save(update_fields=["current_version", "title"])
    return previous


@transaction.atomic
def version_publish(
    *,
    version: SOPVersion,
    by,
    change_summary: str | None = None,
    acknowledge_days: int | None = None,
    today: datetime.date | None = None,
    imported: bool = False,
    translated_from: SOPVersion | None = None,
) -> SOPVersion:
    """Approve a version. In force at once, or "approved, in force from D" when its
    effective date is still to come: the current version then stays in force until D.

    A major revision asks the agency's members to acknowledge it within
    ``acknowledge_days`` of taking effect (the agency's default, 14, when not given).
    ``imported`` (the bulk importer only): the record was approved in the agency's
    previous system, so four eyes is not asked again; the audit entry says so.
    ``translated_from`` (a translation only): the source version this one renders
    (default: the source's version in force now).
    """
    today = today or timezone.localdate()
    version = locked(version)
    sop = locked_sop(version.sop_id)
    require_publisher(by, sop)
    effective = version.effective_date or today
    move = "schedule" if effective > today else "publish"
    move_check(version, move)
    policy = AgencyPolicy.for_agency(sop.agency_id)
    if not imported and four_eyes_blocks(by, version, policy):
        raise NotAllowed(
            _(
                "%(agency)s works with four eyes: you wrote or last edited this draft, so "
                "another publisher must approve it."
            )
            % {"agency": sop.agency}
        )
    _catch_up(sop, today)
    waiting = sop.versions.filter(status=Status.SCHEDULED).exclude(pk=version.pk).first()
    if waiting is not None:
        raise ActionRefused(
            _(
                "Version %(number)s is already approved to take effect on %(date)s: "
                "withdraw it first, or publish this one after that date."
            )
            % {"number": waiting.number, "date": waiting.effective_date}
        )
    if change_summary is not None:
        version.change_summary = change_summary.strip()
    if sop.versions.filter(major__isnull=False).exists() and not version.change_summary:
        raise ActionRefused(_("Say what changed: a revision needs a change summary."))
    if acknowledge_days is None:
        acknowledge_days = policy.acknowledge_days
    if not 1 <= acknowledge_days <= MAX_ACKNOWLEDGE_DAYS:
        raise ActionRefused(
            _("Give between 1 and %(max)d days to acknowledge.") % {"max": MAX_ACKNOWLEDGE_DAYS}
        )
    translated_from_choose(sop, version, translated_from)
    version.major, version.minor = _next_number(sop, version.change_kind)
    now = timezone.now()
    move_apply(version, move)
    version.published = now
    version.approver = by
    version.effective_date = effective
    version.rendered = rendered_for_storage(version.body)  # rendered once: it never changes
    if version.change_kind == ChangeKind.MAJOR:
        version.acknowledge_by = effective + datetime.timedelta(days=acknowledge_days)
    previous = sop.current_version
    if move == "publish":
        _bring_into_force(version, sop, now)
    version.save()
    version.sop = sop
    record(
        kind="sop.published",
        by=by,
        sop=sop,
        payload={
            "version_id": version.pk,
            "number": version.number,
            "change_kind": version.change_kind,
            "previous_version_id": previous.pk if previous else None,
            "effective_date": iso(effective),
            "scheduled": move == "schedule",
            "acknowledge_by": iso(version.acknowledge_by),
        },
        details={
            "version_id": version.pk,
            "number": version.number,
            "effective_date": iso(effective),
            **({"imported": True} if imported else {}),
            **(
                {"translated_from": version.translated_from.number}
                if version.translated_from
                else {}
            ),
        },
    )
    if move == "publish":
        translations_behind_emit(source=sop, version=version, by=by)
    return version


def _catch_up(sop: SOP, today: datetime.date) -> None:
    """Bring into force what its date says is in force (the caller holds the SOP lock)."""
    for version in sop.versions.filter(status=Status.SCHEDULED, effective_date__lte=today):
        _take_effect(version, sop)


def _take_effect(version: SOPVersion, sop: SOP) -> bool:
    if version.status != Status.SCHEDULED:
        return False
    previous = _bring_into_force(version, sop, timezone.now())
    move_apply(version, "take_effect")
    version.save(update_fields=["status", "took_effect"])
    record(
        kind="sop.took_effect",
        by=None,
        sop=sop,
        payload={
            "version_id": version.pk,
            "number": version.number,
            "change_kind": version.change_kind,
            "previous_version_id": previous.pk if previous else None,
            "effective_date": iso(version.effective_date),
            "acknowledge_by": iso(version.acknowledge_by),
        },
        details={"version_id": version.pk, "number": version.number},
    )
    translations_behind_emit(source=sop, version=version, by=None)
    return True


def versions_take_effect(*, today: datetime.date | None = None) -> int:
    """Beat: every approved version whose effective date has come takes effect, once.

    Also catches up days when beat was down; a second run finds nothing to do.
    """
    today = today or timezone.localdate()
    sop_ids = set(
        SOPVersion.objects.filter(status=Status.SCHEDULED, effective_date__lte=today).values_list(
            "sop_id", flat=True
        )
    )
    count = 0
    for sop_id in sorted(sop_ids):
        with transaction.atomic():
            sop = locked_sop(sop_id)
            for version in sop.versions.select_for_update().filter(
                status=Status.SCHEDULED, effective_date__lte=today
            ):
                count += _take_effect(version, sop)
    return count


@transaction.atomic
def version_withdraw(*, version: SOPVersion, by, reason: str) -> SOPVersion:
    """Withdraw the version in force (the procedure no longer applies) or one not yet in force."""
    reason = required_text(
        reason, _("Say why the procedure is withdrawn: its readers will see it.")
    )
    version = locked(version)
    sop = locked_sop(version.sop_id)
    require_publisher(by, sop)
    was_in_force = version.status == Status.PUBLISHED
    move_apply(version, "withdraw")
    version.withdrawn = timezone.now()
    version.withdrawn_reason = reason
    version.save()
    if was_in_force:
        sop.current_version = None
        sop.save(update_fields=["current_version"])
    version.sop = sop
    record(
        kind="sop.withdrawn",
        by=by,
        sop=sop,
        payload={"version_id": version.pk, "reason": reason},
        details={"version_id": version.pk, "number": version.number, "reason": reason},
    )
    return version


@transaction.atomic
def version_mark_reviewed(
    *, version: SOPVersion, by, next_review: datetime.date, today: datetime.date | None = None
) -> SOPVersion:
    """ "Reviewed, no change": the version in force stays, its next review date moves."""
    today = today or timezone.localdate()
    version = locked(version)
    require_publisher(by, version.sop)
    move_check(version, "review")
    if next_review is None or next_review <= today:
        raise ActionRefused(_("The next review date must be in the future."))
    previous_due = version.review_due
    version.review_due = next_review
    version.reviewed = timezone.now()
    version.reviewed_by = by
    version.review_reminded = None
    version.save(update_fields=["review_due", "reviewed", "reviewed_by", "review_reminded"])
    record(
        kind="sop.reviewed",
        by=by,
        sop=version.sop,
        payload={
            "version_id": version.pk,
            "review_due": iso(next_review),
            "previous_review_due": iso(previous_due),
        },
        details={
            "version_id": version.pk,
            "number": version.number,
            "review_due": iso(next_review),
        },
    )
    return version


REVIEW_NOTICE_DAYS = 30
REVIEW_REPEAT_DAYS = 7


def review_reminder_due(version: SOPVersion, today: datetime.date) -> bool:
    """Once 30 days before, once on the day, then weekly until reviewed."""
    due = version.review_due
    if due is None or today < due - datetime.timedelta(days=REVIEW_NOTICE_DAYS):
        return False
    last = timezone.localdate(version.review_reminded) if version.review_reminded else None
    if today < due:
        return last is None
    return last is None or last < due or (today - last).days >= REVIEW_REPEAT_DAYS


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def review_reminders_emit(*, today: datetime.date | None = None) -> int:
    """Beat: ``sop.review_due`` for each version in force whose reminder is due, once each."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=REVIEW_NOTICE_DAYS)
    now = timezone.now()
    # The reminder is stamped with the day it stands for (a run for another day, in tests
    # or a catch-up, must not count as a reminder sent today).
    stamp = now if timezone.localdate(now) == today else _start_of(today)
    count = 0
    candidates = SOPVersion.objects.filter(
        status=Status.PUBLISHED, review_due__lte=horizon
    ).select_related("sop")
    for version in candidates:
        if not review_reminder_due(version, today):
            continue
        with transaction.atomic():
            claimed = SOPVersion.objects.filter(
                pk=version.pk, review_reminded=version.review_reminded
            ).update(review_reminded=stamp)
            if not claimed:
                continue
            record(
                kind="sop.review_due",
                by=None,
                sop=version.sop,
                payload={
                    "version_id": version.pk,
                    "review_due": version.review_due.isoformat(),
                    "days_left": (version.review_due - today).days,
                },
                audit=False,
            )
            count += 1
    return count
