"""Reads for the inbox, the bell, the consumer's catch-up and the Following page."""

from __future__ import annotations

from django.db.models import QuerySet

from network.models import Agency, Membership
from network.permissions import approved_roles, expert_of, is_vetted
from notifications.models import TARGET_FIELDS, Notification, Subscription
from sops.permissions import about_visible_sop_q

CATCH_UP_LIMIT = 50


def notifications_of(user) -> QuerySet[Notification]:
    """The user's in-app notifications, minus any about an SOP they may no longer see."""
    if not user or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user, in_app=True).filter(
        about_visible_sop_q(user)
    )


def notifications_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = notifications_of(user)
    if unread_only:
        qs = qs.filter(read__isnull=True)
    return qs.order_by("-id")


def unread_count(*, user) -> int:
    return notifications_of(user).filter(read__isnull=True).count()


def notifications_after(
    *, user, last_id: int = 0, since=None, limit: int = CATCH_UP_LIMIT
) -> list[Notification]:
    """What a tab missed: newer than ``last_id`` (or, for a fresh page, created after
    ``since``, the page's render time), oldest first, at most ``limit``."""
    qs = notifications_of(user).filter(pk__gt=last_id)
    if since is not None and not last_id:
        qs = qs.filter(created__gt=since)
    newest = list(qs.order_by("-id")[:limit])
    return newest[::-1]


def subscriptions_of(*, user) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user=user).select_related(*TARGET_FIELDS)


def subscription_for(*, user, target) -> Subscription | None:
    """The user's subscription to ``target`` (an SOP, agency, topic, country, region or expert)."""
    if not user or not user.is_authenticated:
        return None
    kind = target_kind(target)
    return Subscription.objects.filter(user=user, **{kind: target}).first()


def can_follow(*, user, target) -> bool:
    """Vetted members follow what they can open; nobody follows themselves."""
    if not is_vetted(user):
        return False
    if target_kind(target) == "expert":
        own = expert_of(user)
        return own is None or own.pk != target.pk
    return True


def implicit_follow_agency(*, user, target) -> int | None:
    """The agency whose approved membership makes ``user`` follow ``target`` by default."""
    kind = target_kind(target)
    if kind == "agency":
        agency_id = target.pk
    elif kind == "sop":
        agency_id = target.agency_id
    else:
        return None
    return agency_id if agency_id in approved_roles(user) else None


def member_agencies(*, user) -> QuerySet[Agency]:
    """Agencies whose SOPs the user follows by default, being an approved member."""
    if not user or not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(
        memberships__expert__user=user, memberships__status=Membership.Status.APPROVED
    )


def target_kind(target) -> str:
    """The Subscription.kind for a model instance (``SOP`` -> ``"sop"``)."""
    name = type(target).__name__.lower()
    if name not in TARGET_FIELDS:
        raise ValueError(f"cannot follow a {type(target).__name__}")
    return name


def follow_target(*, kind: str, pk: str, user):
    """The object behind a follow URL, or None; an SOP the user may not see is None too."""
    from network.models import Country, Expert, Region, Topic
    from sops.models import SOP
    from sops.permissions import can_view_sop

    models = {
        "sop": SOP,
        "agency": Agency,
        "topic": Topic,
        "country": Country,
        "region": Region,
        "expert": Expert,
    }
    model = models.get(kind)
    if model is None:
        return None
    try:
        target = model.objects.filter(pk=pk).first()
    except (ValueError, TypeError):
        return None
    if target is not None and kind == "sop" and not can_view_sop(user, target):
        return None
    return target
