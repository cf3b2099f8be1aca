"""Every change to the network: joining, vetting, roles and profiles.

Each function takes the acting user (``by``), checks permission, writes in one
transaction and records its events.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from events.services import event_emit
from frontline.errors import ActionRefused, NotAllowed, required_text
from network.models import Agency, Country, Expert, Membership
from network.permissions import ROLE_RANK, can_vet, forget_roles

PROFILE_FIELDS = {
    "full_name",
    "position",
    "bio",
    "country",
    "is_trainer",
    "phone",
    "contact_visibility",
    "timezone",
}


@transaction.atomic
def expert_sign_up(
    *,
    username: str,
    email: str,
    password: str,
    full_name: str,
    agency: Agency,
    country: Country | None = None,
    position: str = "",
) -> Expert:
    """Create an account and its request to join ``agency``; it waits for vetting."""
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ActionRefused(_("That username is taken."))
    user = User.objects.create_user(username=username, email=email, password=password)
    expert = Expert.objects.create(
        user=user, full_name=full_name, position=position, country=country or agency.country
    )
    Membership.objects.create(expert=expert, agency=agency)
    return expert


@transaction.atomic
def membership_request(*, expert: Expert, agency: Agency, by) -> Membership:
    """Ask to join another agency (or again, after a rejection)."""
    if by.pk != expert.user_id and not by.is_staff:
        raise NotAllowed(_("You can only ask to join an agency for yourself."))
    membership, created = Membership.objects.select_for_update().get_or_create(
        expert=expert, agency=agency
    )
    if not created:
        if membership.status != Membership.Status.REJECTED:
            raise ActionRefused(_("You already belong to or have asked to join this agency."))
        membership.status = Membership.Status.PENDING
        membership.reason = ""
        membership.decided = membership.decided_by = None
        membership.save()
    return membership


def _locked_pending(membership: Membership, by) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not can_vet(by, membership.agency_id):
        raise NotAllowed(_("Only this agency's admins or platform staff can vet its members."))
    if membership.status != Membership.Status.PENDING:
        raise ActionRefused(
            _("This request was already decided (%(status)s).")
            % {"status": membership.get_status_display()}
        )
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership, by) -> Membership:
    membership = _locked_pending(membership, by)
    membership.status = Membership.Status.APPROVED
    membership.decided = timezone.now()
    membership.decided_by = by
    membership.reason = ""
    membership.save()
    event_emit(
        kind="expert.joined",
        actor=by,
        target=f"expert:{membership.expert_id}",
        payload={
            "expert_id": membership.expert_id,
            "agency_id": membership.agency_id,
            "membership_id": membership.pk,
        },
    )
    audit_record(
        actor=by,
        action="membership.approved",
        agency=membership.agency_id,
        target=f"expert:{membership.expert_id}",
        details={"membership_id": membership.pk, "role": membership.role},
    )
    forget_roles(membership.expert.user)
    return membership


@transaction.atomic
def membership_reject(*, membership: Membership, by, reason: str) -> Membership:
    reason = required_text(reason, _("Give a reason: the applicant will see it."))
    membership = _locked_pending(membership, by)
    membership.status = Membership.Status.REJECTED
    membership.decided = timezone.now()
    membership.decided_by = by
    membership.reason = reason
    membership.save()
    audit_record(
        actor=by,
        action="membership.rejected",
        agency=membership.agency_id,
        target=f"expert:{membership.expert_id}",
        details={"membership_id": membership.pk, "reason": reason},
    )
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by) -> Membership:
    """Change an approved member's role; an agency never loses its last admin this way."""
    if role not in ROLE_RANK:
        raise ActionRefused(_("Unknown role %(role)s.") % {"role": role})
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not can_vet(by, membership.agency_id):
        raise NotAllowed(_("Only this agency's admins or platform staff can change roles."))
    if membership.status != Membership.Status.APPROVED:
        raise ActionRefused(_("Only approved members have a role to change."))
    if membership.role == Membership.Role.ADMIN and role != Membership.Role.ADMIN:
        admins = Membership.objects.filter(
            agency_id=membership.agency_id,
            status=Membership.Status.APPROVED,
            role=Membership.Role.ADMIN,
        )
        if admins.count() == 1 and not by.is_staff:
            raise ActionRefused(_("This is the agency's last admin; name another admin first."))
    previous_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=by,
        action="membership.role_changed",
        agency=membership.agency_id,
        target=f"expert:{membership.expert_id}",
        details={"membership_id": membership.pk, "from": previous_role, "to": role},
    )
    forget_roles(membership.expert.user)
    return membership


@transaction.atomic
def expert_update_profile(*, expert: Expert, by, languages=None, topics=None, **fields) -> Expert:
    """Edit a profile: one's own, or anyone's for platform staff."""
    if by.pk != expert.user_id and not by.is_staff:
        raise NotAllowed(_("You can only edit your own profile."))
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ActionRefused(_("These fields cannot be edited: %s") % ", ".join(sorted(unknown)))
    for name, value in fields.items():
        setattr(expert, name, value)
    if not expert.full_name.strip():
        raise ActionRefused(_("Your full name cannot be empty."))
    expert.save()
    if languages is not None:
        expert.languages.set(languages)
    if topics is not None:
        expert.topics.set(topics)
    event_emit(
        kind="expert.updated",
        actor=by,
        target=f"expert:{expert.pk}",
        payload={"expert_id": expert.pk},
    )
    return expert
