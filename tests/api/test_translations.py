"""Translations over the API: the link in the SOP bodies, linking, publishing a translation
with the source version it renders, and what a caller may not see."""

from __future__ import annotations

import pytest
import yaml

from sops.models import SOP, SOPVersion
from tests.translation_fixtures import fresh, revise, translation_create

Kind = SOPVersion.ChangeKind


@pytest.fixture
def pair(make_sop, editor, publisher):
    source = make_sop().sop
    translation = translation_create(source=source, editor=editor, publisher=publisher)
    revise(source, editor=editor, publisher=publisher, kind=Kind.MINOR)  # 1.1: behind
    return fresh(source), fresh(translation)


def test_detail_and_list_expose_the_link_and_the_lag(api_as, member, pair):
    source, translation = pair
    client = api_as(member)
    data = client.get(f"/api/v1/sops/{source.pk}/").json()
    assert data["translation_of"] is None and data["behind_since"] is None
    assert data["translations"] == [
        {
            "id": translation.pk,
            "reference": translation.reference,
            "language": "ru",
            "version": "1.0",
            "behind_since": "1.1",
        }
    ]
    data = client.get(f"/api/v1/sops/{translation.pk}/").json()
    assert data["translation_of"] == {
        "id": source.pk,
        "reference": source.reference,
        "language": "en",
        "version": "1.1",
    }
    assert data["behind_since"] == "1.1" and data["translations"] == []
    rows = {r["id"]: r for r in client.get("/api/v1/sops/").json()["results"]}
    assert rows[source.pk]["translations"][0]["behind_since"] == "1.1"
    assert rows[translation.pk]["translation_of"]["id"] == source.pk


def test_a_hidden_translation_is_not_in_the_api(api_as, make_sop, editor, publisher, outsider, api):
    source = make_sop(visibility=SOP.Visibility.PUBLIC).sop
    translation_create(
        source=source, editor=editor, publisher=publisher, visibility=SOP.Visibility.AGENCY
    )
    for client in (api_as(outsider), api):
        assert client.get(f"/api/v1/sops/{source.pk}/").json()["translations"] == []
        rows = client.get("/api/v1/sops/").json()["results"]
        assert [r["translations"] for r in rows] == [[]]


def test_publisher_links_over_the_api_and_bad_input_changes_nothing(
    api_as, make_sop, editor, publisher, outsider
):
    source = make_sop().sop
    ru = translation_create(source=source, editor=editor, publisher=publisher, link=False)
    other = make_sop("BIO-002").sop
    url = f"/api/v1/sops/{ru.pk}/translation-of/"
    # An editor: 403; another agency's publisher: 403; a bad body: 400; nothing changes.
    assert api_as(editor).post(url, {"source": source.pk}, format="json").status_code == 403
    assert api_as(outsider).post(url, {"source": source.pk}, format="json").status_code == 403
    client = api_as(publisher)
    assert client.post(url, {"source": "x"}, format="json").status_code == 400
    missing = client.post(url, {"source": 999999}, format="json")
    assert missing.status_code == 400 and "source" in missing.json()["error"]["fields"]
    wrong = client.post(
        url, {"source": source.pk, "source_version": other.current_version_id}, format="json"
    )
    assert (
        wrong.status_code == 400
        and "Choose a published version" in wrong.json()["error"]["message"]
    )
    assert fresh(ru).translation_of_id is None
    done = client.post(url, {"source": source.pk}, format="json")
    assert done.status_code == 200 and done.json()["translation_of"]["id"] == source.pk
    again = client.post(url, {"source": source.pk}, format="json")
    assert again.status_code == 409
    gone = client.delete(url)
    assert gone.status_code == 200 and gone.json()["translation_of"] is None


def test_publishing_a_translation_over_the_api_names_the_source_version(
    api_as, pair, editor, publisher
):
    from sops import services

    source, translation = pair
    first = source.versions.get(major=1, minor=0)
    draft = services.version_start_revision(sop=translation, by=editor, change_kind=Kind.MINOR)
    client = api_as(publisher)
    url = f"/api/v1/versions/{draft.pk}/publish/"
    bad = client.post(url, {"change_summary": "x", "translated_from": 999999}, format="json")
    assert bad.status_code == 400 and "translated_from" in bad.json()["error"]["fields"]
    done = client.post(
        url, {"change_summary": "Уточнено.", "translated_from": first.pk}, format="json"
    )
    assert done.status_code == 200
    draft.refresh_from_db()
    assert draft.translated_from == first and draft.status == SOPVersion.Status.PUBLISHED
    # Still behind: it renders 1.0 and the source is at 1.1.
    assert client.get(f"/api/v1/sops/{translation.pk}/").json()["behind_since"] == "1.1"


def test_the_schema_describes_the_link(api, db):
    schema = yaml.safe_load(
        api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi").content
    )
    sop = schema["components"]["schemas"]["SOP"]["properties"]
    assert {"translation_of", "translations", "behind_since"} <= set(sop)
    assert "/api/v1/sops/{id}/translation-of/" in schema["paths"]
    assert "translated_from" in schema["components"]["schemas"]["PublishRequest"]["properties"]


def test_the_list_reads_the_links_in_a_fixed_number_of_queries(
    api_as, member, make_sop, editor, publisher
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def families(n):
        for i in range(n):
            source = make_sop(f"Q-{i}-{n}").sop
            translation_create(
                source=source, editor=editor, publisher=publisher, reference=f"Q-{i}-{n}-RU"
            )

    client = api_as(member)
    families(1)
    client.get("/api/v1/sops/")  # token and role caches warm
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/sops/")
    families(3)
    with CaptureQueriesContext(connection) as four:
        rows = client.get("/api/v1/sops/").json()["results"]
    assert sum(1 for r in rows if r["translations"]) == 4
    assert len(four) == len(one), [q["sql"] for q in four.captured_queries]
