"""The notice a translation's editors get when its source moves ahead of it.

The outbox handler of ``sop.translation_behind`` (emitted by ``sops.services`` when the
source takes a major or minor version into force). Recipients: the approved editors,
publishers and admins of the translation's agency who may see it, minus the actor and
anyone who muted that translation. In the inbox and open tabs, after commit; one row
per (event, recipient), so a re-run creates and pushes nothing twice.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from events.models import Event
from network.models import Membership
from network.permissions import ROLE_RANK
from notifications import push
from notifications.models import Notification, Subscription
from notifications.recipients import visible_to
from notifications.selectors import unread_count
from sops.models import SOP

KIND = "sop.translation_behind"
WRITERS = [r for r, rank in ROLE_RANK.items() if rank >= ROLE_RANK[Membership.Role.EDITOR]]


def translation_editor_ids(translation: SOP) -> set[int]:
    """Active users who write or approve ``translation`` and have not muted it."""
    writers = set(
        Membership.objects.filter(
            agency_id=translation.agency_id,
            status=Membership.Status.APPROVED,
            role__in=WRITERS,
            expert__user__is_active=True,
        ).values_list("expert__user_id", flat=True)
    )
    muted = Subscription.objects.filter(
        sop=translation, level=Subscription.Level.MUTED
    ).values_list("user_id", flat=True)
    return visible_to(translation, writers - set(muted))


def _text(event: Event, translation: SOP, source: SOP | None) -> tuple[str, str]:
    p = event.payload
    title = _("%(reference)s is behind its source") % {"reference": translation.reference}
    text = _(
        "%(source)s is now at version %(number)s; this translation renders an earlier "
        "version and is behind the source since version %(since)s. Update the translation."
    ) % {
        "source": source.reference if source else "",
        "number": p["number"],
        "since": p["behind_since"],
    }
    return title[:300], text[:500]


def translation_behind_notify(*, event: Event) -> list[int]:
    """Tell the translation's editors; returns the ids of the notifications created now."""
    p = event.payload
    translation = SOP.objects.filter(pk=p.get("sop_id")).first()
    if translation is None or translation.translation_of_id != p.get("source_sop_id"):
        return []  # gone, or unlinked since: the lag no longer concerns it
    recipients = translation_editor_ids(translation) - {event.actor_id}
    if not recipients:
        return []
    source = SOP.objects.filter(pk=p["source_sop_id"]).first()
    title, text = _text(event, translation, source)
    link = reverse("sops:detail", args=[translation.pk])
    done = set(
        Notification.objects.filter(event=event, recipient_id__in=recipients).values_list(
            "recipient_id", flat=True
        )
    )
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=user_id,
                    event=event,
                    kind=KIND,
                    sop=translation,
                    title=title,
                    text=text,
                    link=link,
                    in_app=True,
                )
                for user_id in sorted(recipients - done)
            ],
            ignore_conflicts=True,
        )
        new = list(
            Notification.objects.filter(event=event)
            .exclude(recipient_id__in=done)
            .select_related("recipient")
        )
        transaction.on_commit(lambda: _deliver(new))
    return [n.pk for n in new]


def _deliver(rows: list[Notification]) -> None:
    push.push_now(
        [
            (
                n.recipient_id,
                {
                    "type": "notification.new",
                    "notification": push.notification_as_dict(n),
                    "unread": unread_count(user=n.recipient),
                },
            )
            for n in rows
        ]
    )
