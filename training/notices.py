"""Who hears of a training event, and the inbox rows they get (the outbox handler's work).

Followers hear of activities the way they hear of procedures: following the organising
agency, a topic or a country of the activity brings its publication, changes and
cancellation (unless muted); the people registered hear of changes and cancellation
whatever they follow; a confirmation reaches the expert; an overdue corrective action
reaches its assignee and the owning agency's publishers and admins; stale training
reaches the trainers. Nobody hears of an activity they may not see, nor of their own act.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from events.models import Event
from network.models import Membership
from notifications import push
from notifications.models import Notification, Subscription
from notifications.selectors import unread_count
from training.models import Activity, CorrectiveAction, Registration

ACTIVITY_KINDS = ("activity.published", "activity.changed", "activity.cancelled")


def _vetted_users(user_ids) -> set[int]:
    User = get_user_model()
    return set(
        User.objects.filter(pk__in=set(user_ids), is_active=True)
        .filter(Q(is_staff=True) | Q(expert__memberships__status=Membership.Status.APPROVED))
        .values_list("pk", flat=True)
    )


def _followers(activity: Activity) -> set[int]:
    topics = list(activity.topics.values_list("pk", flat=True))
    countries = list(activity.countries.values_list("pk", flat=True))
    follows = Q(kind=Subscription.Kind.AGENCY, agency_id=activity.organiser_id)
    follows |= Q(kind=Subscription.Kind.TOPIC, topic__in=topics)
    follows |= Q(kind=Subscription.Kind.COUNTRY, country__in=countries)
    rows = Subscription.objects.filter(follows, in_app=True).exclude(level=Subscription.Level.MUTED)
    return set(rows.values_list("user_id", flat=True))


def recipients(event: Event) -> tuple[set[int], str, str, str]:
    """(user ids, title, text, link) for a training event."""
    p = event.payload
    activity = Activity.objects.filter(pk=p.get("activity_id")).first()
    if event.kind in ACTIVITY_KINDS or event.kind == "registration.confirmed":
        if activity is None:
            return set(), "", "", ""
        link = activity.get_absolute_url()
        if event.kind == "registration.confirmed":
            registration = (
                Registration.objects.select_related("expert")
                .filter(pk=p["registration_id"])
                .first()
            )
            users = {registration.expert.user_id} if registration else set()
            title = _("Your place is confirmed: %(title)s") % {"title": activity.title}
            return users, title, activity.starts.isoformat(), link
        users = _followers(activity)
        if event.kind != "activity.published":
            users |= set(
                activity.registrations.filter(status__in=Registration.ACTIVE).values_list(
                    "expert__user_id", flat=True
                )
            )
        if activity.status == Activity.Status.DRAFT:
            users = set()
        title = {
            "activity.published": _("New activity: %(title)s"),
            "activity.changed": _("Activity changed: %(title)s"),
            "activity.cancelled": _("Activity cancelled: %(title)s"),
        }[event.kind] % {"title": activity.title}
        return users, title, activity.starts.isoformat(), link
    if event.kind == "action.overdue":
        action = (
            CorrectiveAction.objects.select_related("assignee").filter(pk=p["action_id"]).first()
        )
        if action is None:
            return set(), "", "", ""
        users = set(
            Membership.objects.filter(
                agency_id=action.owner_id,
                status=Membership.Status.APPROVED,
                role__in=[Membership.Role.PUBLISHER, Membership.Role.ADMIN],
            ).values_list("expert__user_id", flat=True)
        )
        if action.assignee:
            users.add(action.assignee.user_id)
        title = _("Corrective action overdue: %(title)s") % {"title": action.title}
        link = f"{activity.get_absolute_url()}report/" if activity else "/"
        return users, title, _("Due %(date)s") % {"date": p["due"]}, link
    if event.kind == "training.stale":
        title = _("A procedure you trained changed: now version %(number)s") % {
            "number": p["number"]
        }
        text = _("Activities that trained an older version are flagged; update your material.")
        from django.urls import reverse

        return set(p["trainer_user_ids"]), title, text, reverse("training:stale")
    return set(), "", "", ""


def training_notify(*, event: Event) -> list[int]:
    """Create the inbox rows (once per event and person) and push them after commit."""
    users, title, text, link = recipients(event)
    users = _vetted_users(users - {event.actor_id})
    if not users:
        return []
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=u,
                    event=event,
                    kind=event.kind,
                    title=title[:300],
                    text=text[:500],
                    link=link,
                    in_app=True,
                )
                for u in users
            ],
            ignore_conflicts=True,
        )
        created = list(Notification.objects.filter(event=event, recipient_id__in=users))
        transaction.on_commit(lambda: _push(created))
    return [n.pk for n in created]


def _push(rows: list[Notification]) -> None:
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
