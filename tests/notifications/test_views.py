"""Inbox, follow buttons, the Following page and unsubscribe links, as a browser sends them."""

import pytest
from django.urls import reverse

from notifications.emails import unsubscribe_token
from notifications.models import Notification, Subscription
from sops.models import SOP
from tests import factories


def test_inbox_lists_filters_and_marks_read(client_for, publisher, member, publish):
    sop = publish(publisher=publisher)
    publish(sop=sop, publisher=publisher)
    client = client_for(member)
    page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200 and page.content.count(b'data-testid="notification"') == 2
    first = Notification.objects.filter(recipient=member).order_by("id").first()
    response = client.post(reverse("notifications:read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"Mark read" not in response.content
    # The page's own unread count is swapped out of band: it does not go stale.
    assert b'id="inbox-unread" data-testid="inbox-unread" hx-swap-oob="true">1 unread' in (
        response.content
    )
    unread = client.get(reverse("notifications:inbox") + "?unread=1")
    assert unread.content.count(b'data-testid="notification"') == 1
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=member, read__isnull=True).exists()


def test_inbox_hides_notifications_of_sops_the_user_can_no_longer_see(
    client_for, publisher, member, publish
):
    sop = publish(publisher=publisher, visibility=SOP.Visibility.AGENCY)
    assert Notification.objects.filter(recipient=member).exists()
    member.expert.memberships.update(status="rejected")
    page = client_for(member).get(reverse("notifications:inbox"))
    assert sop.reference.encode() not in page.content


def test_one_cannot_mark_someone_elses_notification_read(
    client_for, publisher, member, outsider, publish
):
    publish(publisher=publisher)
    n = Notification.objects.get(recipient=member)
    assert client_for(outsider).post(reverse("notifications:read", args=[n.pk])).status_code == 404


def test_bell_links_the_inbox_and_loads_the_live_client_for_vetted_users(client_for, member):
    page = client_for(member).get(reverse("home"))
    assert b'data-testid="bell"' in page.content and b"data-since=" in page.content
    assert b"notifications.js" in page.content


def test_bell_is_not_live_for_unvetted_users(client_for, unvetted):
    page = client_for(unvetted).get(reverse("home"))
    assert b'data-testid="bell"' not in page.content


def test_follow_button_on_agency_page_follows_with_htmx(client_for, outsider, home_agency):
    client = client_for(outsider)
    page = client.get(home_agency.get_absolute_url())
    assert b'data-testid="follow-button"' in page.content
    url = reverse("notifications:follow", args=["agency", home_agency.pk])
    response = client.post(url, {"quick": "1"}, HTTP_HX_REQUEST="true")
    assert b'data-testid="follow-state"' in response.content
    assert Subscription.objects.get(user=outsider).agency == home_agency
    response = client.post(url, {"level": "major", "email_now": "on"}, HTTP_HX_REQUEST="true")
    sub = Subscription.objects.get(user=outsider)
    assert (sub.level, sub.in_app, sub.email_now) == ("major", False, True)
    client.post(reverse("notifications:unfollow", args=["agency", home_agency.pk]))
    assert not Subscription.objects.filter(user=outsider).exists()


def test_member_sees_the_default_follow_of_their_agency(client_for, member, home_agency):
    page = client_for(member).get(home_agency.get_absolute_url())
    assert b"Following as a member" in page.content


def test_refused_follow_shows_the_reason_and_changes_nothing(client_for, member, other_agency):
    url = reverse("notifications:follow", args=["agency", other_agency.pk])
    response = client_for(member).post(url, {"level": "all"}, HTTP_HX_REQUEST="true")
    assert b"at least one way" in response.content
    assert not Subscription.objects.exists()


def test_agency_only_sop_cannot_be_followed_by_outsiders(client_for, publisher, outsider, publish):
    sop = publish(publisher=publisher, visibility=SOP.Visibility.AGENCY)
    url = reverse("notifications:follow", args=["sop", sop.pk])
    assert client_for(outsider).post(url, {"quick": "1"}).status_code == 404


def test_unvetted_and_anonymous_cannot_follow(client, client_for, unvetted, home_agency):
    url = reverse("notifications:follow", args=["agency", home_agency.pk])
    assert client.post(url, {"quick": "1"}).status_code == 302
    assert client_for(unvetted).post(url, {"quick": "1"}).status_code == 403
    assert not Subscription.objects.exists()


def test_following_page_lists_and_adds_topics(client_for, member, home_agency):
    topic = factories.topic()
    client = client_for(member)
    response = client.post(reverse("notifications:following"), {"topic": topic.pk})
    assert response.status_code == 302
    page = client.get(reverse("notifications:following"))
    assert topic.name.encode() in page.content and home_agency.name.encode() in page.content


@pytest.mark.parametrize("digest", [False, True])
def test_unsubscribe_link_works_without_signing_in(client, member, other_agency, digest):
    sub = Subscription.objects.create(
        user=member, kind="agency", agency=other_agency, email_now=True, digest=True
    )
    token = unsubscribe_token(user_id=member.pk, subscription_id=sub.pk, digest=digest)
    url = reverse("notifications:unsubscribe", args=[token])
    assert client.get(url).status_code == 200  # a GET (a mail scanner) changes nothing
    sub.refresh_from_db()
    assert sub.email_now and sub.digest
    assert b'data-testid="unsubscribed"' in client.post(url).content
    sub.refresh_from_db()
    assert (sub.email_now, sub.digest) == ((True, False) if digest else (False, True))


def test_tampered_unsubscribe_link_is_refused(client, member, other_agency):
    sub = Subscription.objects.create(
        user=member, kind="agency", agency=other_agency, email_now=True
    )
    token = unsubscribe_token(user_id=member.pk, subscription_id=sub.pk, digest=False)
    url = reverse("notifications:unsubscribe", args=[token[:-2] + "xx"])
    assert client.post(url).status_code == 400
    sub.refresh_from_db()
    assert sub.email_now
