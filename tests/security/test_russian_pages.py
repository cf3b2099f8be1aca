"""Every page of the security matrix, and the main pages, rendered in Russian for each
persona: no English from the catalogues is left in what a reader sees.

The English looked for is every msgid of the ``ru`` catalogues that has a Russian
translation (and the pending strings of ``i18n-pending/``, put into this process's
catalogue by the ``pending_russian`` fixture): a fragment of it (between placeholders,
at least two words) appearing verbatim in a text node, a ``title``, ``aria-label``,
``placeholder`` or ``alt`` means the page did not translate it. Untranslated catalogue
entries are not looked for here (``scripts/check_catalogues.sh`` fails on those).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.i18n_support import pending_entries, pending_russian, po_entries, ru_catalogues  # noqa: F401
from tests.security.conftest import ROLES

PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\{.*?\}\}|\{%.*?%\}|<[^>]+>|\{\w*\}")
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


def english_fragments(catalogue: dict) -> set[str]:
    """The pieces of translated msgids a Russian page must not show."""
    fragments = set()
    for key, value in catalogue.items():
        forms = value if isinstance(value, list) else [value]
        if not all(forms):
            continue  # untranslated: the catalogue check's business
        msgids = key if isinstance(key, tuple) else (key,)
        for msgid in msgids:
            msgid = msgid.split("\x04")[-1]
            for piece in PLACEHOLDER.split(msgid):
                piece = " ".join(piece.split()).strip(" .,:;·—()«»\"'")
                if len(piece) >= 10 and " " in piece and not any(piece in f for f in forms):
                    fragments.add(piece)
    return fragments


def translated_english() -> set[str]:
    fragments = set()
    for path in ru_catalogues():
        fragments |= english_fragments(po_entries(path))
    pending = {
        (k.split("|")[0], k.split("|")[1]) if isinstance(v, list) else k: v
        for k, v in pending_entries().items()
    }
    return fragments | english_fragments(pending)


class Visible(HTMLParser):
    """The text a reader sees or hears: text nodes outside scripts, and labels."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data)


def english_left(html: str, fragments: set[str]) -> list[str]:
    parser = Visible()
    parser.feed(html)
    text = "\n".join(" ".join(t.split()) for t in parser.texts)
    return sorted(f for f in fragments if f in text)


def test_the_scanner_finds_english_in_text_and_labels_but_not_in_scripts():
    fragments = english_fragments(
        {"Sign in to follow %(title)s": "Войдите, чтобы подписаться на %(title)s", "Rare": ""}
    )
    assert fragments == {"Sign in to follow"}
    assert english_left("<p>Sign  in to\nfollow X</p>", fragments) == ["Sign in to follow"]
    assert english_left('<a title="Sign in to follow">x</a>', fragments) == ["Sign in to follow"]
    assert english_left("<script>'Sign in to follow'</script><p>Войти</p>", fragments) == []


def _pages(r, home_agency) -> list[str]:
    sop, v = r.sop, r.published
    return [
        "/",
        reverse("sops:list"),
        f"/search/?q={r.sop.reference}",
        reverse("network:experts"),
        reverse("network:agencies"),
        home_agency.get_absolute_url(),
        reverse("network:profile"),
        reverse("notifications:inbox"),
        reverse("notifications:following"),
        reverse("sops:review_queue"),
        reverse("login"),
        reverse("network:sign_up"),
        f"/sops/{sop.pk}/",
        f"/sops/{sop.pk}/versions/{v.pk}/",
        f"/sops/{sop.pk}/compare/?a={v.pk}&b={v.pk}",
        f"/sops/{sop.pk}/versions/{v.pk}/print/",
        f"/sops/check/{v.pk}/",
        f"/sops/{sop.pk}/versions/{r.draft.pk}/",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_pages_in_russian_show_no_english_from_the_catalogues(
    role,
    restricted,
    home_agency,
    persona,
    page_client,
    pending_russian,  # noqa: F811
):
    fragments = translated_english()
    user = persona(role)
    if user is not None and hasattr(user, "expert"):
        user.expert.language = "ru"
        user.expert.save()
    client = page_client(role)
    client.cookies["django_language"] = "ru"  # visitors and staff without a profile
    found = {}
    for url in _pages(restricted, home_agency):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert '<html lang="ru"' in html, (role, url)
        if left := english_left(html, fragments):
            found[url] = left
    assert not found, f"{role} sees English on Russian pages: {found}"
