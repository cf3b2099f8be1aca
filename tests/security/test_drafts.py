"""Work in progress is the owning agency's business: a reader never learns a draft exists."""

from __future__ import annotations

import pytest

from sops import services
from sops.models import SOP
from tests.security.conftest import EDITORS

READERS = ("member", "outsider", "unvetted", "anonymous")


@pytest.fixture
def public_with_draft(make_sop, editor):
    """A public procedure in force with a revision in progress, and one never published."""
    published = make_sop("PUB-001", visibility=SOP.Visibility.PUBLIC)
    services.version_start_revision(sop=published.sop, by=editor)
    make_sop("PUB-002", visibility=SOP.Visibility.PUBLIC, publish=False)
    return published.sop


@pytest.mark.parametrize("role", READERS)
def test_draft_filter_reveals_no_draft_to_readers(role, api_client, public_with_draft):
    response = api_client(role).get("/api/v1/sops/", {"status": "draft"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 0 and body["results"] == []
    # The procedure in force is listed as usual; only the filter on drafts finds nothing.
    listed = api_client(role).get("/api/v1/sops/").json()
    assert [s["reference"] for s in listed["results"]] == ["PUB-001"]


@pytest.mark.parametrize("role", EDITORS)
def test_draft_filter_lists_the_agencys_drafts_for_its_editors(role, api_client, public_with_draft):
    body = api_client(role).get("/api/v1/sops/", {"status": "draft"}).json()
    assert sorted(s["reference"] for s in body["results"]) == ["PUB-001", "PUB-002"]
    assert body["count"] == 2


def test_draft_filter_and_page_list_agree(page_client, api_client, public_with_draft):
    """The page and the API read through the same selector: the same rows for the same viewer."""
    for role in ("member", "editor"):
        page = page_client(role).get("/sops/", {"status": "draft"}).content.decode()
        api = api_client(role).get("/api/v1/sops/", {"status": "draft"}).json()
        assert ("PUB-002" in page) == any(s["reference"] == "PUB-002" for s in api["results"])
