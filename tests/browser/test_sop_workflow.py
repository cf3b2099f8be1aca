"""An SOP's life in the browser: drafted with a live preview, reviewed, published, revised
to 2.0, and compared by a reader who sees the changed words highlighted."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import factories

FIRST = "## Scope\n\nIsolate the parcel and call the duty officer.\n\n## Steps\n\n1. Keep away.\n"
SECOND = (
    "## Scope\n\nIsolate the parcel and call the regional officer.\n\n## Steps\n\n1. Keep away.\n"
)


def _publish_from_queue(page, live_server, summary: str = "") -> None:
    page.goto(f"{live_server.url}/sops/review/")
    item = page.locator(".review-item").first
    if summary:
        item.locator("textarea[name=change_summary]").fill(summary)
    item.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Published.")).to_be_visible()


def test_editor_drafts_publisher_publishes_two_versions_reader_compares(
    live_server, new_page, sign_in, editor, publisher, member, home_agency
):
    factories.language()
    author = sign_in(new_page(), "editor", factories.PASSWORD)
    author.goto(f"{live_server.url}/sops/new/")
    author.select_option("#id_agency", str(home_agency.pk))
    author.fill("#id_reference", "BIO-01")
    author.fill("#id_title", "Suspected biological substance at a border crossing")
    author.select_option("#id_language", "en")
    author.get_by_role("button", name="Create draft").click()

    expect(author).to_have_url(re.compile(r"/sops/\d+/versions/\d+/edit/$"))
    author.fill("#id_body", FIRST)
    preview = author.get_by_test_id("preview")
    expect(preview.get_by_role("heading", name="Scope")).to_be_visible()
    expect(preview).to_contain_text("duty officer")
    author.get_by_role("button", name="Save and submit for review").click()
    expect(author.get_by_text("Saved and submitted for review")).to_be_visible()
    sop_url = author.get_by_role("link", name="BIO-01").get_attribute("href")

    reviewer = sign_in(new_page(), "publisher", factories.PASSWORD)
    _publish_from_queue(reviewer, live_server)
    expect(reviewer.get_by_test_id("version-number")).to_contain_text("1.0")

    author.goto(f"{live_server.url}{sop_url}")
    author.select_option("#id_change_kind", "major")
    author.get_by_role("button", name="Start a revision").click()
    expect(author).to_have_url(re.compile(r"/edit/$"))
    author.fill("#id_body", SECOND)
    expect(author.get_by_test_id("preview")).to_contain_text("regional officer")
    author.fill("#id_change_summary", "The regional officer takes the call.")
    author.get_by_role("button", name="Save and submit for review").click()
    expect(author.get_by_text("Saved and submitted for review")).to_be_visible()

    _publish_from_queue(reviewer, live_server)
    expect(reviewer.get_by_test_id("version-number")).to_contain_text("2.0")

    reader = sign_in(new_page(), "member", factories.PASSWORD)
    reader.goto(f"{live_server.url}{sop_url}")
    expect(reader.get_by_test_id("sop-body")).to_contain_text("regional officer")
    reader.locator("#compare-form").get_by_role("button", name="Compare").click()
    expect(reader.get_by_role("heading", name="Changes from 1.0 to 2.0")).to_be_visible()
    diff = reader.get_by_test_id("diff")
    expect(diff.locator("del")).to_have_text(["duty"])
    expect(diff.locator("ins")).to_have_text(["regional"])
    expect(reader.get_by_text("The regional officer takes the call.")).to_be_visible()
    reader.get_by_test_id("view-side").click()
    expect(reader.locator(".rendered-diff.side del")).to_have_text(["duty"])
    expect(reader.locator(".rendered-diff.side ins")).to_have_text(["regional"])
