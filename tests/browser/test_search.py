"""Typing a query shows results as you type; a facet narrows them; the URL follows."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from network.models import Topic
from search import index
from tests import factories


def test_typing_a_query_and_narrowing_by_a_facet(
    private_index, live_server, new_page, publisher, home_agency
):
    bio = Topic.objects.create(slug="b", name="Biological", kind=Topic.Kind.CATEGORY)
    chem = Topic.objects.create(slug="c", name="Chemical", kind=Topic.Kind.CATEGORY)
    factories.published_sop(
        publisher, home_agency, "Decontamination of vehicles", "Spray bleach.", [bio]
    )
    factories.published_sop(
        publisher, home_agency, "Decontamination after a chlorine leak", "Water.", [chem]
    )
    factories.published_sop(publisher, home_agency, "Passenger screening", "Thermal cameras.")
    index.rebuild()

    page = new_page()
    page.goto(f"{live_server.url}/search/")
    page.get_by_test_id("search-input").press_sequentially("decontam", delay=40)
    hits = page.get_by_test_id("hit")
    expect(hits).to_have_count(2)
    expect(page.get_by_test_id("search-count")).to_contain_text("2 results")
    expect(page).to_have_url(re.compile(r"/search/\?q=decontam"))
    expect(page.locator("mark").first).to_contain_text("Decontamination")

    page.get_by_test_id("facet-category-c").click()
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("chlorine leak")
    expect(page).to_have_url(re.compile(r"category=c"))

    page.go_back()
    expect(hits).to_have_count(2)
