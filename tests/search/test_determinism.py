"""The same index and query give the same first page on a quiet or a busy machine, and
past every deadline: the time limit may cut counting, never the ranking."""

from __future__ import annotations

import multiprocessing
import os
import random

import pytest
from django.db.models import Q

from sops.models import SOP
from tests.search.conftest import search, titles

pytestmark = pytest.mark.django_db
WORDS = [
    "sample",
    "swab",
    "cargo",
    "container",
    "border",
    "quarantine",
    "laboratory",
    "decontamination",
    "bleach",
    "autoclave",
    "shipment",
    "specimen",
    "triple",
    "packaging",
    "cold",
    "chain",
    "inspection",
    "customs",
    "veterinary",
    "import",
    "animal",
    "traveller",
    "screening",
    "isolation",
    "report",
    "alert",
    "exposure",
]
QUERIES = [
    "decontamination",
    "cargo container inspection",
    "how to ship a specimen in triple packaging",
    '"cold chain"',
    "quaran*",
    "decontaminaton",
    "animal import border",
]


@pytest.fixture
def many(publish, publisher, home_agency):
    rng = random.Random(11)
    sops = []
    for n in range(36):
        title = " ".join(rng.sample(WORDS, 3)).capitalize()
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(20, 120))) + "."
        sops.append(publish(publisher, home_agency, f"{title} {n}", body))
    return sops


def _pages(user):
    return {
        (text, sort): (titles(r), r.total)
        for text in QUERIES
        for sort in ("relevance", "date")
        for r in [search(user, text, sort=sort)]
    }


def _spin():  # pragma: no cover - runs in a child process
    while True:
        pass


def test_first_pages_are_the_same_under_load_and_past_every_deadline(many, member, monkeypatch):
    from search import service as query

    quiet = _pages(member)
    assert all(page for page, _total in quiet.values())
    busy = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(os.cpu_count() or 2)]
    for process in busy:
        process.start()
    try:
        assert _pages(member) == quiet
    finally:
        for process in busy:
            process.terminate()
            process.join()
    monkeypatch.setattr(query, "TIME_LIMIT", -1.0)  # every deadline already passed
    late = _pages(member)
    assert {key: page for key, (page, _t) in late.items()} == {
        key: page for key, (page, _t) in quiet.items()
    }


def test_sort_by_date_returns_the_newest_matches_first(many, member, monkeypatch):
    from search import service as query

    monkeypatch.setattr(query, "TIME_LIMIT", -1.0)
    holds = Q(current_version__body__icontains="cargo") | Q(
        current_version__title__icontains="cargo"
    )
    matching = SOP.objects.filter(holds).order_by("-current_version__published")
    expected = [s.current_version.title for s in matching[:10]]
    assert len(expected) == 10
    results = search(member, "cargo", sort="date")
    assert titles(results) == expected
