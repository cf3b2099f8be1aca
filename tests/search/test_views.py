"""Search pages: full page, htmx partial, facets in links, autocomplete, related."""

from __future__ import annotations

import pytest
from django.urls import reverse

from network.models import Topic
from sops.models import SOP
from tests.search.conftest import topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def sops(publish, publisher, home_agency):
    bio = topic("b", "Biological", Topic.Kind.CATEGORY)
    return [
        publish(
            publisher, home_agency, "Brucella lab safety", "Brucella culture work.", topics=[bio]
        ),
        publish(publisher, home_agency, "Brucella field sampling", "Milk samples."),
        publish(
            publisher,
            home_agency,
            "Brucella secret annex",
            "Only for the agency.",
            visibility=SOP.Visibility.AGENCY,
        ),
    ]


def test_search_page_shows_hits_facets_and_counts(sops, client):
    response = client.get(reverse("search:page"), {"q": "brucella"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "lab safety" in html and "field sampling" in html
    assert "Brucella secret annex" not in html
    assert 'data-testid="facet-category-b"' in html
    assert "2 results" in html
    assert "<mark>Brucella</mark>" in html


def test_htmx_request_gets_only_the_results_partial(sops, client):
    response = client.get(reverse("search:page"), {"q": "brucella"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "lab safety" in html


def test_history_restore_gets_the_full_page(sops, client):
    response = client.get(
        reverse("search:page"),
        {"q": "brucella"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()


def test_facet_link_narrows_and_can_be_removed(sops, client):
    response = client.get(reverse("search:page"), {"q": "brucella", "category": "b"})
    results = response.context["results"]
    assert [h.pk for h in results.hits] == [sops[0].pk]
    selected = [v for v in results.facets["category"] if v.selected][0]
    assert "category" not in selected.url and "q=brucella" in selected.url
    assert 'name="category" value="b"' in response.content.decode()  # kept while typing


def test_did_you_mean_is_a_link(sops, client):
    response = client.get(reverse("search:page"), {"q": "brucelka"})
    html = response.content.decode()
    assert 'data-testid="did-you-mean"' in html and "?q=brucella" in html


def test_empty_and_no_results_states(sops, client):
    assert 'data-testid="search-empty-query"' in client.get(reverse("search:page")).content.decode()
    html = client.get(reverse("search:page"), {"q": "zzzqqq"}).content.decode()
    assert 'data-testid="search-no-results"' in html


def test_error_state_when_the_index_is_broken(sops, client, settings):
    from search.engine.reader import drop_reader

    drop_reader()
    for seg in settings.FRONTLINE_INDEX_DIR.glob("*.seg"):
        seg.write_bytes(b"junk")
    (settings.FRONTLINE_INDEX_DIR / "frontline-search.json").write_text("{}")  # and old meta
    html = client.get(reverse("search:page"), {"q": "brucella"}).content.decode()
    assert 'data-testid="search-error"' in html


def test_autocomplete_lists_visible_titles(sops, client_for, outsider, member):
    url = reverse("search:autocomplete")
    html = client_for(outsider).get(url, {"q": "bruc"}).content.decode()
    assert "Brucella lab safety" in html and "Brucella secret annex" not in html
    html = client_for(member).get(url, {"q": "bruc sec"}).content.decode()
    assert "Brucella secret annex" in html


def test_header_has_the_search_box(client):
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="header-search"' in html and reverse("search:autocomplete") in html


def test_related_partial_respects_visibility(sops, client_for, outsider, member):
    url = reverse("search:related", args=[sops[0].pk])
    assert "Brucella secret annex" not in client_for(outsider).get(url).content.decode()
    assert "Brucella secret annex" in client_for(member).get(url).content.decode()


def test_related_partial_for_an_sop_the_user_cannot_see_is_empty(sops, client_for, outsider):
    url = reverse("search:related", args=[sops[2].pk])
    response = client_for(outsider).get(url)
    assert response.status_code == 200 and "Brucella" not in response.content.decode()


def test_sop_page_lazy_loads_related_procedures(sops, client):
    html = client.get(reverse("sops:detail", args=[sops[0].pk])).content.decode()
    assert reverse("search:related", args=[sops[0].pk]) in html
