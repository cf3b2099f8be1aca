"""Telling a country's followers that its validated assessment is published.

The outbox handler of ``assessment.validated``. Recipients: users following the country
(or its region) at any level but muted, minus those the assessment's TLP label does not
let see it (``capacity.selectors.assessment_audience``, the one rule). Rows are unique
per (event, recipient), so a re-run creates and sends nothing twice.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from capacity.models import Assessment
from capacity.selectors import assessment_audience
from events.models import Event
from notifications import push
from notifications.models import Mail, Notification, Subscription


def assessment_validated_notify(*, event: Event) -> list[int]:
    """Create the notifications; returns their ids."""
    assessment = (
        Assessment.objects.select_related("country__region", "lead_agency")
        .filter(pk=event.payload.get("assessment_id"), status=Assessment.Status.VALIDATED)
        .first()
    )
    if assessment is None:
        return []
    subs = (
        Subscription.objects.filter(
            Q(country_id=assessment.country_id) | Q(region_id=assessment.country.region_id)
        )
        .exclude(level=Subscription.Level.MUTED)
        .exclude(user_id=event.actor_id)
        .order_by("user_id", "kind")
    )
    by_user: dict[int, Subscription] = {}
    for sub in subs:
        # A country subscription wins over the region's (it sorts first: "country" < "region").
        by_user.setdefault(sub.user_id, sub)
    audience = assessment_audience(assessment, by_user)
    if not audience:
        return []
    title = (
        _("Capacity assessment %(year)s of %(country)s")
        % {"year": assessment.year, "country": assessment.country.name}
    )[:300]
    text = _("The assessment was validated and is on the regional picture (%(tlp)s).") % {
        "tlp": assessment.get_tlp_display()
    }
    link = reverse("capacity:assessment", args=[assessment.pk])
    created = []
    with transaction.atomic():
        for user_id in sorted(audience):
            sub = by_user[user_id]
            n, was_new = Notification.objects.get_or_create(
                event=event,
                recipient_id=user_id,
                defaults={
                    "kind": event.kind, "title": title, "text": text, "link": link,
                    "subscription": sub, "in_app": sub.in_app, "email_now": sub.email_now,
                    "digest": sub.digest,
                },
            )  # fmt: skip
            if not was_new:
                continue
            created.append(n)
            if sub.email_now:
                Mail.objects.get_or_create(
                    notification=n, defaults={"user_id": user_id, "kind": Mail.Kind.NOW}
                )
        transaction.on_commit(lambda: _deliver(created))
    return [n.pk for n in created]


def _deliver(notifications: list[Notification]) -> None:
    from notifications.selectors import unread_count
    from notifications.tasks import send_mails

    pushes = [
        (
            n.recipient_id,
            {
                "type": "notification.new",
                "notification": push.notification_as_dict(n),
                "unread": unread_count(user=n.recipient),
            },
        )
        for n in notifications
        if n.in_app
    ]
    if pushes:
        push.push_now(pushes)
    mails = list(
        Mail.objects.filter(
            notification__in=notifications, sent_at__isnull=True, kind=Mail.Kind.NOW
        ).values_list("pk", flat=True)
    )
    if mails:
        send_mails.delay(mails)
