"""The fan-out of one SOP event: recipients -> rows -> pushes and mails after commit.

This is the hot path (10,000 followers must take well under 2 s on two cores), so it
avoids building a model instance per recipient: rows go in as arrays and come back as
tuples. Rows are unique per (event, recipient): a re-run creates and pushes nothing twice.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from events.models import Event
from notifications import push
from notifications.models import Mail, Notification
from notifications.recipients import Delivery, recipients_for, visible_to
from sops.models import SOP, SOPVersion

ACK_TEXT = gettext_noop("Please read it and confirm you have understood it.")


class NewRow(NamedTuple):
    id: int
    recipient_id: int
    text: str
    in_app: bool
    email_now: bool
    unread: int  # the recipient's unread count including this one


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
    if event.kind == "sop.published" and p.get("scheduled"):
        text = _(
            "%(agency)s approved version %(number)s; it takes effect on %(date)s and the "
            "version in force stays until then."
        ) % {"agency": agency, "number": p["number"], "date": p.get("effective_date", "")}
    elif event.kind == "sop.took_effect":
        text = _("Version %(number)s is in force from today (%(date)s).") % {
            "number": p["number"],
            "date": p.get("effective_date", ""),
        }
    elif event.kind == "sop.acknowledgement_reminder":
        if p.get("stage") == "due":
            text = _("Today is the last day to acknowledge version %(number)s.")
        else:
            text = _("Please acknowledge version %(number)s by %(date)s.")
        text = text % {"number": p["number"], "date": p.get("acknowledge_by", "")}
    elif event.kind == "sop.published":
        if p.get("previous_version_id"):
            kind = dict(SOPVersion.ChangeKind.choices).get(p["change_kind"], p["change_kind"])
            text = _("%(agency)s published version %(number)s (%(kind)s change).") % {
                "agency": agency,
                "number": p["number"],
                "kind": str(kind).split(" (")[0].lower(),
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
    elif p.get("days_left", 0) > 0:
        text = _("This procedure is due for review on %(date)s (in %(days)d days).") % {
            "date": p.get("review_due", ""),
            "days": p["days_left"],
        }
    else:
        text = _("This procedure is due for review (since %(date)s).") % {
            "date": p.get("review_due", "")
        }
    return title[:300], text[:500]


def event_fan_out(*, event: Event) -> list[int]:
    """Create the notifications for one SOP event and queue their delivery after commit.

    Returns the ids of the notifications this run created.
    """
    p = event.payload
    sop = SOP.objects.select_related("agency").filter(pk=p.get("sop_id")).first()
    if sop is None:
        return []
    version = SOPVersion.objects.filter(pk=p.get("version_id")).first()
    if event.kind == "sop.acknowledgement_reminder":
        # Addressed to the members named, in the browser and by e-mail, whatever they follow.
        deliveries = {
            u: Delivery(None, in_app=True, email_now=True)
            for u in visible_to(sop, p.get("user_ids", []))
        }
    else:
        deliveries = recipients_for(
            sop=sop,
            event_kind=event.kind,
            change_kind=p.get("change_kind"),
            actor_id=event.actor_id,
            author_user_ids=(event.actor_id, version.author_id if version else None),
            scheduled=bool(p.get("scheduled")),
        )
    if not deliveries:
        return []
    title, text = _describe(event, sop, version)
    common = {
        "event_id": event.pk,
        "kind": event.kind,
        "sop_id": sop.pk,
        "title": title,
        "link": _link(sop, version),
        "created": timezone.now(),
    }
    ack_text = f"{text} {_(ACK_TEXT)}"[:500]
    with transaction.atomic():
        insert = _insert_postgresql if connection.vendor == "postgresql" else _insert_portable
        new = insert(common, deliveries, text, ack_text)
        Mail.objects.bulk_create(
            [
                Mail(user_id=r.recipient_id, kind=Mail.Kind.NOW, notification_id=r.id)
                for r in new
                if r.email_now
            ],
            ignore_conflicts=True,
        )
        transaction.on_commit(lambda: _deliver(common, [r for r in new if r.in_app]))
    return [r.id for r in new]


def _insert_postgresql(common: dict, deliveries: dict[int, Delivery], text: str, ack: str):
    """One ``INSERT ... SELECT unnest(...) ON CONFLICT DO NOTHING RETURNING`` statement.

    It returns exactly the rows this call inserted (``bulk_create`` cannot return ids
    with ``ignore_conflicts``), and each recipient's unread count in the same trip.
    """
    table = connection.ops.quote_name(Notification._meta.db_table)
    q = connection.ops.quote_name
    users = list(deliveries)
    ds = [deliveries[u] for u in users]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH ins AS (
                INSERT INTO {table} (recipient_id, event_id, kind, sop_id, subscription_id,
                    title, {q("text")}, link, in_app, email_now, digest, created)
                SELECT r, %s, %s, %s, s, %s, x, %s, a, e, d, %s
                FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::bool[], %s::bool[],
                            %s::bool[]) AS u(r, s, x, a, e, d)
                ON CONFLICT (event_id, recipient_id) DO NOTHING
                RETURNING id, recipient_id, {q("text")}, in_app, email_now)
            SELECT ins.*, 1 + (SELECT count(*) FROM {table} n WHERE n.recipient_id = ins.recipient_id
                               AND n.in_app AND n.read IS NULL)
            FROM ins""",
            [
                common["event_id"], common["kind"], common["sop_id"], common["title"],
                common["link"], common["created"],
                users, [d.subscription_id for d in ds],
                [ack if d.acknowledge else text for d in ds], [d.in_app for d in ds],
                [d.email_now for d in ds], [d.digest for d in ds],
            ],
        )  # fmt: skip
        return [NewRow(*row) for row in cursor.fetchall()]


