"""Search shows a procedure and its translations as one entry, the reader's language first."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sops.models import SOP, SOPVersion
from tests.translation_fixtures import revise, translation_create

pytestmark = pytest.mark.django_db

ENGLISH = "## Scope\n\nA carcass with Bacillus anthracis is never opened. Call the veterinarian.\n"
RUSSIAN = "## Область\n\nТушу с Bacillus anthracis не вскрывают. Вызовите ветеринара.\n"


@pytest.fixture
def family(make_sop, editor, publisher, django_capture_on_commit_callbacks):
    """A public English procedure and its public Russian translation, both indexed."""
    with django_capture_on_commit_callbacks(execute=True):
        source = make_sop(
            "ANT-1", title="Anthrax carcass", body=ENGLISH, visibility=SOP.Visibility.PUBLIC
        ).sop
        translation = translation_create(
            source=source,
            editor=editor,
            publisher=publisher,
            reference="ANT-1-RU",
            title="Туша животного с сибирской язвой",
            body=RUSSIAN,
        )
    return source, translation


def _hits(response) -> list[str]:
    """The hits' titles as shown, in order, and their "also in" lines."""
    html = response.content.decode()
    items = re.findall(r'<li class="hit hit-sop".*?</li>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_english_reader_gets_one_entry_in_english_with_a_link_to_russian(family, client):
    response = client.get(reverse("search:page"), {"q": "anthracis"})
    hits = _hits(response)
    assert len(hits) == 1, hits
    assert "Anthrax carcass" in hits[0] and "Also in: Русский (1.0)" in hits[0]


def test_russian_reader_finds_the_russian_text_first(family, client):
    response = client.get(reverse("search:page"), {"q": "anthracis"}, HTTP_ACCEPT_LANGUAGE="ru")
    hits = _hits(response)
    assert len(hits) == 1, hits
    assert "Туша животного" in hits[0] and "English (1.0)" in hits[0]
    assert "Anthrax carcass" not in hits[0]


def test_a_family_member_the_query_missed_is_still_offered(family, client):
    hits = _hits(client.get(reverse("search:page"), {"q": "veterinarian"}))
    assert len(hits) == 1 and "Anthrax carcass" in hits[0] and "Русский" in hits[0]


def test_the_link_shows_the_lag(
    family, editor, publisher, client, django_capture_on_commit_callbacks
):
    source, _translation = family
    with django_capture_on_commit_callbacks(execute=True):
        revise(source, editor=editor, publisher=publisher, kind=SOPVersion.ChangeKind.MINOR)
    hits = _hits(client.get(reverse("search:page"), {"q": "anthracis"}))
    assert "Русский (1.0) behind since 1.1" in hits[0]


def test_a_hidden_translation_is_neither_grouped_nor_named(
    make_sop, editor, publisher, outsider, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        source = make_sop(
            "ANT-2", title="Anthrax carcass", body=ENGLISH, visibility=SOP.Visibility.PUBLIC
        ).sop
        translation_create(
            source=source,
            editor=editor,
            publisher=publisher,
            reference="ANT-2-RU",
            title="Туша животного",
            body=RUSSIAN,
            visibility=SOP.Visibility.AGENCY,
        )
    for reader in (None, outsider):
        client = client_for(reader)
        response = client.get(reverse("search:page"), {"q": "anthracis"}, HTTP_ACCEPT_LANGUAGE="ru")
        html = response.content.decode()
        assert "Туша" not in html and "Also in" not in html and "Русский (" not in html
        assert len(_hits(response)) == 1
