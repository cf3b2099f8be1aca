"""Following, the fan-out of SOP events and reading, through the services."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from events.models import Event
from events.services import handler_run
from frontline.errors import ActionRefused, NotAllowed
from notifications import services
from notifications.hub import BATCH_TYPE, HOSTS_GROUP
from notifications.models import Mail, Notification, Subscription
from sops import services as sop_services
from sops.models import SOP
from tests import factories

HANDLER = "notifications.handlers.on_sop_event"


@pytest.fixture
def inbox_of(settings):
    """A fake web process holding one tab of the user: a channel in the user's group and
    in the hubs' group; ``read()`` returns what arrived for that user, in order.

    In-process layer here; tests/integration covers the Redis one end to end.
    """
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()

    def make(user):
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(f"user-{user.pk}", channel)
        async_to_sync(layer.group_add)(HOSTS_GROUP, channel)

        def read():
            out = []
            while True:
                try:
                    message = async_to_sync(_receive_now)(layer, channel)
                except TimeoutError:
                    return out
                if message["type"] == BATCH_TYPE:
                    out.extend(m for uid, m in message["items"] if uid == user.pk)
                else:
                    out.append(message)

        return read

    return make


async def _receive_now(layer, channel):
    import asyncio

    return await asyncio.wait_for(layer.receive(channel), 0.05)


def test_following_needs_vetting(unvetted, home_agency):
    with pytest.raises(NotAllowed):
        services.subscription_set(by=unvetted, target=home_agency)


def test_following_twice_updates_the_one_row(member, other_agency):
    services.subscription_set(by=member, target=other_agency)
    services.subscription_set(by=member, target=other_agency, level="major", email_now=True)
    sub = Subscription.objects.get(user=member)
    assert (sub.kind, sub.level, sub.email_now) == ("agency", "major", True)


def test_following_an_sop_one_cannot_see_is_refused(publisher, outsider, publish):
    sop = publish(publisher=publisher, visibility=SOP.Visibility.AGENCY)
    with pytest.raises(NotAllowed):
        services.subscription_set(by=outsider, target=sop)


def test_following_with_no_channel_is_refused_unless_muted(member, other_agency):
    with pytest.raises(ActionRefused):
        services.subscription_set(by=member, target=other_agency, in_app=False)
    services.subscription_set(by=member, target=other_agency, level="muted", in_app=False)


def test_one_cannot_remove_someone_elses_subscription(member, outsider, other_agency):
    sub = services.subscription_set(by=outsider, target=other_agency)
    with pytest.raises(NotAllowed):
        services.subscription_remove(by=member, subscription=sub)


def test_publishing_notifies_followers_and_pushes_after_commit(
    publisher, member, outsider, publish, inbox_of
):
    sop = publish(publisher=publisher)
    services.subscription_set(by=outsider, target=sop, email_now=True)
    read = inbox_of(outsider)
    publish(sop=sop, publisher=publisher, summary="Wear two pairs of gloves.")

    n = Notification.objects.get(recipient=outsider, kind="sop.published", sop=sop, read=None)
    sop.refresh_from_db()
    assert "version 1.1" in n.text and "Wear two pairs of gloves." in n.text
    assert n.link == f"/sops/{sop.pk}/versions/{sop.current_version_id}/"
    messages = read()
    assert [m["type"] for m in messages] == ["notification.new"]
    assert messages[0]["notification"]["id"] == n.pk and messages[0]["unread"] == 1
    assert Mail.objects.filter(notification=n, kind="now").exists()


def test_rerunning_the_handler_creates_and_pushes_nothing_twice(
    publisher, member, publish, inbox_of, django_capture_on_commit_callbacks
):
    sop = publish(publisher=publisher)
    read = inbox_of(member)
    publish(sop=sop, publisher=publisher)
    event = Event.objects.filter(kind="sop.published").last()
    assert len(read()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_fan_out(event=event) == []
    assert read() == []
    assert Notification.objects.filter(event=event).count() == 1
    assert handler_run(event_id=event.pk, handler=HANDLER) is False  # claimed once already


def test_major_revision_asks_members_to_acknowledge(publisher, member, publish):
    sop = publish(publisher=publisher)
    publish(sop=sop, publisher=publisher, change_kind="major", summary="New sampling kit.")
    n = Notification.objects.get(recipient=member, event__payload__number="2.0")
    assert "acknowledge" in n.text or "understood" in n.text


def test_withdrawal_and_review_due_notify_followers(
    publisher, member, publish, django_capture_on_commit_callbacks
):
    sop = publish(publisher=publisher)
    with django_capture_on_commit_callbacks(execute=True):
        sop_services.version_withdraw(version=sop.current_version, by=publisher, reason="Replaced.")
    n = Notification.objects.get(recipient=member, kind="sop.withdrawn")
    assert "Replaced." in n.text


def test_outsider_gets_no_notification_of_agency_only_sop(
    publisher, outsider, home_agency, publish, inbox_of
):
    services.subscription_set(by=outsider, target=home_agency)
    read = inbox_of(outsider)
    publish(publisher=publisher, visibility=SOP.Visibility.AGENCY)
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert read() == []


def test_in_app_off_means_no_push_and_no_inbox_row_shown(publisher, outsider, publish, inbox_of):
    sop = publish(publisher=publisher)
    services.subscription_set(by=outsider, target=sop, in_app=False, digest=True)
    read = inbox_of(outsider)
    publish(sop=sop, publisher=publisher)
    n = Notification.objects.get(recipient=outsider)
    assert n.digest and not n.in_app
    assert read() == []


def test_mark_read_and_mark_all_push_the_new_count(
    publisher, member, publish, inbox_of, django_capture_on_commit_callbacks
):
    sop = publish(publisher=publisher)
    publish(sop=sop, publisher=publisher)
    read = inbox_of(member)
    first = Notification.objects.filter(recipient=member).order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_mark_read(by=member, notification=first)
    assert read() == [{"type": "notification.unread", "unread": 1}]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notifications_mark_all_read(by=member) == 1
    assert read() == [{"type": "notification.unread", "unread": 0}]


def test_one_cannot_mark_someone_elses_notification(publisher, member, outsider, publish):
    publish(publisher=publisher)
    n = Notification.objects.get(recipient=member)
    with pytest.raises(NotAllowed):
        services.notification_mark_read(by=outsider, notification=n)


def test_inactive_users_are_not_notified(publisher, publish, home_agency):
    gone = factories.expert(agency=home_agency).user
    gone.is_active = False
    gone.save()
    publish(publisher=publisher)
    assert not Notification.objects.filter(recipient=gone).exists()


def test_review_due_reaches_followers_at_every_change_but_not_major_only(
    publisher, member, outsider, publish, django_capture_on_commit_callbacks
):
    import datetime

    sop = publish(publisher=publisher, review_due=datetime.date(2030, 1, 1))
    services.subscription_set(by=outsider, target=sop, level="major")
    with django_capture_on_commit_callbacks(execute=True):
        assert sop_services.review_reminders_emit(today=datetime.date(2030, 1, 2)) == 1
    due = Notification.objects.filter(kind="sop.review_due")
    assert {n.recipient for n in due} == {member, publisher}  # the agency; no actor to skip
    assert "due for review" in due[0].text
