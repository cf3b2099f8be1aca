"""Every role against the pages, API and search that show translations: a public procedure
with an agency-only Russian translation that is behind it. Nobody who may not see the
translation learns that it exists (not its link, not its lag, not a count), and nobody
but the agency's publishers links or unlinks one."""

from __future__ import annotations

import pytest

from notifications.models import Notification
from sops.models import SOP, SOPVersion
from tests.security.conftest import NON_VIEWERS, ROLES, SECRET_WORD, VIEWERS
from tests.translation_fixtures import fresh, revise, translation_create

PUBLISHERS = ("staff", "agency_admin", "publisher")
SHARED_WORD = "quarantinex"


@pytest.fixture
def family(make_sop, editor, publisher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        source = make_sop(
            "OPEN-001",
            title="Open procedure",
            body=f"## Steps\n\nThe {SHARED_WORD} area stays closed.\n",
            visibility=SOP.Visibility.PUBLIC,
        ).sop
        translation = translation_create(
            source=source,
            editor=editor,
            publisher=publisher,
            reference="SEC-001-RU",
            title=f"Процедура {SECRET_WORD}",
            body=f"## Шаги\n\nЗона {SHARED_WORD} остаётся закрытой, {SECRET_WORD}.\n",
            visibility=SOP.Visibility.AGENCY,
        )
        revise(source, editor=editor, publisher=publisher, kind=SOPVersion.ChangeKind.MINOR)
    return fresh(source), fresh(translation)


def _leaks(body: bytes) -> bool:
    # Not the bare word "Русский": the header's language menu names it on every page.
    marks = ("SEC-001-RU", SECRET_WORD, 'data-testid="also-in"', 'data-testid="hit-also-in"')
    return any(word.encode() in body for word in marks)


def test_who_learns_of_the_agency_only_translation(family, page_client, api_client):
    """Every role in one test: the family is indexed once (a few seconds each)."""
    for role in ROLES:
        _reader_sees(role, family, page_client(role), api_client(role))


def _reader_sees(role, family, pages, api):
    source, translation = family
    may_see = role in VIEWERS
    for url in (f"/sops/{source.pk}/", f"/search/?q={SHARED_WORD}"):
        response = pages.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 200, (role, url)
        if may_see:
            assert b"SEC-001-RU" in response.content or "Русский".encode() in response.content
        else:
            assert not _leaks(response.content), (role, url)
    detail = api.get(f"/api/v1/sops/{source.pk}/").json()
    listed = {r["id"]: r for r in api.get("/api/v1/sops/").json()["results"]}
    if may_see:
        assert [t["reference"] for t in detail["translations"]] == ["SEC-001-RU"]
        assert detail["translations"][0]["behind_since"] == "1.1"
        assert listed[translation.pk]["behind_since"] == "1.1"
    else:
        assert detail["translations"] == [], role
        assert listed[source.pk]["translations"] == [] and translation.pk not in listed
    page = pages.get(f"/sops/{translation.pk}/")
    api_page = api.get(f"/api/v1/sops/{translation.pk}/")
    assert (page.status_code == 200) == may_see, (role, page.status_code)
    assert api_page.status_code == (200 if may_see else 404), role


def test_only_the_translations_editors_hear_it_is_behind(
    agency_admin, member, outsider, family, editor
):
    recipients = set(
        Notification.objects.filter(kind="sop.translation_behind").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {editor.username, agency_admin.username}


def test_nobody_but_publishers_links_or_unlinks(family, editor, publisher, page_client, api_client):
    source, translation = family
    loose = translation_create(
        source=source, editor=editor, publisher=publisher, reference="LOOSE-RU", link=False
    )
    for role in ("editor", "member", *NON_VIEWERS):
        _refused(role, source, translation, loose, page_client(role), api_client(role))


def _refused(role, source, translation, loose, pages, api):
    responses = [
        pages.post(f"/sops/{translation.pk}/translation/unlink/"),
        pages.post(f"/sops/{loose.pk}/translation/link/", {"source": source.pk}),
        api.delete(f"/api/v1/sops/{translation.pk}/translation-of/"),
        api.post(f"/api/v1/sops/{loose.pk}/translation-of/", {"source": source.pk}, format="json"),
    ]
    for response in responses:
        assert response.status_code in (302, 401, 403, 404), (role, response.status_code)
    assert fresh(translation).translation_of_id == source.pk
    assert fresh(loose).translation_of_id is None


def test_publishers_link_and_unlink(family, api_client):
    source, translation = family
    for role in PUBLISHERS:
        _relink(source, translation, api_client(role))


def _relink(source, translation, api):
    assert api.delete(f"/api/v1/sops/{translation.pk}/translation-of/").status_code == 200
    linked = api.post(
        f"/api/v1/sops/{translation.pk}/translation-of/", {"source": source.pk}, format="json"
    )
    assert linked.status_code == 200, linked.json()
    assert fresh(translation).translation_of_id == source.pk
