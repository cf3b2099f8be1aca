"""Every change in notifications: following, the fan-out of SOP events, reading.

Pushes to open tabs and mail tasks are queued with ``transaction.on_commit``: nothing
reaches a person for a change that rolled back.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event
from frontline.errors import ActionRefused, NotAllowed
from network.permissions import is_vetted
from notifications import push, selectors
from notifications.models import Mail, Notification, Subscription
from notifications.recipients import recipients_for
from sops.models import SOP, SOPVersion
from sops.permissions import can_view_sop

SOP_EVENTS = ("sop.published", "sop.withdrawn", "sop.review_due")


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


# Fan-out ---------------------------------------------------------------------------


def _link(sop: SOP, version: SOPVersion | None) -> str:
    try:
        if version is not None and version.status != SOPVersion.Status.DRAFT:
            return reverse("sops:version", args=[sop.pk, version.pk])
        return reverse("sops:detail", args=[sop.pk])
    except NoReverseMatch:  # the SOP pages are not mounted (a stripped-down deployment)
        return f"/sops/{sop.pk}/"


def _describe(event: Event, sop: SOP, version: SOPVersion | None) -> tuple[str, str]:
    """Title and text of a notification, written for the person reading it."""
    p = event.payload
    title = f"{sop.reference} {version.title if version else sop.title}"
    agency = sop.agency.acronym or sop.agency.name
    if event.kind == "sop.published":
        if p.get("previous_version_id"):
            text = _("%(agency)s published version %(number)s (%(kind)s change).") % {
                "agency": agency,
                "number": p["number"],
                "kind": dict(SOPVersion.ChangeKind.choices)
                .get(p["change_kind"], p["change_kind"])
                .split(" (")[0]
                .lower(),
            }
        else:
            text = _("%(agency)s published a new procedure (version %(number)s).") % {
                "agency": agency,
                "number": p["number"],
            }
        if version is not None and version.change_summary:
            text = f"{text} {version.change_summary}"
    elif event.kind == "sop.withdrawn":
        text = _("%(agency)s withdrew this procedure: %(reason)s") % {
            "agency": agency,
            "reason": p.get("reason", ""),
        }
    else:
        text = _("This procedure is due for review (since %(date)s).") % {
            "date": p.get("review_due", "")
        }
    return title[:300], text


ACK_TEXT = "Please read it and confirm you have understood it."


def event_fan_out(*, event: Event) -> list[int]:
    """Create the notifications for one SOP event and queue their delivery after commit.

    Rows are unique per (event, recipient): a re-run creates and pushes nothing twice.
    Returns the ids of the notifications this run created.
    """
    p = event.payload
    sop = SOP.objects.select_related("agency").filter(pk=p.get("sop_id")).first()
    if sop is None:
        return []
    version = SOPVersion.objects.filter(pk=p.get("version_id")).first()
    deliveries = recipients_for(
        sop=sop,
        event_kind=event.kind,
        change_kind=p.get("change_kind"),
        actor_id=event.actor_id,
        author_user_ids=(event.actor_id, version.author_id if version else None),
    )
    if not deliveries:
        return []
    title, text = _describe(event, sop, version)
    ack_text = f"{text} {_(ACK_TEXT)}"[:500]
    link = _link(sop, version)
    now = timezone.now()
    with transaction.atomic():
        rows = [
            Notification(
                recipient_id=user_id,
                event=event,
                kind=event.kind,
                sop=sop,
                subscription_id=d.subscription_id,
                title=title,
                text=ack_text if d.acknowledge else text[:500],
                link=link,
                in_app=d.in_app,
                email_now=d.email_now,
                digest=d.digest,
                created=now,
            )
            for user_id, d in deliveries.items()
        ]
        created = _insert_new(event, rows)
        Mail.objects.bulk_create(
            [
                Mail(user_id=n.recipient_id, kind=Mail.Kind.NOW, notification=n)
                for n in created
                if n.email_now
            ],
            ignore_conflicts=True,
        )
        transaction.on_commit(lambda: _deliver(event.pk, [n for n in created if n.in_app]))
    return [n.pk for n in created]


def _insert_new(event: Event, rows: list[Notification]) -> list[Notification]:
    """Insert the rows not there yet; return those this call inserted, with their ids.

    On PostgreSQL one ``INSERT ... SELECT unnest(...) ON CONFLICT DO NOTHING RETURNING``
    does it (10,000 rows in well under a second, where ``bulk_create`` spends most of
    its time building SQL and cannot return ids with ``ignore_conflicts``). Elsewhere:
    ``bulk_create(ignore_conflicts=True)`` and a read back.
    """
    if not rows:
        return []
    if connection.vendor == "postgresql":
        table = Notification._meta.db_table
        q = connection.ops.quote_name
        first = rows[0]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {q(table)} (recipient_id, event_id, kind, sop_id, subscription_id,
                    title, {q("text")}, link, in_app, email_now, digest, created)
                SELECT r, %s, %s, %s, s, %s, x, %s, a, e, d, %s
                FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::bool[], %s::bool[],
                            %s::bool[]) AS u(r, s, x, a, e, d)
                ON CONFLICT (event_id, recipient_id) DO NOTHING
                RETURNING id, recipient_id""",
                [
                    event.pk, first.kind, first.sop_id, first.title, first.link, first.created,
                    [n.recipient_id for n in rows], [n.subscription_id for n in rows],
                    [n.text for n in rows], [n.in_app for n in rows],
                    [n.email_now for n in rows], [n.digest for n in rows],
                ],
            )  # fmt: skip
            inserted = dict((recipient, pk) for pk, recipient in cursor.fetchall())
        new = [n for n in rows if n.recipient_id in inserted]
        for n in new:
            n.pk = inserted[n.recipient_id]
            n._state.adding = False
        return new
    done = set(Notification.objects.filter(event=event).values_list("recipient_id", flat=True))
    Notification.objects.bulk_create(
        [n for n in rows if n.recipient_id not in done], ignore_conflicts=True, batch_size=500
    )
    return [
        n
        for n in Notification.objects.filter(event=event).only(
            "id", "recipient_id", "kind", "title", "text", "link", "created", "read",
            "in_app", "email_now",
        )
        if n.recipient_id not in done
    ]  # fmt: skip


def _deliver(event_id: int, in_app: list[Notification]) -> None:
    """After commit: push to open tabs, then queue the e-mails that go out at once."""
    if in_app:
        counts = selectors.unread_counts(user_ids=[n.recipient_id for n in in_app])
        push.push_now(
            [(n.recipient_id, push.message_new(n, counts.get(n.recipient_id, 1))) for n in in_app]
        )
    from notifications.tasks import send_mails

    mail_ids = list(
        Mail.objects.filter(
            notification__event_id=event_id, kind=Mail.Kind.NOW, sent_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for i in range(0, len(mail_ids), 50):
        send_mails.delay(mail_ids[i : i + 50])
