"""Activities: create, edit, publish, cancel (participants hear of noteworthy changes)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from frontline.errors import ActionRefused, Conflict, NotAllowed, required_text
from network.models import Agency
from sops.models import SOPVersion
from sops.permissions import can_view_version
from training.models import (
    Activity,
)
from training.services.common import A, _emit, _locked, _require_organiser

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
