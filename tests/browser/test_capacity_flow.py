"""An agency drafts its capacity assessment, a reviewer from another agency validates it on
a phone-sized screen, and the heat map changes from empty cells to the levels."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from capacity.framework import seed_framework
from capacity.models import Indicator
from tests import factories


def test_agency_drafts_reviewer_validates_heat_map_changes(
    live_server, new_page, sign_in, editor, outsider, home_agency, private_index
):
    # A transactional test before this one flushed the rows the migration seeded.
    seed_framework(Indicator)
    indicators = list(Indicator.objects.filter(retired__isnull=True))
    assert indicators
    author = sign_in(new_page(), "editor", factories.PASSWORD)
    author.goto(f"{live_server.url}/capacity/assessments/new/")
    author.select_option("#id_lead_agency", str(home_agency.pk))
    author.select_option("#id_scope", "agency")
    author.fill("#id_year", "2025")
    author.select_option("#id_tlp", "green")
    author.get_by_role("button", name="Start").click()
    expect(author).to_have_url(re.compile(r"/capacity/assessments/\d+/edit/$"))
    for n, indicator in enumerate(indicators):
        author.select_option(f"#id_level_{indicator.pk}", str(n % 5 + 1))
        author.fill(f"#id_justification_{indicator.pk}", "Checked at the crossing.")
    author.get_by_role("button", name="Save").click()
    expect(author.get_by_text("Assessment saved.")).to_be_visible()
    expect(author.locator("[data-testid=tlp]").first).to_have_text("TLP:GREEN")
    author.select_option("#id_reviewer", str(outsider.pk))
    author.get_by_role("button", name="Submit").click()
    expect(author.get_by_test_id("status")).to_have_text("Submitted for validation")
    url = author.url

    reviewer = sign_in(
        new_page(viewport={"width": 390, "height": 844}), "outsider", factories.PASSWORD
    )
    reviewer.goto(f"{live_server.url}/capacity/")
    # Before: Serbia's row is there, every cell empty (nothing validated is shared yet).
    empty = reviewer.locator('g.cell[data-country="RS"][data-level=""]')
    expect(empty).to_have_count(len(indicators))
    reviewer.goto(url)
    reviewer.fill("#id_text", "Evidence matches the site visit.")
    reviewer.get_by_role("button", name="Validate").click()
    expect(reviewer.get_by_text("Validated: it is now on the regional picture.")).to_be_visible()
    reviewer.goto(f"{live_server.url}/capacity/")
    cells = reviewer.locator('g.cell[data-country="RS"]')
    expect(cells).to_have_count(len(indicators))
    expect(empty).to_have_count(0)
    expect(cells.first).to_have_attribute("data-level", "1")
    expect(cells.nth(2)).to_have_attribute("data-level", "3")
    expect(
        reviewer.locator('[data-testid=heat-table] tr[data-country="RS"] td').nth(1)
    ).to_have_text("2")
    # Nothing but the heat map's own box scrolls sideways at 390 px.
    width = reviewer.evaluate("document.documentElement.scrollWidth")
    if width > 390:
        reviewer.screenshot(path="/tmp/capacity-390.png", full_page=True)
    assert width <= 390, width
