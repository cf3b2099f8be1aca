"""An exercise's life in the browser, at phone width: an organiser creates a table-top
exercise of a procedure, an expert registers, the organiser confirms and marks attendance,
the after-action report's corrective action becomes a change request on the procedure, and
the revision that addresses it closes it."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from sops.models import SOP
from tests import factories

PHONE = {"viewport": {"width": 390, "height": 844}}


def test_tabletop_exercise_from_registration_to_the_revision_it_caused(
    live_server, new_page, sign_in, make_sop, editor, publisher, member, home_agency
):
    v1 = make_sop(visibility=SOP.Visibility.NETWORK)
    day = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()

    organiser = sign_in(new_page(**PHONE), "publisher", factories.PASSWORD)
    organiser.goto(f"{live_server.url}/training/")
    organiser.get_by_test_id("new-activity").click()
    organiser.select_option("#id_organiser", str(home_agency.pk))
    organiser.fill("#id_title", "Table-top: a suspicious parcel at the crossing")
    organiser.select_option("#id_kind", "tabletop")
    organiser.select_option("#id_scope", "national")
    organiser.fill("#id_starts", day)
    organiser.fill("#id_ends", day)
    organiser.fill("#id_place", "Belgrade")
    organiser.select_option("#id_sop_versions", [str(v1.pk)])
    organiser.get_by_role("button", name="Save").click()
    expect(organiser.get_by_text("Draft saved.")).to_be_visible()
    organiser.get_by_test_id("publish").click()
    expect(organiser.get_by_test_id("activity-status")).to_have_text("Published")
    activity_url = organiser.url
    assert organiser.evaluate("document.documentElement.scrollWidth") <= 390

    expert = sign_in(new_page(**PHONE), "member", factories.PASSWORD)
    expert.goto(activity_url)
    expert.get_by_test_id("register").click()
    expect(expert.get_by_test_id("my-registration")).to_contain_text("Registered")

    organiser.goto(activity_url)
    organiser.get_by_test_id("participants-link").click()
    row = organiser.get_by_test_id("registration-row")
    row.get_by_test_id("mark-confirmed").click()  # htmx swaps the row in place
    expect(row.get_by_test_id("registration-status")).to_have_text("Confirmed")
    row.get_by_test_id("mark-attended").click()
    expect(row.get_by_test_id("registration-status")).to_have_text("Attended")

    organiser.goto(activity_url + "report/")
    form = organiser.get_by_test_id("report-form")
    form.locator("#id_summary").fill(
        "Parcel isolated in time; the call to the laboratory was late."
    )
    form.locator("#id_final").check()
    form.get_by_role("button", name="Save the report").click()
    expect(organiser.get_by_text("Report saved.")).to_be_visible()
    organiser.get_by_text("Add an observation").click()
    obs = organiser.get_by_test_id("observation-form")
    obs.locator("#id_capability").fill("Alerting")
    obs.locator("#id_kind").select_option("improvement")
    obs.locator("#id_text").fill("The laboratory was called after 40 minutes.")
    obs.get_by_role("button", name="Add").click()
    expect(organiser.get_by_text("Observation added.")).to_be_visible()
    organiser.get_by_text("Add a corrective action").click()
    action = organiser.get_by_test_id("action-form")
    action.locator("#id_observation").select_option(index=1)
    action.locator("#id_title").fill("Call the laboratory first")
    action.locator("#id_owner").select_option(str(home_agency.pk))
    action.locator("#id_due").fill(day)
    action.locator("#id_sop").select_option(str(v1.sop_id))
    action.get_by_role("button", name="Add").click()
    expect(organiser.get_by_test_id("corrective-action")).to_contain_text("Change request on")

    author = sign_in(new_page(), "editor", factories.PASSWORD)
    author.goto(f"{live_server.url}{v1.sop.get_absolute_url()}")
    author.select_option("#id_change_kind", "minor")
    author.get_by_role("button", name="Start a revision").click()
    expect(author).to_have_url(re.compile(r"/edit/$"))
    author.fill("#id_body", "## Scope\n\nCall the laboratory first. Isolate the parcel.\n")
    author.fill("#id_change_summary", "The laboratory is called first (table-top finding).")
    author.get_by_role("button", name="Save and submit for review").click()
    expect(author.get_by_text("Saved and submitted for review")).to_be_visible()
    author.goto(f"{live_server.url}/training/change-requests/{v1.sop_id}/")
    author.get_by_test_id("address").click()
    expect(author.get_by_text("Linked: publishing that revision closes")).to_be_visible()
    expect(author.get_by_test_id("change-request-status")).to_have_text("In progress")

    organiser.goto(f"{live_server.url}/sops/review/")
    organiser.locator(".review-item").first.get_by_role(
        "button", name="Approve and publish"
    ).click()
    expect(organiser.get_by_text("Published.")).to_be_visible()
    author.goto(f"{live_server.url}/training/change-requests/{v1.sop_id}/")
    expect(author.get_by_test_id("change-request-status")).to_have_text("Done")
