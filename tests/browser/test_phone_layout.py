"""On a phone (390 px wide) the results come first and the filters fold behind "Filter";
on a desktop the same filters stand open beside or above the results."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from network.models import Topic
from search import index
from tests import factories

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _assert_in_first_screen(page, locator, viewport):
    """The element is wholly inside the viewport and the page has not scrolled."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert page.evaluate("window.scrollY") == 0
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box


@pytest.fixture
def library(private_index, publisher, home_agency):
    bio = Topic.objects.create(slug="b", name="Biological", kind=Topic.Kind.CATEGORY)
    chem = Topic.objects.create(slug="c", name="Chemical", kind=Topic.Kind.CATEGORY)
    for n in range(4):
        factories.published_sop(
            publisher, home_agency, f"Decontamination of vehicles, part {n}", "Bleach.", [bio]
        )
    factories.published_sop(publisher, home_agency, "Decontamination after chlorine", "W.", [chem])
    index.rebuild()


def test_phone_search_shows_results_first_and_folds_the_facets(library, live_server, new_page):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/search/?q=decontamination")

    _assert_in_first_screen(page, page.get_by_test_id("hit").first.locator(".hit-title"), PHONE)
    disclosure = page.get_by_test_id("filter-disclosure")
    expect(disclosure).not_to_have_attribute("open", "")
    facet = page.get_by_test_id("facet-category-c")
    expect(facet).to_be_hidden()

    disclosure.locator(":scope > summary").click()  # the disclosure opens without any script
    expect(facet).to_be_visible()
    facet.click()
    expect(page.get_by_test_id("hit")).to_have_count(1)
    expect(page.get_by_test_id("filter-count")).to_have_text("1")


def test_desktop_search_shows_the_facets_beside_the_results(library, live_server, new_page):
    page = new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/search/?q=decontamination")

    facet = page.get_by_test_id("facet-category-c")
    _assert_in_first_screen(page, facet, DESKTOP)
    expect(page.get_by_test_id("filter-disclosure").locator(":scope > summary")).to_be_hidden()
    hit = page.get_by_test_id("hit").first
    assert facet.bounding_box()["x"] < hit.bounding_box()["x"]  # facets on the left


def test_phone_procedure_list_folds_its_filters(library, live_server, new_page):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/sops/")

    _assert_in_first_screen(page, page.locator("#sop-results .result-list li a").first, PHONE)
    expect(page.locator("#id_agency")).to_be_hidden()
    page.get_by_test_id("filter-disclosure").locator(":scope > summary").click()
    page.select_option("#id_category", "c")
    expect(page.locator("#sop-results .result-list li")).to_have_count(1)

    page.goto(f"{live_server.url}/sops/?category=c")  # a shared link says what it filters
    expect(page.get_by_test_id("active-filter")).to_have_text(["CBRN category"])


def test_desktop_procedure_list_shows_its_filters(library, live_server, new_page):
    page = new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/sops/")

    _assert_in_first_screen(page, page.locator("#id_agency"), DESKTOP)


def test_phone_expert_directory_folds_its_filters(
    live_server, new_page, sign_in, member, other_agency
):
    for n in range(3):
        factories.expert(agency=other_agency, full_name=f"Olena Shevchenko {n}")
    page = sign_in(new_page(viewport=PHONE), "member", factories.PASSWORD)
    page.goto(f"{live_server.url}/experts/")

    _assert_in_first_screen(page, page.locator("#expert-results li a").first, PHONE)
    expect(page.locator("#id_country")).to_be_hidden()
    page.get_by_test_id("filter-disclosure").locator(":scope > summary").click()
    expect(page.locator("#id_country")).to_be_visible()
