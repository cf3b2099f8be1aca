"""Two people in Chromium: a follower's open SOP page shows the toast and the bell count
rises without a reload when a publisher, in another browser context, publishes a revision;
the follower's second tab (the inbox) follows along.

Runs against daphne (WebSockets need the real ASGI server), Redis and a Celery worker.
"""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from notifications.models import Notification
from sops import services as sop_services
from tests.notifications.conftest import publish_new
from tests.waiting import wait_for

# The publish goes through Redis to a real Celery worker, not eager tasks.
pytestmark = pytest.mark.integration


def signed_in_page(new_page, base_url: str, user):
    client = Client()
    client.force_login(user)
    page = new_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return page


def test_follower_sees_toast_and_bell_rise_when_a_revision_is_published(
    daphne_server,
    running_worker,
    new_page,
    publisher,
    editor,
    outsider,
):
    sop = publish_new(publisher=publisher, title="Suspicious powder in a parcel")
    wait_for(lambda: Notification.objects.filter(sop=sop).exists(), what="1.0's notifications")
    draft = sop_services.version_start_revision(sop=sop, by=editor, change_kind="major")
    sop_services.version_update(
        version=draft,
        by=editor,
        expected_edit_count=None,
        body=draft.body + "\n3. Double-bag the sample.",
        change_summary="Double-bag every sample.",
    )
    sop_services.version_submit(version=draft, by=editor)

    follower = signed_in_page(new_page, daphne_server, outsider)
    follower.goto(f"{daphne_server}{sop.get_absolute_url()}")
    follower.get_by_test_id("follow-button").click()
    expect(follower.get_by_test_id("follow-state")).to_contain_text("Following")
    # The page is live once its socket is open (the bell marks it).
    expect(follower.locator("#bell-link[data-live]")).to_have_count(1)
    expect(follower.get_by_test_id("unread-count")).to_be_hidden()

    inbox = follower.context.new_page()  # a second tab of the same person
    inbox.goto(f"{daphne_server}/notifications/")
    expect(inbox.locator("#bell-link[data-live]")).to_have_count(1)

    reviewer = signed_in_page(new_page, daphne_server, publisher)
    reviewer.goto(f"{daphne_server}/sops/review/")
    reviewer.locator(".review-item").first.get_by_role("button", name="Approve and publish").click()
    expect(reviewer.get_by_test_id("version-number")).to_contain_text("2.0")

    toast = follower.get_by_test_id("toast")
    expect(toast).to_contain_text("Suspicious powder in a parcel", timeout=20_000)
    expect(toast).to_contain_text("Double-bag every sample.")
    expect(follower.get_by_test_id("unread-count")).to_have_text("1")
    expect(follower.get_by_test_id("unread-count")).to_be_visible()
    assert follower.url == f"{daphne_server}{sop.get_absolute_url()}"  # no reload, no navigation

    # The other tab got it too, and its inbox list grew without a reload.
    expect(inbox.get_by_test_id("unread-count")).to_have_text("1")
    expect(inbox.get_by_test_id("notification").first).to_contain_text("Double-bag every sample.")
    # Marking all read in one tab clears the bell in the other.
    inbox.reload()
    inbox.get_by_test_id("mark-all-read").click()
    expect(follower.get_by_test_id("unread-count")).to_be_hidden()
