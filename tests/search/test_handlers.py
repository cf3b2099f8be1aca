"""Outbox events keep the index fresh (tasks run eagerly here; see test_freshness for
the real worker)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from events.registry import handlers_for
from network import services as network_services
from network.models import Membership
from sops import services
from sops.models import SOP
from tests import factories
from tests.search.conftest import search, titles

pytestmark = pytest.mark.django_db


def test_handlers_are_registered_for_the_events_that_change_the_index():
    for kind in (
        "sop.published",
        "sop.withdrawn",
        "sop.changed",
        "expert.joined",
        "expert.updated",
    ):
        assert any(path.startswith("search.handlers.") for path in handlers_for(kind)), kind
    assert not any(path.startswith("search.") for path in handlers_for("sop.adapted"))


def test_published_sop_is_searchable(publish, publisher, home_agency, member):
    publish(publisher, home_agency, "Anthrax spore sampling", "Spores on parcels.")
    assert titles(search(member, "anthrax")) == ["Anthrax spore sampling"]


def test_new_version_replaces_the_old_text(
    publish, publisher, home_agency, member, django_capture_on_commit_callbacks
):
    sop = publish(publisher, home_agency, "Parcel screening", "Use the blue cabinet.")
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.version_start_revision(sop=sop, by=publisher)
        services.version_update(
            version=draft,
            by=publisher,
            expected_edit_count=None,
            body="Use the green isolator.",
            title="Parcel screening revised",
        )
        services.version_publish(version=draft, by=publisher, change_summary="New isolator")
    assert titles(search(member, "isolator")) == ["Parcel screening revised"]
    assert search(member, "cabinet").total == 0
    assert search(member, "parcel").total == 1


def test_withdrawn_sop_leaves_the_index(
    publish, publisher, home_agency, member, django_capture_on_commit_callbacks
):
    sop = publish(publisher, home_agency, "Rinderpest response", "Cattle plague response.")
    with django_capture_on_commit_callbacks(execute=True):
        services.version_withdraw(version=sop.current_version, by=publisher, reason="Eradicated")
    assert search(member, "rinderpest").total == 0


def test_narrowed_visibility_is_reindexed(
    publish, publisher, home_agency, outsider, member, django_capture_on_commit_callbacks
):
    sop = publish(
        publisher, home_agency, "Ricin letters", "Opening suspicious letters.", visibility="public"
    )
    assert search(AnonymousUser(), "ricin").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.sop_update(sop=sop, by=publisher, visibility=SOP.Visibility.AGENCY)
    assert search(AnonymousUser(), "ricin").total == 0
    assert search(outsider, "ricin").total == 0
    assert search(member, "ricin").total == 1


def test_adding_a_partner_agency_lets_its_members_find_the_sop(
    publish, publisher, home_agency, outsider, other_agency, django_capture_on_commit_callbacks
):
    sop = publish(
        publisher, home_agency, "Joint border drill", "Exercise.", visibility=SOP.Visibility.AGENCY
    )
    assert search(outsider, "drill").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.sop_update(sop=sop, by=publisher, partner_agencies=[other_agency])
    assert search(outsider, "drill").total == 1


def test_adapted_draft_is_not_indexed_until_published(
    publish, publisher, home_agency, outsider, other_agency, django_capture_on_commit_callbacks
):
    source = publish(publisher, home_agency, "Cholera kit", "Rehydration salts.")
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.sop_adapt(
            source=source.current_version, agency=other_agency, reference="UA-1", by=outsider
        )
    assert search(outsider, "cholera").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.version_publish(version=draft, by=outsider)
    assert search(outsider, "cholera").total == 2


def test_expert_who_joins_is_found_by_vetted_members_only(
    home_agency, agency_admin, member, django_capture_on_commit_callbacks
):
    applicant = factories.expert(
        agency=home_agency,
        status=Membership.Status.PENDING,
        full_name="Olena Kovalenko",
        position="Virologist",
        phone="+380 44 000 0000",
    )
    assert search(member, "Kovalenko").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        network_services.membership_approve(membership=applicant.memberships.get(), by=agency_admin)
    results = search(member, "kovalenko")
    assert titles(results) == ["Olena Kovalenko"]
    assert results.hits[0].url.endswith(f"/experts/{applicant.pk}/")
    assert search(AnonymousUser(), "kovalenko").total == 0
    # Contact details are never indexed.
    assert search(member, "380").total == 0
    assert search(member, applicant.user.email.split("@")[0]).total == 0


def test_profile_edit_updates_what_search_finds(member, django_capture_on_commit_callbacks):
    expert = member.expert
    with django_capture_on_commit_callbacks(execute=True):
        network_services.expert_update_profile(expert=expert, by=member, position="Entomologist")
    assert titles(search(member, "entomologist")) == [expert.full_name]
    with django_capture_on_commit_callbacks(execute=True):
        network_services.expert_update_profile(expert=expert, by=member, position="Virologist")
    assert search(member, "entomologist").total == 0
    assert titles(search(member, "virologist")) == [expert.full_name]
