"""The fan-out of one SOP event: recipients -> rows -> pushes and mails after commit.

This is the hot path (10,000 followers must take well under 2 s on two cores), so it
avoids building a model instance per recipient: rows go in as arrays and come back as
tuples. Rows are unique per (event, recipient): a re-run creates and pushes nothing twice.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from events.models import Event
from network.models import Expert
from network.preferences import delivery_language
from notifications import push
from notifications.models import Mail, Notification
from notifications.recipients import Delivery, recipients_for, visible_to
from notifications.texts import render_text
from sops.models import SOP, SOPVersion


class NewRow(NamedTuple):
    id: int
    recipient_id: int
    in_app: bool
    email_now: bool
    unread: int  # the recipient's unread count including this one
    language: str | None  # the recipient's chosen language ("" or None: the default)
    acknowledge: bool


def _link(sop: SOP, version: SOPVersion | None) -> str:
    try:
        if version is not None and version.status != SOPVersion.Status.DRAFT:
            return reverse("sops:version", args=[sop.pk, version.pk])
        return reverse("sops:detail", args=[sop.pk])
    except NoReverseMatch:  # the SOP pages are not mounted (a stripped-down deployment)
        return f"/sops/{sop.pk}/"


def _describe(event: Event, sop: SOP, version: SOPVersion | None) -> tuple[str, dict]:
    """Title (the procedure's own words) and the parameters of the text, which is
    written in each reader's language when it is read (``notifications.texts``)."""
    p = event.payload
    title = f"{sop.reference} {version.title if version else sop.title}"
    params = {
        "agency": sop.agency.acronym or sop.agency.name,
        "number": p.get("number", ""),
    }
    if event.kind == "sop.published":
        params.update(
            scheduled=bool(p.get("scheduled")),
            effective_date=p.get("effective_date", ""),
            revision=bool(p.get("previous_version_id")),
            change_kind=p.get("change_kind", ""),
            summary=(version.change_summary if version is not None else "")[:400],
        )
    elif event.kind == "sop.took_effect":
        params["effective_date"] = p.get("effective_date", "")
    elif event.kind == "sop.acknowledgement_reminder":
        params.update(stage=p.get("stage", ""), acknowledge_by=p.get("acknowledge_by", ""))
    elif event.kind == "sop.withdrawn":
        params["reason"] = p.get("reason", "")
    else:
        params.update(review_due=p.get("review_due", ""), days_left=p.get("days_left", 0))
    return title[:300], params


def _english(kind: str, params: dict) -> str:
    with translation.override("en"):
        return render_text(kind, params)


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
    title, params = _describe(event, sop, version)
    common = {
        "event_id": event.pk,
        "kind": event.kind,
        "sop_id": sop.pk,
        "title": title,
        "link": _link(sop, version),
        "created": timezone.now(),
    }
    plain, ack = params, {**params, "ack": True}
    texts = (_english(event.kind, plain), _english(event.kind, ack))
    with transaction.atomic():
        insert = _insert_postgresql if connection.vendor == "postgresql" else _insert_portable
        new = insert(common, deliveries, (plain, ack), texts)
        Mail.objects.bulk_create(
            [
                Mail(user_id=r.recipient_id, kind=Mail.Kind.NOW, notification_id=r.id)
                for r in new
                if r.email_now
            ],
            ignore_conflicts=True,
        )
        transaction.on_commit(lambda: _deliver(common, params, [r for r in new if r.in_app]))
    return [r.id for r in new]


def _insert_postgresql(common: dict, deliveries: dict[int, Delivery], params, texts):
    """One ``INSERT ... SELECT unnest(...) ON CONFLICT DO NOTHING RETURNING`` statement.

    It returns exactly the rows this call inserted (``bulk_create`` cannot return ids
    with ``ignore_conflicts``), and each recipient's unread count and language in the
    same trip. ``params`` and ``texts`` are (plain, with the request to acknowledge).
    """
    table = connection.ops.quote_name(Notification._meta.db_table)
    experts = connection.ops.quote_name(Expert._meta.db_table)
    q = connection.ops.quote_name
    users = list(deliveries)
    ds = [deliveries[u] for u in users]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH ins AS (
                INSERT INTO {table} (recipient_id, event_id, kind, sop_id, subscription_id,
                    title, {q("text")}, params, link, in_app, email_now, digest, created)
                SELECT r, %s, %s, %s, s, %s,
                    CASE WHEN k THEN %s ELSE %s END,
                    CASE WHEN k THEN %s::jsonb ELSE %s::jsonb END,
                    %s, a, e, d, %s
                FROM unnest(%s::bigint[], %s::bigint[], %s::bool[], %s::bool[], %s::bool[],
                            %s::bool[]) AS u(r, s, k, a, e, d)
                ON CONFLICT (event_id, recipient_id) DO NOTHING
                RETURNING id, recipient_id, in_app, email_now)
            SELECT ins.*, 1 + (SELECT count(*) FROM {table} n WHERE n.recipient_id = ins.recipient_id
                               AND n.in_app AND n.read IS NULL),
                (SELECT x.language FROM {experts} x WHERE x.user_id = ins.recipient_id)
            FROM ins""",
            [
                common["event_id"], common["kind"], common["sop_id"], common["title"],
                texts[1], texts[0], json.dumps(params[1]), json.dumps(params[0]),
                common["link"], common["created"],
                users, [d.subscription_id for d in ds], [d.acknowledge for d in ds],
                [d.in_app for d in ds], [d.email_now for d in ds], [d.digest for d in ds],
            ],
        )  # fmt: skip
        return [
            NewRow(*row, acknowledge=deliveries[row[1]].acknowledge) for row in cursor.fetchall()
        ]


def _insert_portable(common: dict, deliveries: dict[int, Delivery], params, texts):
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
                text=texts[d.acknowledge],
                params=params[d.acknowledge],
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
    rows = list(rows.values_list("id", "recipient_id", "in_app", "email_now"))
    ids = [r[1] for r in rows]
    counts = dict(
        Notification.objects.filter(recipient_id__in=ids, in_app=True, read__isnull=True)
        .values("recipient_id")
        .annotate(n=Count("id"))
        .values_list("recipient_id", "n")
    )
    languages = dict(Expert.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    return [
        NewRow(
            *row,
            unread=counts.get(row[1], 1),
            language=languages.get(row[1]),
            acknowledge=deliveries[row[1]].acknowledge,
        )
        for row in rows
    ]


def _deliver(common: dict, params: dict, rows: list[NewRow]) -> None:
    """After commit: push to open tabs, then queue the e-mails that go out at once.

    Each tab gets the text in its reader's language; it is written once per language
    (and once more with the request to acknowledge), not once per recipient.
    """
    if rows:
        base = {
            "kind": common["kind"],
            "title": common["title"],
            "link": common["link"],
            "created": common["created"].isoformat(),
            "read": False,
        }
        written: dict[tuple[str | None, bool], str] = {}

        def text(language: str | None, acknowledge: bool) -> str:
            # Keyed by the stored choice: resolving it per recipient cost more than
            # the rest of the push (10,000 settings lookups).
            key = (language, acknowledge)
            if key not in written:
                with translation.override(delivery_language(language)):
                    written[key] = render_text(common["kind"], {**params, "ack": acknowledge})
            return written[key]

        push.push_now(
            [
                (
                    r.recipient_id,
                    {
                        "type": "notification.new",
                        "notification": {
                            **base,
                            "id": r.id,
                            "text": text(r.language, r.acknowledge),
                        },
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
