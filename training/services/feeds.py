"""Calendar feeds: a person's private feed token, and renewing it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from frontline.errors import NotAllowed


def calendar_feed_for(*, user):
    """The user's private feed token, made on first use (the URL is the credential)."""
    from training.models import CalendarFeed

    if not user.is_authenticated:
        raise NotAllowed(_("Sign in first."))
    return CalendarFeed.objects.get_or_create(user=user)[0]


@transaction.atomic
def calendar_feed_renew(*, user):
    from training.models import CalendarFeed, new_code

    feed = calendar_feed_for(user=user)
    CalendarFeed.objects.filter(pk=feed.pk).update(token=new_code())
    feed.refresh_from_db()
    return feed
