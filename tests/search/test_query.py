"""The query service: visibility inside the search, facets, syntax, spelling, paging."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from network.models import Topic
from search import service as query
from sops import services
from sops.models import SOP
from tests import factories
from tests.search.conftest import search, titles, topic

pytestmark = pytest.mark.django_db
ANON = AnonymousUser()


@pytest.fixture
def library(publish, publisher, home_agency, other_agency, outsider):
    """One SOP per visibility at the home agency, plus a partner-shared one."""
    partner = factories.agency("partner-agency", name="Partner Lab", acronym="PL")
    bio = topic("b", "Biological", Topic.Kind.CATEGORY)
    sampling = topic("detection-sampling", "Detection and sampling")
    return {
        "public": publish(
            publisher,
            home_agency,
            "Swab sampling of cargo containers",
            "Collect swabs from cargo containers at the quarantine station.",
            visibility=SOP.Visibility.PUBLIC,
            topics=[bio, sampling],
        ),
        "network": publish(
            publisher,
            home_agency,
            "Quarantine station triage",
            "Triage of travellers at the quarantine station by trained officers.",
            visibility=SOP.Visibility.NETWORK,
            topics=[sampling],
        ),
        "agency": publish(
            publisher,
            home_agency,
            "Quarantine station lockdown codeword",
            "Secret lockdown drill at the quarantine station: codeword zanzibarite.",
            visibility=SOP.Visibility.AGENCY,
            topics=[bio],
        ),
        "shared": publish(
            publisher,
            home_agency,
            "Quarantine station partner exchange",
            "Exchange of samples with the partner laboratory at the quarantine station.",
            visibility=SOP.Visibility.AGENCY,
            partner_agencies=[partner],
        ),
        "partner": partner,
    }


def _count_sops(results) -> int:
    return next((v.count for v in results.facets.get("type", []) if v.value == "sop"), 0)


def test_anonymous_finds_only_public_sops(library):
    results = search(ANON, "quarantine station")
    assert titles(results) == ["Swab sampling of cargo containers"]
    assert results.total == 1


def test_unvetted_account_sees_what_anonymous_sees(library, unvetted):
    assert titles(search(unvetted, "quarantine station")) == ["Swab sampling of cargo containers"]


def test_member_of_owning_agency_finds_every_visibility(library, member):
    found = set(titles(search(member, "quarantine station")))
    assert found == {
        "Swab sampling of cargo containers",
        "Quarantine station triage",
        "Quarantine station lockdown codeword",
        "Quarantine station partner exchange",
    }


def test_outsider_never_sees_agency_only_sop_in_search(library, outsider):
    results = search(outsider, "quarantine station")
    assert set(titles(results)) == {
        "Swab sampling of cargo containers",
        "Quarantine station triage",
    }
    assert results.total == 2
    assert _count_sops(results) == 2
    assert search(outsider, "zanzibarite").total == 0
    assert search(outsider, "lockdown codeword").hits == []


def test_restricted_sop_is_not_counted_in_any_facet(library, outsider, member):
    facets = search(outsider, "quarantine").facets
    biological = [v for v in facets["category"] if v.value == "b"]
    assert biological and biological[0].count == 1  # the public one, not the agency-only one
    member_facets = search(member, "quarantine").facets
    assert [v.count for v in member_facets["category"] if v.value == "b"] == [2]


def test_partner_agency_member_sees_the_sop_shared_with_it(library):
    partner_member = factories.expert(agency=library["partner"]).user
    found = set(titles(search(partner_member, "quarantine station")))
    assert "Quarantine station partner exchange" in found
    assert "Quarantine station lockdown codeword" not in found


def test_staff_see_everything(library, staff):
    assert search(staff, "quarantine station").total == 4


def test_did_you_mean_never_suggests_a_word_only_restricted_sops_hold(library, outsider, member):
    assert search(outsider, "zanzibqrite").suggestion == ""
    assert search(member, "zanzibqrite").suggestion == "zanzibarite"


def test_autocomplete_respects_visibility(library, outsider, member):
    assert "Quarantine station lockdown codeword" not in [
        str(h.title) for h in query.autocomplete(user=outsider, text="quarantine lock")
    ]
    assert [str(h.title) for h in query.autocomplete(user=member, text="quarantine lock")] == [
        "Quarantine station lockdown codeword"
    ]


def test_related_procedures_respect_visibility(library, outsider, member):
    sop = SOP.objects.select_related("current_version").get(pk=library["network"].pk)
    member_related = {str(h.title) for h in query.related_sops(user=member, sop=sop)}
    outsider_related = {str(h.title) for h in query.related_sops(user=outsider, sop=sop)}
    assert "Quarantine station lockdown codeword" in member_related
    assert "Quarantine station lockdown codeword" not in outsider_related
    assert "Quarantine station triage" not in member_related  # never itself


def test_facet_filter_narrows_results_and_counts(library, member):
    results = search(member, "quarantine", filters={"category": "b"})
    assert set(titles(results)) == {
        "Swab sampling of cargo containers",
        "Quarantine station lockdown codeword",
    }
    selected = [v for v in results.facets["category"] if v.selected]
    assert [(v.value, v.count) for v in selected] == [("b", 2)]


def test_unknown_facet_parameters_are_ignored(library, member):
    results = search(member, "quarantine", filters={"visibility": "agency", "bogus": "x"})
    assert results.filters == {}
    assert results.total == 4


def test_phrase_in_quotes_matches_only_the_phrase(library, member):
    assert titles(search(member, '"partner laboratory"')) == ["Quarantine station partner exchange"]
    assert search(member, '"laboratory partner"').total == 0


@pytest.mark.parametrize("text", ["quarantine", '"partner laboratory"', "quarant*", "quarantien~"])
def test_past_the_time_limit_a_search_still_shows_its_first_page(
    library, member, monkeypatch, text
):
    from search import service as query

    expected = search(member, text)
    assert expected.hits and not expected.timed_out
    monkeypatch.setattr(query, "TIME_LIMIT", -1.0)  # every deadline already passed
    late = search(member, text)
    # The clock may cut counting, never the ranking of the first page.
    assert titles(late) == titles(expected)


def test_prefix_and_reference_code(library, member):
    assert "Swab sampling of cargo containers" in titles(search(member, "contain*"))
    ref = library["network"].reference
    assert titles(search(member, ref))[0] == "Quarantine station triage"


@pytest.mark.parametrize(
    "text", ['"unclosed', "(((", "AND OR NOT", "title:", "*", "~", "a* b~~3 ^^", "[x TO", "\\"]
)
def test_bad_syntax_never_errors(library, member, text):
    results = search(member, text)
    assert results.error == ""


def test_bad_syntax_falls_back_to_plain_words(library, member):
    results = search(member, 'triage AND (("')
    assert titles(results) == ["Quarantine station triage"]


def test_typo_is_corrected_and_still_finds_the_sop(library, member):
    results = search(member, "triaje")
    assert titles(results) == ["Quarantine station triage"]
    assert results.corrected and results.suggestion == "triage"


def test_highlights_mark_matching_words_and_escape_the_rest(
    publish, publisher, home_agency, member
):
    publish(
        publisher,
        home_agency,
        "Handling <script> tags",
        "Decontaminate the <b>bench</b> after decontamination of gloves.",
    )
    hit = search(member, "decontaminating").hits[0]
    assert "<mark>Decontaminate</mark>" in hit.snippet
    assert "<mark>decontamination</mark>" in hit.snippet
    # The snippet shows the words a reader sees: no Markdown marks, no live HTML.
    assert " the bench after " in hit.snippet and "<b>" not in hit.snippet
    assert "&lt;script&gt;" in hit.title


def test_sort_by_date_and_paging(publish, publisher, home_agency, member):
    for n in range(12):
        publish(publisher, home_agency, f"Drill number {n}", f"Evacuation drill {n}.")
    newest = search(member, "drill", sort="date")
    assert titles(newest)[0] == "Drill number 11"
    assert newest.total == 12 and newest.pages == 2 and len(newest.hits) == 10
    second = search(member, "drill", sort="date", page=2)
    assert titles(second) == ["Drill number 1", "Drill number 0"]


def test_empty_query_returns_nothing_and_no_error(member):
    results = search(member, "   ")
    assert results.hits == [] and results.error == ""


def test_filters_without_text_browse_by_date(library, member):
    results = search(member, "", filters={"type": "sop"})
    assert results.total == 4


def test_sop_whose_visibility_just_narrowed_is_dropped_before_reindex(library, outsider, publisher):
    # Change visibility without running the outbox (its reindex is still queued).
    services.sop_update(sop=library["network"], by=publisher, visibility=SOP.Visibility.AGENCY)
    assert "Quarantine station triage" not in titles(search(outsider, "triage"))


def test_a_bug_in_showing_hits_raises_and_queues_no_rebuild(library, member, monkeypatch):
    from search import display
    from search import service as query

    rebuilds = []
    monkeypatch.setattr(query, "report_broken", rebuilds.append)

    def broken(*args, **kwargs):
        raise KeyError("title")

    monkeypatch.setattr(display, "hits_for", broken)
    with pytest.raises(KeyError):
        search(member, "quarantine")
    assert rebuilds == []


@pytest.mark.parametrize("where", ["label_facets", "_facets", "autocomplete", "related"])
def test_a_bug_in_our_code_inside_the_search_raises_and_queues_no_rebuild(
    library, member, monkeypatch, where
):
    """Only index and Whoosh failures mean a broken index: a bug in the project's own
    code (labels, facet counting, autocomplete, related) raises."""
    from search import display
    from search import service as query

    rebuilds = []
    monkeypatch.setattr(query, "report_broken", rebuilds.append)

    def broken(*args, **kwargs):
        raise TypeError("a bug")

    if where == "label_facets":
        monkeypatch.setattr(display, "label_facets", broken)
    elif where == "_facets":
        monkeypatch.setattr(query, "_facets", broken)
    else:
        monkeypatch.setattr(query, "visible_docs", broken)
    with pytest.raises(TypeError):
        if where == "autocomplete":
            query.autocomplete(user=member, text="quar")
        elif where == "related":
            query.related(user=member, sop=library["network"])
        else:
            search(member, "quarantine")
    assert rebuilds == []


def test_whoosh_failing_mid_read_is_a_broken_index(library, member, monkeypatch):
    """An error raised inside Whoosh's own code (a garbled segment) is reported as a
    broken index: logged, a rebuild asked for, the page told."""
    from whoosh.searching import Searcher

    from search import service as query
    from search.engine.errors import WHOOSH_DIR

    rebuilds = []
    monkeypatch.setattr(query, "report_broken", rebuilds.append)
    # A search that fails as a garbled file makes it fail: in a Whoosh frame.
    code = "def garbled(self, q, collector, context=None):\n    raise KeyError(q)\n"
    scope: dict = {}
    exec(compile(code, WHOOSH_DIR + "searching.py", "exec"), scope)  # noqa: S102
    monkeypatch.setattr(Searcher, "search_with_collector", scope["garbled"])
    results = search(member, "quarantine")
    assert results.error and not results.hits
    assert len(rebuilds) == 1
