"""The notice an applicant gets when an agency approves their request to join.

The outbox handler of ``expert.joined``: one notification (unique per event and
recipient, so a re-run creates nothing twice) in the inbox and the open tabs, and one
e-mail at once, both after commit.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import translation

from events.models import Event
from network.models import Membership
from network.preferences import delivery_language, language_of
from notifications import push
from notifications.models import Mail, Notification
from notifications.selectors import unread_count
from notifications.texts import render_text, render_title


def english(render, *args) -> str:
    with translation.override("en"):
        return render(*args)


def membership_approved_notify(*, event: Event) -> int | None:
    """Tell the approved expert; returns the notification's id (None if already told)."""
    membership = (
        Membership.objects.select_related("expert__user", "agency")
        .filter(pk=event.payload.get("membership_id"), status=Membership.Status.APPROVED)
        .first()
    )
    if membership is None:
        return None
    user, agency = membership.expert.user, membership.agency
    params = {"agency": agency.name}
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            event=event,
            recipient=user,
            defaults={
                "kind": event.kind,
                # Stored in English for the admin; read in the recipient's language.
                "title": english(render_title, event.kind, params, ""),
                "text": english(render_text, event.kind, params),
                "params": params,
                "link": reverse("network:agency", args=[agency.code]),
                "in_app": True,
                "email_now": True,
            },
        )
        if not created:
            return None
        mail = Mail.objects.create(user=user, kind=Mail.Kind.NOW, notification=notification)
        transaction.on_commit(lambda: _deliver(notification, mail.pk))
    return notification.pk


def _deliver(notification: Notification, mail_id: int) -> None:
    from notifications.tasks import send_mails

    user_id = notification.recipient_id
    with translation.override(delivery_language(language_of(notification.recipient))):
        item = push.notification_as_dict(notification)
    message = {
        "type": "notification.new",
        "notification": item,
        "unread": unread_count(user=notification.recipient),
    }
    push.push_now([(user_id, message)])
    send_mails.delay([mail_id])
