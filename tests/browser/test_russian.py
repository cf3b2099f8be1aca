"""A reader in Russian, in Chromium at phone width, against daphne, Redis and a Celery
worker: chooses Русский in the header menu, signs in, searches, opens a procedure,
follows it, and gets the toast in Russian when a revision is published.

The toast's sentence is written by the worker in the reader's language; the test
compares it with the same notification rendered here in Russian (the catalogue
decides the words), and checks the words of the JavaScript catalogue directly.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import translation
from playwright.sync_api import expect

from network.models import Expert
from notifications.models import Notification
from search import index
from sops import services as sop_services
from tests import factories
from tests.notifications.conftest import publish_new
from tests.waiting import wait_for

pytestmark = pytest.mark.integration
PHONE = {"width": 390, "height": 844}


def test_a_russian_reader_follows_a_procedure_and_gets_the_toast_in_russian(
    daphne_server, running_worker, new_page, publisher, editor, outsider
):
    sop = publish_new(publisher=publisher, title="Suspicious powder in a parcel")
    wait_for(lambda: Notification.objects.filter(sop=sop).exists(), what="1.0's notifications")
    index.rebuild()
    draft = sop_services.version_start_revision(sop=sop, by=editor, change_kind="minor")
    sop_services.version_update(
        version=draft,
        by=editor,
        expected_edit_count=None,
        body=draft.body + "\n3. Double-bag the sample.",
        change_summary="Double-bag every sample.",
    )
    sop_services.version_submit(version=draft, by=editor)

    page = new_page(viewport=PHONE)
    page.goto(f"{daphne_server}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # site.js makes the select submit itself and hides the fallback button.
    expect(page.get_by_test_id("language-submit")).to_be_hidden()
    page.get_by_test_id("language-select").select_option("ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_test_id("language-select")).to_have_value("ru")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # daphne runs the real settings, without the tests' MD5 hasher: a hash it can check.
    hasher = PBKDF2PasswordHasher()
    outsider.password = hasher.encode(factories.PASSWORD, hasher.salt(), iterations=1000)
    outsider.save(update_fields=["password"])
    page.goto(f"{daphne_server}/accounts/login/")
    page.fill("#id_username", outsider.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("signed-in-user")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert Expert.objects.get(user=outsider).language == "ru"  # kept on the profile

    search = page.get_by_test_id("header-search").locator("input[type=search]")
    search.fill("powder parcel")
    search.press("Enter")
    page.get_by_test_id("hit").first.locator("a.hit-title").click()
    page.wait_for_url(f"**{sop.get_absolute_url()}")
    page.get_by_test_id("follow-button").click()
    expect(page.get_by_test_id("follow-state")).to_be_visible()
    expect(page.locator("#bell-link[data-live]")).to_have_count(1)

    sop_services.version_publish(version=draft, by=publisher)
    toast = page.get_by_test_id("toast")
    expect(toast).to_contain_text("Suspicious powder in a parcel", timeout=20_000)
    note = Notification.objects.get(recipient=outsider, sop=sop, params__number="1.1")
    with translation.override("ru"):
        expected = note.display_text
    expect(toast.locator("p")).to_have_text(expected)
    assert "Double-bag every sample." in expected
    # The words of the JavaScript catalogue, with Russian plural forms.
    expect(toast.locator("button.toast-close")).to_have_attribute(
        "aria-label", "Закрыть уведомление"
    )
    expect(page.get_by_test_id("bell")).to_have_attribute(
        "aria-label", "1 непрочитанное уведомление"
    )
    plural = (
        "n => interpolate(ngettext('%s unread notification', '%s unread notifications', n), [n])"
    )
    assert page.evaluate(f"[1, 2, 5, 21, 22, 11].map({plural})") == [
        "1 непрочитанное уведомление",
        "2 непрочитанных уведомления",
        "5 непрочитанных уведомлений",
        "21 непрочитанное уведомление",
        "22 непрочитанных уведомления",
        "11 непрочитанных уведомлений",
    ]