def _insert_portable(common: dict, deliveries: dict[int, Delivery], text: str, ack: str):
    """``bulk_create(ignore_conflicts=True)`` and a read back (SQLite, the embedded default)."""
    done = set(
        Notification.objects.filter(event_id=common["event_id"]).values_list(
            "recipient_id", flat=True
        )
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                subscription_id=d.subscription_id,
                text=ack if d.acknowledge else text,
                in_app=d.in_app,
                email_now=d.email_now,
                digest=d.digest,
                **common,
            )
            for user_id, d in deliveries.items()
            if user_id not in done
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    rows = Notification.objects.filter(event_id=common["event_id"]).exclude(recipient_id__in=done)
    rows = list(rows.values_list("id", "recipient_id", "text", "in_app", "email_now"))
    counts = dict(
        Notification.objects.filter(
            recipient_id__in=[r[1] for r in rows], in_app=True, read__isnull=True
        )
        .values("recipient_id")
        .annotate(n=Count("id"))
        .values_list("recipient_id", "n")
    )
    return [NewRow(*row, counts.get(row[1], 1)) for row in rows]


def _deliver(common: dict, rows: list[NewRow]) -> None:
    """After commit: push to open tabs, then queue the e-mails that go out at once."""
    if rows:
        base = {
            "kind": common["kind"],
            "title": common["title"],
            "link": common["link"],
            "created": common["created"].isoformat(),
            "read": False,
        }
        push.push_now(
            [
                (
                    r.recipient_id,
                    {
                        "type": "notification.new",
                        "notification": {**base, "id": r.id, "text": r.text},
                        "unread": r.unread,
                    },
                )
                for r in rows
            ]
        )
    from notifications.tasks import send_mails

    mail_ids = list(
        Mail.objects.filter(
            notification__event_id=common["event_id"], kind=Mail.Kind.NOW, sent_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for i in range(0, len(mail_ids), 50):
        send_mails.delay(mail_ids[i : i + 50])
