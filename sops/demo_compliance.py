"""Demo states of compliance, after the procedures are loaded (``seed_demo``):

* version dates spread over the past three years (each published on its effective date);
* acknowledgements of the major revisions in force by about two thirds of each agency's
  members, so every dashboard shows who has and who has not, and overdue ones;
* one major revision of Batut's BATUT-PH-002 approved to take effect next week.

Reviews overdue come from the demo content's own review dates. Safe to run again: what
exists is left as it is.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from network.models import Membership
from sops import compliance, services
from sops.models import SOP, Acknowledgement, SOPVersion

SCHEDULED = ("rs-batut", "BATUT-PH-002")
SCHEDULED_IN_DAYS = 7


def versions_backdate() -> int:
    """Published demo versions carry the date they took effect, not the day of seeding."""
    count = 0
    versions = SOPVersion.objects.filter(
        status__in=[SOPVersion.Status.PUBLISHED, SOPVersion.Status.SUPERSEDED],
        effective_date__lt=timezone.localdate(),
    )
    for version in versions.only("pk", "effective_date", "published"):
        when = timezone.make_aware(
            datetime.datetime.combine(version.effective_date, datetime.time(9))
        )
        if version.published != when:
            count += SOPVersion.objects.filter(pk=version.pk).update(
                published=when, took_effect=when, submitted=when
            )
    return count


def _acknowledges(sop_id: int, user_id: int) -> bool:
    """Deterministic two thirds, different people for different procedures."""
    return (sop_id * 7 + user_id) % 3 != 0


def acknowledgements_seed() -> int:
    added = 0
    for sop, _major in compliance.majors_asking_now():
        current = compliance.in_force(sop)
        members = Membership.objects.filter(
            agency_id=sop.agency_id, status=Membership.Status.APPROVED
        ).select_related("expert__user")
        for membership in members:
            user = membership.expert.user
            if not _acknowledges(sop.pk, user.pk):
                continue
            if Acknowledgement.objects.filter(version__sop=sop, user=user).exists():
                continue
            services.version_acknowledge(version=current, by=user)
            added += 1
    return added


def scheduled_seed() -> SOPVersion | None:
    """A major revision approved now, in force next week: both versions show on its page."""
    agency_code, reference = SCHEDULED
    sop = SOP.objects.filter(agency__code=agency_code, reference=reference).first()
    if sop is None or sop.versions.filter(status=SOPVersion.Status.SCHEDULED).exists():
        return None
    if sop.versions.filter(status__in=[SOPVersion.Status.DRAFT, SOPVersion.Status.IN_REVIEW]):
        return None
    User = get_user_model()
    editor, publisher = User.objects.get(username="editor"), User.objects.get(username="publisher")
    with transaction.atomic():
        draft = services.version_start_revision(sop=sop, by=editor, change_kind="major")
        draft = services.version_update(
            version=draft,
            by=editor,
            expected_edit_count=None,
            body=draft.body
            + "\n\n## Joint exercise before the change\n\nEach shift runs the joint procedure "
            "once with the border police before the new version takes effect.\n",
            change_summary="Joint drill with the border police before the new procedure "
            "takes effect.",
            effective_date=timezone.localdate() + datetime.timedelta(days=SCHEDULED_IN_DAYS),
        )
        return services.version_publish(version=draft, by=publisher, acknowledge_days=21)


def seed_compliance() -> dict:
    return {
        "backdated": versions_backdate(),
        "acknowledgements": acknowledgements_seed(),
        "scheduled": 1 if scheduled_seed() else 0,
    }
