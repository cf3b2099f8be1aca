"""Issue 17 finding 10: the pages render under the strict Content-Security-Policy in
Chromium with nothing blocked (no inline script, style or handler left), the editor's
preview and the header search still work, and the policy really blocks an injected
inline script."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import chromium, new_page, sign_in, watch_csp  # noqa: F401

pytestmark = pytest.mark.browser


def test_pages_render_with_no_policy_violation(live_server, new_page, sign_in, restricted, staff):  # noqa: F811
    editor = sign_in(new_page(), "editor", factories.PASSWORD)
    sop = restricted.sop
    for path in (
        "/",
        "/sops/",
        f"/sops/{sop.pk}/",
        f"/sops/{sop.pk}/versions/{restricted.published.pk}/",
        "/experts/",
        "/agencies/",
        "/notifications/",
        "/profile/",
        "/search/?q=sealed",
        "/api/docs/",
        "/capacity/",
        "/capacity/countries/RS/",
        "/capacity/needs/",
        "/capacity/equipment/",
        "/capacity/regulations/",
        "/capacity/assessments/new/",
    ):
        editor.goto(f"{live_server.url}{path}")
        editor.wait_for_load_state("networkidle")
    editor.goto(f"{live_server.url}/api/docs/")
    expect(editor.get_by_test_id("api-section").first).to_be_visible()

    editor.goto(f"{live_server.url}/sops/{sop.pk}/versions/{restricted.draft.pk}/edit/")
    editor.fill("#id_body", "## Checked\n\nUnder the policy.")
    expect(editor.get_by_test_id("preview").get_by_role("heading", name="Checked")).to_be_visible()
    editor.fill("#id_body", "<div>" * 40 + "x")
    expect(editor.get_by_test_id("preview-problem")).to_contain_text("32 levels")

    editor.goto(f"{live_server.url}/")
    box = editor.get_by_test_id("header-search").locator("input[name=q]")
    box.fill("zyxtro")
    expect(editor.get_by_test_id("header-suggest")).not_to_be_empty()
    box.blur()
    expect(editor.get_by_test_id("header-suggest")).to_be_empty()

    admin = sign_in(new_page(), "staff", factories.PASSWORD)
    admin.goto(f"{live_server.url}/admin/")
    admin.wait_for_load_state("networkidle")
    # new_page's teardown fails the test if any of these pages broke the policy.


def test_the_policy_blocks_an_injected_inline_script(live_server, chromium, restricted):  # noqa: F811
    """The check above can fail: an inline script added to a served page is blocked and logged."""
    page = chromium.new_page()
    violations: list[str] = []
    watch_csp(page, violations)
    page.goto(f"{live_server.url}/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.ran") is None
    assert violations and "script-src" in violations[0]
    page.close()
