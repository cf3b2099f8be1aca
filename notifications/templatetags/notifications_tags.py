"""``{% follow_button target %}`` for any followable page, ``{% notification_bell %}`` for the header."""

from __future__ import annotations

from django import template
from django.utils import timezone

from network.permissions import is_vetted
from notifications import selectors
from notifications.models import Subscription

register = template.Library()


def follow_context(request, target, subscription: Subscription | None = None) -> dict:
    """``subscription``: the user's row for ``target`` when the caller already holds it (a
    list of subscriptions), so a page of them costs no query per row."""
    user = request.user
    kind = selectors.target_kind(target)
    can_follow = selectors.can_follow(user=user, target=target)
    if subscription is None and can_follow:
        subscription = selectors.subscription_for(user=user, target=target)
    return {
        "request": request,
        "target": target,
        "kind": kind,
        "dom_id": f"follow-{kind}-{target.pk}",
        "can_follow": can_follow,
        "subscription": subscription,
        "implicit": can_follow
        and subscription is None
        and selectors.implicit_follow_agency(user=user, target=target),
        "levels": Subscription.Level.choices,
        "muted": subscription is not None and subscription.level == Subscription.Level.MUTED,
    }


@register.inclusion_tag("notifications/_follow.html", takes_context=True)
def follow_button(context, target, subscription=None):
    request = context.get("request")
    if request is None or target is None:
        return {"can_follow": False}
    return follow_context(request, target, subscription)


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    """The header bell. It costs no query: the socket sends the unread count on connect,
    and the first catch-up asks for what arrived after ``since`` (this page's render)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not is_vetted(user):
        return {"live": False}
    return {"live": True, "since": timezone.now().isoformat()}
