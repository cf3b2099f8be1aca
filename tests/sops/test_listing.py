"""The SOP list read agency by agency (sops/listing.py) gives the queryset's own rows and
order, page by page, whatever the page size and however agencies share a name."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from network.models import Membership
from sops import selectors
from sops import services as sop_services
from sops.listing import RowsByAgency
from sops.models import SOP
from tests import factories


@pytest.fixture
def listed(home_agency, other_agency, english):
    """Procedures of four agencies; two share a country and a name, so their rows
    interleave by reference; one procedure is hidden from the home agency's members."""
    twin = factories.agency("twin", name=home_agency.name)  # same country (RS), same name
    factories.country("AL", "Albania")
    early = factories.agency("early", country_code="AL", name="Zeta Agency")  # listed first
    plan = [
        (home_agency, ["B-2", "A-1", "C-3", "E-5"], SOP.Visibility.NETWORK),
        (twin, ["B-1", "D-4", "A-2"], SOP.Visibility.PUBLIC),
        (other_agency, ["X-1", "Y-2", "Z-3"], SOP.Visibility.NETWORK),
        (other_agency, ["H-1"], SOP.Visibility.AGENCY),
        (early, ["Q-1", "P-2"], SOP.Visibility.PUBLIC),
    ]
    for agency, references, visibility in plan:
        publisher = factories.expert(agency=agency, role=Membership.Role.PUBLISHER).user
        for reference in references:
            draft = sop_services.sop_create(
                agency=agency,
                reference=reference,
                title=f"Procedure {reference}",
                body="Isolate the parcel.",
                language=english,
                by=publisher,
                visibility=visibility,
            )
            sop_services.version_publish(version=draft, by=publisher)


@pytest.mark.parametrize("per_page", [1, 2, 3, 5, 20])
def test_pages_are_the_querysets_own(listed, member, per_page):
    queryset = selectors.sop_list(user=member, filters={})
    expected = Paginator(queryset, per_page)
    by_agency = Paginator(RowsByAgency(queryset), per_page)
    assert by_agency.count == expected.count == 12  # the agency-only one is not listed
    for number in expected.page_range:
        assert [s.reference for s in by_agency.page(number)] == [
            s.reference for s in expected.page(number)
        ]


def test_a_page_past_the_end_is_empty_and_rows_keep_what_the_page_shows(listed, member):
    rows = RowsByAgency(selectors.sop_list(user=member, filters={}))
    assert rows[50:70] == []
    first = rows[0:1][0]
    assert (first.reference, first.agency.country.name) == ("P-2", "Albania")
    assert first.has_open_draft is False and first.current_version.number == "1.0"


def test_a_queryset_in_another_order_is_refused(member):
    with pytest.raises(ValueError):
        RowsByAgency(selectors.sop_list(user=member, filters={}).order_by("title"))
