"""A page says which language it is in (``<html lang>`` follows the reader's choice), and a
procedure's own words say theirs: a Russian procedure on an English page carries
``lang="ru"``, so screen readers pronounce it and browsers hyphenate it as Russian."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from search import index
from search.reader import drop_reader
from sops import services
from sops.models import SOP
from tests import factories


@pytest.fixture
def private_index():
    """The test's own index (the autouse settings point at it), read afresh."""
    drop_reader()
    yield
    drop_reader()


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)">', page).group(1)


@pytest.fixture
def russian_sop(private_index, home_agency, editor, publisher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.sop_create(
            agency=home_agency,
            reference="ДЕЗ-001",
            title="Обеззараживание транспортных средств",
            body="## Область применения\n\nОбработать колёса дезинфицирующим раствором.\n",
            language=factories.language("ru", "Russian"),
            by=editor,
            visibility=SOP.Visibility.PUBLIC,
        )
        v1 = services.version_publish(version=draft, by=publisher)
        draft = services.version_start_revision(sop=v1.sop, by=editor)
        services.version_update(
            version=draft, by=editor, expected_edit_count=0, body=v1.body + "\nДважды.\n"
        )
        v2 = services.version_publish(version=draft, by=publisher, change_summary="Дважды.")
    index.rebuild()
    return v1, v2


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_page_is_in_the_readers_language_and_the_procedure_in_its_own(
    client, russian_sop, language
):
    v1, v2 = russian_sop
    sop = v2.sop
    ask = {"HTTP_ACCEPT_LANGUAGE": language}
    pages = {
        "procedure": client.get(sop.get_absolute_url(), **ask),
        "version": client.get(v1.get_absolute_url(), **ask),
        "compare": client.get(
            reverse("sops:compare", args=[sop.pk]), {"a": v1.pk, "b": v2.pk}, **ask
        ),
        "list": client.get(reverse("sops:list"), **ask),
        "search": client.get(reverse("search:page"), {"q": "обеззараживание"}, **ask),
        "print": client.get(reverse("sops:print", args=[sop.pk, v2.pk]), **ask),
    }
    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, name
        assert html_lang(page) == language, name
        # The title: a heading, a list or search link, the compare page's link.
        assert re.search(r'lang="ru"[^>]*>(<mark>)?Обеззараживание', page), name
    for name in ("procedure", "version", "print"):
        assert re.search(r'class="sop-body" lang="ru"', pages[name].content.decode()), name
    assert 'lang="ru" data-testid="diff"' in pages["compare"].content.decode()
    assert 'hreflang="ru"' in pages["list"].content.decode()
    assert re.search(r'class="snippet" lang="ru"', pages["search"].content.decode())


def test_an_expert_hit_names_no_language_of_its_own(client_for, member, home_agency, private_index):
    """An expert's languages are the ones they speak, not the language of the hit's text."""
    expert = factories.expert(agency=home_agency, full_name="Olena Obezzarazhivanie")
    expert.languages.set([factories.language(), factories.language("ru", "Russian")])
    index.rebuild()
    page = client_for(member).get(reverse("search:page"), {"q": "Obezzarazhivanie"})
    assert b"Olena" in page.content
    assert b'class="hit-title" lang=' not in page.content
