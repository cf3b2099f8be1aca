"""axe-core finds nothing on the main pages, for the anonymous visitor, a member, an editor,
a publisher and an agency admin, in the states people meet: autocomplete open, a toast shown, a form error
shown, a refusal page. Over the demo data (``seed_demo``), served by daphne (the toast
comes over the real WebSocket).

axe-core ships inside the ``axe-playwright-python`` package (a test extra); it is injected
into each page and run with its default rules (WCAG 2 A/AA and best practices).
"""

from __future__ import annotations

import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from events.models import Event
from notifications import push
from notifications.models import Notification
from sops.models import SOP, SOPVersion

AXE = Axe()
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class Audit:
    """Visits pages and keeps every violation axe reports, with the page and state."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.found: list[str] = []
        self.checked = 0

    def check(self, page, what: str) -> None:
        results = AXE.run(page).response
        self.checked += 1
        for v in results["violations"]:
            targets = [node["target"] for node in v["nodes"]][:3]
            self.found.append(f"{what}: {v['id']} ({v['impact']}) {v['help']} at {targets}")

    def visit(self, page, path: str, status: int = 200, what: str = "") -> None:
        response = page.goto(self.base_url + path)
        assert response is not None and response.status == status, (what or path, response)
        page.wait_for_load_state("networkidle")
        self.check(page, what or path)


def _browser_page(chromium, base_url: str, username: str | None, viewport=DESKTOP):
    context = chromium.new_context(viewport=viewport, bypass_csp=True)
    context.set_default_timeout(10_000)
    if username:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        cookie = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base_url}])
    return context.new_page()


def _autocomplete_open(audit: Audit, page, text: str, who: str) -> None:
    box = page.get_by_test_id("header-search").locator("input[type=search]")
    box.click()
    box.fill(text)
    expect(page.get_by_test_id("autocomplete")).to_be_visible()
    audit.check(page, f"{who}: autocomplete open")


def _anonymous(audit: Audit, chromium, scene: dict) -> None:
    page = _browser_page(chromium, audit.base_url, None)
    for path in (
        "/",
        "/agencies/",
        "/agencies/rs-batut/",
        "/countries/RS/",
        "/regions/SEEE/",
        "/sops/",
        f"/sops/{scene['public'].pk}/",
        f"/sops/{scene['public'].pk}/versions/{scene['public'].current_version_id}/",
        "/search/?q=quarantine",
        "/accounts/login/",
        "/signup/",
        "/api/docs/",
    ):
        audit.visit(page, path, what=f"anonymous {path}")
    audit.visit(
        page, f"/sops/{scene['network'].pk}/", 404, "anonymous: network SOP (sign in to read)"
    )
    _autocomplete_open(audit, page, scene["public"].title[:8], "anonymous")
    page.goto(audit.base_url + "/accounts/login/")
    page.fill("#id_username", "member")
    page.fill("#id_password", "not the password")
    page.click("main form button[type=submit]")
    expect(page.locator(".errorlist, .form-errors").first).to_be_visible()
    audit.check(page, "anonymous: sign-in error shown")
    page.goto(audit.base_url + "/signup/")
    page.click("main form button[type=submit]")
    expect(page.locator(".errorlist").first).to_be_visible()
    audit.check(page, "anonymous: sign-up errors shown")
    phone = _browser_page(chromium, audit.base_url, None, PHONE)
    audit.visit(phone, "/", what="anonymous / at 390 px")
    audit.visit(phone, "/sops/", what="anonymous /sops/ at 390 px")


def _member(audit: Audit, chromium, scene: dict) -> None:
    page = _browser_page(chromium, audit.base_url, "member")
    network, version = scene["network"], scene["network"].current_version_id
    for path in (
        "/",
        "/experts/",
        f"/experts/{scene['expert'].pk}/",
        "/profile/",
        "/notifications/",
        "/notifications/following/",
        "/agencies/rs-batut/",
        f"/sops/{network.pk}/",
        f"/sops/{network.pk}/versions/{version}/",
        f"/sops/{network.pk}/compare/?a={scene['oldest'].pk}&b={version}",
        "/search/?q=quarantine",
        "/profile/api-tokens/",
    ):
        audit.visit(page, path, what=f"member {path}")
    audit.visit(page, "/audit/", 403, "member: refused page")
    # Mark read: the item and the page's unread count change without a reload.
    page.goto(f"{audit.base_url}/notifications/")
    unread = int(page.get_by_test_id("inbox-unread").inner_text().split()[0])
    assert unread >= 1
    page.get_by_test_id("mark-read").first.click()
    expect(page.get_by_test_id("inbox-unread")).to_have_text(f"{unread - 1} unread")
    audit.check(page, "member: inbox after Mark read")
    _autocomplete_open(audit, page, network.title[:8], "member")

    # A toast, over the real WebSocket, once the page's socket is open.
    page.goto(f"{audit.base_url}/sops/{network.pk}/")
    expect(page.locator("#bell-link[data-live]")).to_have_count(1)
    notification = Notification.objects.filter(recipient__username="member").first()
    message = {
        "type": "notification.new",
        "notification": push.notification_as_dict(notification),
        "unread": 1,
    }
    # In a thread of its own: Playwright's loop runs in this one.
    sender = threading.Thread(target=push.push_now, args=([(notification.recipient_id, message)],))
    sender.start()
    sender.join()
    expect(page.get_by_test_id("toast")).to_be_visible()
    audit.check(page, "member: toast shown")
    phone = _browser_page(chromium, audit.base_url, "member", PHONE)
    audit.visit(phone, "/experts/", what="member /experts/ at 390 px")


def _editor(audit: Audit, chromium, scene: dict) -> None:
    page = _browser_page(chromium, audit.base_url, "editor")
    draft = scene["draft"]
    audit.visit(page, "/sops/new/", what="editor: new procedure")
    edit = f"/sops/{draft.sop_id}/versions/{draft.pk}/edit/"
    audit.visit(page, edit, what="editor: draft editor")
    expect(page.get_by_test_id("preview")).not_to_be_empty()
    audit.check(page, "editor: draft editor with its preview")
    audit.visit(page, f"/sops/{draft.sop_id}/", what="editor: procedure with its draft")
    page.goto(audit.base_url + "/sops/new/")
    # Past the browser's own checks, to the server's error messages.
    page.locator("#create-form").evaluate("form => { form.noValidate = true; }")
    page.click("main form button[type=submit]")
    expect(page.locator(".errorlist, .form-errors").first).to_be_visible()
    audit.check(page, "editor: new procedure errors shown")


def _publisher(audit: Audit, chromium, scene: dict) -> None:
    page = _browser_page(chromium, audit.base_url, "publisher")
    review = scene["in_review"]
    audit.visit(page, "/sops/review/", what="publisher: review queue")
    audit.visit(page, f"/sops/{review.sop_id}/versions/{review.pk}/", what="publisher: in review")
    audit.visit(page, "/sops/agency/rs-batut/", what="publisher: agency dashboard")


def _admin(audit: Audit, chromium, scene: dict) -> None:
    page = _browser_page(chromium, audit.base_url, "admin")
    for path in ("/audit/", "/webhooks/rs-batut/", "/profile/api-tokens/", "/agencies/rs-batut/"):
        audit.visit(page, path, what=f"agency admin {path}")


def _scene() -> dict:
    batut = SOP.objects.filter(agency__code="rs-batut", current_version__isnull=False)
    network = batut.filter(visibility=SOP.Visibility.NETWORK).order_by("pk").first()
    editable = SOPVersion.objects.filter(sop__agency__code="rs-batut")
    return {
        "public": batut.filter(visibility=SOP.Visibility.PUBLIC).order_by("pk").first(),
        "network": network,
        "oldest": network.versions.order_by("pk").first(),
        "draft": editable.filter(status=SOPVersion.Status.DRAFT).order_by("pk").first(),
        "in_review": editable.filter(status=SOPVersion.Status.IN_REVIEW).order_by("pk").first(),
        "expert": get_user_model().objects.get(username="publisher").expert,
    }


@pytest.fixture
def demo(daphne_server):
    """The demo data, loaded before Chromium starts (its pushes need no running loop here)."""
    call_command("seed_demo")  # eager tasks: the index and the inboxes fill as it publishes
    assert Event.objects.exists() and Notification.objects.filter(recipient__username="member")
    return daphne_server


def test_axe_finds_no_violation_on_any_main_page_for_any_role(demo, chromium):
    scene = _scene()
    assert all(scene.values()), scene
    audit = Audit(demo)
    for role in (_anonymous, _member, _editor, _publisher, _admin):
        role(audit, chromium, scene)
    assert audit.checked >= 40
    assert not audit.found, "\n".join(audit.found)
