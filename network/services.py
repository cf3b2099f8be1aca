"""Every change to the network: joining, vetting, roles and profiles.

Each function takes the acting user (``by``), checks permission, writes in one
transaction and records its events.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record
from events.services import event_emit
from frontline.errors import ActionRefused, NotAllowed, required_text
from network.models import Agency, Country, Expert, Membership
from network.permissions import ROLE_RANK, can_vet, forget_roles, is_vetted
from network.preferences import supported_language, timezone_for_country
from network.verification import EMAIL_TAKEN, email_taken, verification_mail_send

PROFILE_FIELDS = {
    "full_name",
    "position",
    "bio",
    "country",
    "is_trainer",
    "phone",
    "contact_visibility",
    "timezone",
    "language",
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
    language: str = "",
) -> Expert:
    """Create an account and its request to join ``agency``; it waits for vetting."""
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ActionRefused(_("That username is taken."))
    if email_taken(email):
        raise ActionRefused(str(EMAIL_TAKEN))
    user = User.objects.create_user(username=username, email=email, password=password)
    country = country or agency.country
    expert = Expert.objects.create(
        user=user,
        full_name=full_name,
        position=position,
        country=country,
        # Where they sign up from decides where they start: both can be changed later.
        language=supported_language(language) or "",
        timezone=timezone_for_country(country.code if country else None),
    )
    Membership.objects.create(expert=expert, agency=agency)
    # robust: a mail server that is down must not fail the sign-up; the profile page
    # offers to send the link again.
    transaction.on_commit(lambda: verification_mail_send(user=user), robust=True)
    return expert


@transaction.atomic
def expert_confirm_email(*, expert: Expert) -> Expert:
    """Record that the owner opened the signed link (checked by the caller's token check)."""
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if expert.email_verified is None:
        expert.email_verified = timezone.now()
        expert.save(update_fields=["email_verified"])
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
        if membership.status not in ENDED:
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


ENDED = {Membership.Status.REJECTED, Membership.Status.REMOVED, Membership.Status.LEFT}


@transaction.atomic
def membership_approve(*, membership: Membership, by) -> Membership:
    membership = _locked_pending(membership, by)
    if membership.expert.email_verified is None:
        raise ActionRefused(
            _(
                "%(name)s has not confirmed their e-mail address yet: approve the request "
                "once they have opened the link mailed to them."
            )
            % {"name": membership.expert}
        )
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
    if role != Membership.Role.ADMIN:
        _keep_last_admin(membership, by)
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


def _keep_last_admin(membership: Membership, by) -> None:
    """An agency never loses its last admin (to a role change, a removal, or leaving),
    unless platform staff do it."""
    if membership.role != Membership.Role.ADMIN or by.is_staff:
        return
    admins = Membership.objects.filter(
        agency_id=membership.agency_id,
        status=Membership.Status.APPROVED,
        role=Membership.Role.ADMIN,
    )
    if admins.count() == 1:
        raise ActionRefused(_("This is the agency's last admin; name another admin first."))


@transaction.atomic
def membership_remove(*, membership: Membership, by, reason: str = "") -> Membership:
    """An agency admin (or staff) removes an approved member: their access ends at once."""
    membership = (
        Membership.objects.select_for_update().select_related("expert").get(pk=membership.pk)
    )
    if not can_vet(by, membership.agency_id):
        raise NotAllowed(_("Only this agency's admins or platform staff can remove its members."))
    return _membership_end(membership, by=by, status=Membership.Status.REMOVED, reason=reason)


@transaction.atomic
def membership_leave(*, membership: Membership, by) -> Membership:
    """A member leaves an agency themselves."""
    membership = (
        Membership.objects.select_for_update().select_related("expert").get(pk=membership.pk)
    )
    if membership.expert.user_id != by.pk:
        raise NotAllowed(_("You can only leave an agency yourself."))
    return _membership_end(membership, by=by, status=Membership.Status.LEFT, reason="")


def _membership_end(membership: Membership, *, by, status: str, reason: str) -> Membership:
    """End an approved membership: audit, event, tokens no longer justified, open sockets.

    Who may see what is read from approved memberships on every request (pages, API,
    search), so access ends with this transaction; open sockets are closed after it.
    """
    if membership.status != Membership.Status.APPROVED:
        raise ActionRefused(_("Only an approved membership can end."))
    _keep_last_admin(membership, by)
    membership.status = status
    membership.decided = timezone.now()
    membership.decided_by = by
    membership.reason = (reason or "").strip()
    membership.save(update_fields=["status", "decided", "decided_by", "reason"])
    user = membership.expert.user
    forget_roles(user)
    revoked = []
    if not is_vetted(user):
        # Tokens act with the user's roles; with no approved membership left, none is justified.
        from api.services import tokens_revoke_all

        revoked = tokens_revoke_all(user=user, by=by, why=f"membership.{status}")
    action = (
        AuditEntry.Action.MEMBERSHIP_REMOVED
        if status == Membership.Status.REMOVED
        else AuditEntry.Action.MEMBERSHIP_LEFT
    )
    audit_record(
        actor=by,
        action=action,
        agency=membership.agency_id,
        target=f"expert:{membership.expert_id}",
        details={
            "membership_id": membership.pk,
            "role": membership.role,
            "reason": membership.reason,
            "tokens_revoked": len(revoked),
        },
    )
    event_emit(
        kind="expert.left",
        actor=by,
        target=f"expert:{membership.expert_id}",
        payload={
            "expert_id": membership.expert_id,
            "agency_id": membership.agency_id,
            "membership_id": membership.pk,
            "status": status,
        },
    )
    from notifications.push import sockets_close_now

    transaction.on_commit(lambda: sockets_close_now(user.pk))
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


@transaction.atomic
def expert_set_language(*, expert: Expert, by, language: str) -> Expert:
    """Remember the language chosen in the header menu on one's own profile."""
    if by.pk != expert.user_id:
        raise NotAllowed(_("You can only edit your own profile."))
    language = supported_language(language)
    if language is None:
        raise ActionRefused(_("Choose one of the languages offered."))
    Expert.objects.filter(pk=expert.pk).exclude(language=language).update(language=language)
    expert.language = language
    return expert
