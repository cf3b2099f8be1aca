"""An agency's rules for its procedures, changed by its admins."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from frontline.errors import ActionRefused, NotAllowed
from network.models import Agency, Membership
from network.permissions import has_role
from sops.models import AgencyPolicy
from sops.services.workflow import MAX_ACKNOWLEDGE_DAYS


@transaction.atomic
def agency_policy_set(
    *, agency: Agency, by, four_eyes: bool | None = None, acknowledge_days: int | None = None
) -> AgencyPolicy:
    """Four eyes on or off, and the default days to acknowledge a major revision."""
    if not has_role(by, agency, Membership.Role.ADMIN):
        raise NotAllowed(_("Only admins of %(agency)s can change its rules.") % {"agency": agency})
    current = AgencyPolicy.for_agency(agency.pk)
    policy, _created = AgencyPolicy.objects.select_for_update().get_or_create(
        agency=agency,
        defaults={"four_eyes": current.four_eyes, "acknowledge_days": current.acknowledge_days},
    )
    if four_eyes is not None:
        policy.four_eyes = four_eyes
    if acknowledge_days is not None:
        if not 1 <= acknowledge_days <= MAX_ACKNOWLEDGE_DAYS:
            raise ActionRefused(
                _("Give between 1 and %(max)d days to acknowledge.") % {"max": MAX_ACKNOWLEDGE_DAYS}
            )
        policy.acknowledge_days = acknowledge_days
    policy.save()
    audit_record(
        actor=by,
        action="sop.policy_changed",
        agency=agency.pk,
        target=f"agency:{agency.pk}",
        details={"four_eyes": policy.four_eyes, "acknowledge_days": policy.acknowledge_days},
    )
    return policy
