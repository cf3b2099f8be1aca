"""Every change in notifications: following, reading, and (from ``fanout``) the fan-out.

Pushes to open tabs and mail tasks are queued with ``transaction.on_commit``: nothing
reaches a person for a change that rolled back.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.errors import ActionRefused, NotAllowed
from network.permissions import is_vetted
from notifications import push, selectors
from notifications.fanout import event_fan_out  # the hot path has its own module
from notifications.models import Notification, Subscription
from sops.permissions import can_view_sop

SOP_EVENTS = (
    "sop.published",
    "sop.took_effect",
    "sop.withdrawn",
    "sop.review_due",
    "sop.acknowledgement_reminder",
)
__all__ = ["event_fan_out"]  # re-exported: the handler calls services only


# Following -------------------------------------------------------------------------


@transaction.atomic
def subscription_set(
    *,
    by,
    target,
    level: str = Subscription.Level.ALL,
    in_app: bool = True,
    email_now: bool = False,
    digest: bool = False,
) -> Subscription:
    """Follow ``target`` (or change how), creating or updating the user's one row for it."""
    if not is_vetted(by):
        raise NotAllowed(_("Only vetted members of the network can follow."))
    kind = selectors.target_kind(target)
    if kind == Subscription.Kind.SOP and not can_view_sop(by, target):
        raise NotAllowed(_("You cannot see that procedure."))
    if kind == Subscription.Kind.EXPERT and target.user_id == by.pk:
        raise ActionRefused(_("You cannot follow yourself."))
    if level not in Subscription.Level.values:
        raise ActionRefused(_("Choose how much you want to hear."))
    if level != Subscription.Level.MUTED and not (in_app or email_now or digest):
        raise ActionRefused(_("Choose at least one way to hear about changes, or pick “Muted”."))
    subscription, _created = Subscription.objects.update_or_create(
        user=by,
        kind=kind,
        **{kind: target},
        defaults={"level": level, "in_app": in_app, "email_now": email_now, "digest": digest},
    )
    return subscription


@transaction.atomic
def subscription_remove(*, by, subscription: Subscription) -> None:
    if subscription.user_id != by.pk:
        raise NotAllowed(_("This is someone else's subscription."))
    subscription.delete()


@transaction.atomic
def subscription_stop_email(*, subscription: Subscription | None, user, digest: bool) -> int:
    """Stop mails (from an unsubscribe link, whose signature is the authority).

    ``digest`` stops the daily digest for all the user's subscriptions; otherwise the
    one subscription stops mailing at once. Returns how many subscriptions changed.
    """
    if digest:
        return Subscription.objects.filter(user=user, digest=True).update(digest=False)
    if subscription is None or subscription.user_id != user.pk:
        return 0
    return Subscription.objects.filter(pk=subscription.pk, email_now=True).update(email_now=False)


# Reading ---------------------------------------------------------------------------


def _push_unread_on_commit(user) -> None:
    def send():
        push.push_now([(user.pk, push.message_unread(selectors.unread_count(user=user)))])

    transaction.on_commit(send)


@transaction.atomic
def notification_mark_read(*, by, notification: Notification) -> Notification:
    if notification.recipient_id != by.pk:
        raise NotAllowed(_("This is someone else's notification."))
    if notification.read is None:
        notification.read = timezone.now()
        notification.save(update_fields=["read"])
        _push_unread_on_commit(by)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, by) -> int:
    if not by.is_authenticated:
        raise NotAllowed(_("Sign in first."))
    changed = Notification.objects.filter(recipient=by, read__isnull=True).update(
        read=timezone.now()
    )
    if changed:
        _push_unread_on_commit(by)
    return changed
