"""A crawl of every link each demo role is shown, over the demo data: no page answers 5xx,
and no page links the role to something that answers them 4xx (403, 404: a link they may
not follow). Django's test client, so it is quick; bounded by visiting each URL pattern
at most ``PER_PATTERN`` times (different ids, filters, pages of the same view).
"""

from __future__ import annotations

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

ROLES = ("anonymous", "applicant", "member", "editor", "publisher", "admin", "outsider", "staff")
PER_PATTERN = 3
MAX_PAGES = 600  # per role: a runaway guard, far above what the patterns allow
SKIP_PREFIXES = ("/static/", "/media/", "/i18n/", "/ws/")


class Links(HTMLParser):
    """The ``href`` of every ``<a>`` in a page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _same_site(base: str, href: str) -> str | None:
    """The path and query of a link on this site, or None (other sites, mailto:, anchors)."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http", "https"):
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _pattern(url: str) -> str:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return f"unresolved {urlsplit(url).path}"
    return match.route or match.view_name


def crawl(client: Client, start: str = "/") -> tuple[list[str], int]:
    """Follow every same-site link breadth-first; returns the problems found and the number
    of pages fetched."""
    problems: list[str] = []
    seen = {start}
    per_pattern: Counter[str] = Counter({_pattern(start): 1})
    queue = deque([(start, "(start)")])
    fetched = 0
    while queue and fetched < MAX_PAGES:
        url, linked_from = queue.popleft()
        response = client.get(url)
        fetched += 1
        found: list[str] = []
        if response.status_code >= 400:
            problems.append(f"{url} answers {response.status_code} (linked from {linked_from})")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            found = [response["Location"]]
        elif "text/html" in response.get("Content-Type", ""):
            parser = Links()
            parser.feed(response.content.decode("utf-8", "replace"))
            found = parser.hrefs
        for href in found:
            target = _same_site(url, href)
            if target is None or target in seen:
                continue
            seen.add(target)
            pattern = _pattern(target)
            if per_pattern[pattern] >= PER_PATTERN:
                continue
            per_pattern[pattern] += 1
            queue.append((target, url))
    return problems, fetched


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks, settings):
    settings.DEBUG = False  # what production answers (and no debug page hides a 404)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")  # eager tasks: the index and the inboxes fill


def test_no_role_is_shown_a_link_it_may_not_follow(demo):
    problems, fetched = [], {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(get_user_model().objects.get(username=role))
        found, fetched[role] = crawl(client)
        problems += [f"{role}: {p}" for p in found]
    assert all(n >= 15 for n in fetched.values()), fetched
    assert not problems, "\n".join(problems)


def test_the_crawl_reports_a_page_that_refuses_the_role(client_for, member):
    problems, fetched = crawl(client_for(member), start="/audit/")
    assert fetched == 1 and problems == ["/audit/ answers 403 (linked from (start))"]
