"""Mail delivery: at once per notification, or one daily digest per user.

One module for the e-mail channel (as Healthchecks keeps one per transport). Each mail
is a ``Mail`` row claimed with a conditional update before it is sent, so a task that
is retried, redelivered or run twice never sends it twice. Unsubscribe links carry a
signature instead of a session: they work from any mail client without signing in.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontline.text import one_line
from network.preferences import delivery_language, language_of, timezone_name_of, zone
from notifications.models import Mail, Notification, Subscription
from sops.permissions import about_visible_sop_q

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 365 * 24 * 3600  # a link in a year-old mail stops working
DIGEST_HOUR = 6  # the daily digest goes out at 06:00 in each recipient's time zone


def base_url() -> str:
    return getattr(settings, "FRONTLINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def unsubscribe_token(*, user_id: int, subscription_id: int | None, digest: bool) -> str:
    return signing.dumps(
        {"u": user_id, "s": subscription_id, "d": int(digest)}, salt=UNSUBSCRIBE_SALT
    )


def unsubscribe_read(token: str) -> dict | None:
    """The token's content, or None if it was not signed by us, was tampered with or is
    more than a year old."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or "u" not in data:
        return None
    return data


def unsubscribe_url(**kwargs) -> str:
    return base_url() + reverse("notifications:unsubscribe", args=[unsubscribe_token(**kwargs)])


def _visible(user, items):
    return items.filter(about_visible_sop_q(user))


def _build(mail: Mail) -> EmailMultiAlternatives | None:
    """The mail in its recipient's language, with times in their time zone."""
    user = mail.user
    if not user.is_active or not user.email:
        return None
    language = delivery_language(language_of(user))
    with translation.override(language), timezone.override(zone(timezone_name_of(user))):
        return _compose(mail, user)


def _compose(mail: Mail, user) -> EmailMultiAlternatives | None:
    if mail.kind == Mail.Kind.NOW:
        items = list(_visible(user, Notification.objects.filter(pk=mail.notification_id)))
        if not items:
            return None
        # one_line: a title stored before titles were checked must not break the header.
        subject = _("[Frontline] %(title)s") % {"title": one_line(items[0].display_title)}
        unsubscribe = unsubscribe_url(
            user_id=user.pk, subscription_id=items[0].subscription_id, digest=False
        )
    else:
        items = list(_visible(user, mail.digest_items.order_by("id")))
        if not items:
            return None
        subject = ngettext(
            "[Frontline] Your daily digest: %(count)d change",
            "[Frontline] Your daily digest: %(count)d changes",
            len(items),
        ) % {"count": len(items)}
        unsubscribe = unsubscribe_url(user_id=user.pk, subscription_id=None, digest=True)
    context = {
        "mail": mail,
        "user": user,
        "items": items,
        "base_url": base_url(),
        "unsubscribe_url": unsubscribe,
        "following_url": base_url() + reverse("notifications:following"),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email/mail.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("notifications/email/mail.html", context), "text/html"
    )
    return message


def mail_send(*, mail_id: int) -> bool:
    """Send one mail unless it was sent already. Returns True if this call sent it.

    A failure releases the claim and re-raises, so the task's retry sends it later.
    """
    claimed = Mail.objects.filter(pk=mail_id, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    mail = Mail.objects.select_related("user").get(pk=mail_id)
    try:
        message = _build(mail)
        if message is None:
            return False
        message.send()
    except Exception as exc:
        Mail.objects.filter(pk=mail_id).update(sent_at=None, last_error=repr(exc)[:2000])
        raise
    return True


def digests_prepare(*, now=None) -> list[int]:
    """Gather each user's notifications for the daily digest into the day's mail, once
    06:00 has come in that user's own time zone; return the ids of the mails to send.

    The digest of a day holds what arrived before 06:00 of that day (local time) and
    was not in an earlier digest; what arrives later waits for the next morning's.
    Beat runs this every 15 minutes: run again the same day, it gathers nothing twice
    and a mail already sent is left alone (one mail per user and day, a unique row).
    """
    now = now or timezone.now()
    pending = Notification.objects.filter(digest=True, digest_mail__isnull=True, created__lt=now)
    users = (
        pending.values_list("recipient_id", "recipient__expert__timezone")
        .annotate(first=Min("created"))
        .order_by("recipient_id")
    )
    mail_ids = []
    for user_id, tzname, first in users:
        local = now.astimezone(zone(tzname))
        if local.hour < DIGEST_HOUR:
            continue  # before 06:00 where they live: yesterday's digest went out already
        cutoff = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
        if first >= cutoff:
            continue  # everything waiting came after this morning's digest time
        with transaction.atomic():
            mail, _created = Mail.objects.get_or_create(
                user_id=user_id, kind=Mail.Kind.DIGEST, day=local.date()
            )
            if mail.sent_at is not None:
                continue
            pending.filter(recipient_id=user_id, created__lt=cutoff).update(digest_mail=mail)
        mail_ids.append(mail.pk)
    return mail_ids


def subscription_of_token(data: dict) -> Subscription | None:
    if not data.get("s"):
        return None
    return Subscription.objects.filter(pk=data["s"], user_id=data["u"]).first()
