"""The procedure and search pages in Russian: a reader who asks for Russian gets the
catalogue's words (with Russian plural forms), not the English msgids of these pages."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from sops import services
from sops.models import SOPVersion

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}

# English words these pages show in English: none of them may be left in the Russian page.
ENGLISH = [
    "What to do next",
    "To acknowledge",
    "Changed since your last visit",
    "Procedures dashboard",
    "Work on this procedure",
    "Start a revision",
    "Versions",
    "In force from",
    "Who may read it",
    "Compare",
    "Sign out",
    "Review queue",
    "Approve and publish",
    "Return to draft",
    "Search",
    "Filter",
    "results",
    "procedures",
    "major revision",
]


def visible(response) -> str:
    """The page's text as a reader sees it (tags, scripts and attributes dropped)."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page)).strip()


def check(response, *russian: str, name: str) -> str:
    assert response.status_code == 200, name
    assert response["Content-Language"] == "ru"
    words = visible(response)
    if out := os.environ.get("FRONTLINE_DUMP_RU"):
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / f"{name}.txt").write_text(words)
    for phrase in russian:
        assert phrase in words, (name, phrase)
    for phrase in ENGLISH:
        assert not re.search(rf"\b{re.escape(phrase)}\b", words), (name, phrase)
    return words


@pytest.fixture
def two_versions(make_sop, editor, publisher, django_capture_on_commit_callbacks):
    """BIO-001 with 1.0 superseded by the major revision 2.0, indexed for search."""
    with django_capture_on_commit_callbacks(execute=True):
        v1 = make_sop()
        draft = services.version_start_revision(sop=v1.sop, by=editor, change_kind="major")
        services.version_update(
            version=draft,
            by=editor,
            expected_edit_count=0,
            body="## Scope\n\nIsolate the parcel twice. Call the duty officer.\n",
        )
        v2 = services.version_publish(version=draft, by=publisher, change_summary="Twice.")
    return v1, v2


def test_member_reads_home_list_procedure_and_search_in_russian(client_for, member, two_versions):
    v1, v2 = two_versions
    client = client_for(member)
    check(
        client.get(reverse("home"), **RU),
        "Что нужно сделать",
        "Нужно ознакомиться",
        "существенная редакция 2.0",
        "Выйти",
        name="home",
    )
    check(client.get(reverse("sops:list"), **RU), "1 процедура", "Применить", name="list")
    sop = v2.sop
    page = check(
        client.get(sop.get_absolute_url(), **RU),
        "Действует с",
        "Кто может читать",
        "Версии",
        "Заменена",
        "С версией 2.0 ознакомлен(а)",
        name="sop",
    )
    assert "Сеть: проверенные участники" in page
    check(
        client.get(reverse("sops:compare", args=[sop.pk]), {"a": v1.pk, "b": v2.pk}, **RU),
        "Изменения от версии 1.0 к версии 2.0",
        "Добавлено слов:",
        name="compare",
    )
    check(
        client.get(reverse("search:page"), {"q": "parcel"}, **RU),
        "1 результат",
        "Найти",
        "Сортировка",
        name="search",
    )


def test_publisher_reads_the_dashboard_and_review_queue_in_russian(
    client_for, publisher, editor, home_agency, two_versions
):
    v1, v2 = two_versions
    draft = services.version_start_revision(sop=v2.sop, by=editor)
    services.version_submit(version=draft, by=editor)
    client = client_for(publisher)
    check(
        client.get(reverse("sops:agency_dashboard", args=[home_agency.code]), **RU),
        "Сводка по процедурам",
        "дней на ознакомление",
        "Подтверждения ознакомления",
        name="dashboard",
    )
    check(
        client.get(reverse("sops:review_queue"), **RU),
        "Утвердить и опубликовать",
        "Вернуть на доработку",
        name="review_queue",
    )
    check(
        client.get(draft.get_absolute_url(), **RU),
        "На рецензировании",
        name="version_in_review",
    )


def test_refusals_name_the_status_in_russian(editor, two_versions):
    v1, v2 = two_versions
    with translation.override("ru"):
        with pytest.raises(Exception) as refused:
            services.version_submit(version=SOPVersion.objects.get(pk=v1.pk), by=editor)
        assert str(refused.value.message) == (
            "Действие «отправка на рецензирование» недоступно для версии со статусом «заменена»."
        )


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "процедура"), (3, "процедуры"), (5, "процедур"), (11, "процедур"), (21, "процедура")],
)
def test_russian_plural_forms(n, word):
    with translation.override("ru"):
        said = translation.ngettext("%(counter)s procedure", "%(counter)s procedures", n) % {
            "counter": n
        }
    assert said == f"{n} {word}"
