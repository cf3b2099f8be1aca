"""Relevance on real text from ../shared/corpus (see its README), plus written SOPs
for the language checks. Skips when the corpus is not beside the checkout."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from search import index
from sops import services
from sops.models import SOP
from tests import factories
from tests.search.conftest import search, titles

# Needs ../shared/corpus: skipped without it on a developer's machine, a failure in CI.
pytestmark = [pytest.mark.django_db, pytest.mark.corpus]
ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("FRONTLINE_CORPUS", ROOT.parent / "shared" / "corpus"))
ENGLISH_DOCS = 60
ANON = AnonymousUser()


def _records(name: str, lang: str | None = None, limit: int = 60) -> list[dict]:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    found = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if lang and record["lang"] != lang:
                continue
            if len(record["text"]) > 400:
                found.append(record)
            if len(found) >= limit:
                break
    return found


def _create(publisher, agency, record, n, language="en") -> SOP:
    draft = services.sop_create(
        agency=agency,
        reference=f"C-{n:03d}",
        title=record["title"][:300],
        body=record["text"][:20000],
        language=factories.language(language, language),
        by=publisher,
        visibility=SOP.Visibility.PUBLIC,
    )
    return services.version_publish(version=draft, by=publisher).sop


@pytest.fixture
def corpus(publisher, home_agency):
    """English and Russian corpus documents as published SOPs, indexed in one rebuild."""
    sops = []
    for n, record in enumerate(_records("docs.jsonl", limit=ENGLISH_DOCS)):
        sops.append((_create(publisher, home_agency, record, n), record))
    for n, record in enumerate(_records("multilingual.jsonl", "ru", limit=20), start=500):
        sops.append((_create(publisher, home_agency, record, n, "ru"), record))
    extra = {
        "ru": (
            "Досмотр грузов на пограничном пункте пропуска",
            "Инспектор проводит досмотр грузов и отбор проб при подозрении на биологическую угрозу.",
        ),
        "sr": (
            "Granični prelaz: kontrola pošiljki",
            "Na graničnom prelazu carinik pregleda pošiljke i uzima uzorke.",
        ),
    }
    for n, (lang, (title, body)) in enumerate(extra.items(), start=900):
        record = {"title": title, "text": body}
        sops.append((_create(publisher, home_agency, record, n, lang), record))
    index.rebuild()
    return sops


def _distinctive_phrase(text: str, others: list[str]) -> str | None:
    words = re.findall(r"[A-Za-z]{4,}", text)
    for start in range(len(words) // 3, len(words) - 4):
        phrase = " ".join(words[start : start + 4])
        pattern = re.compile(r"\b" + r"\W+".join(words[start : start + 4]) + r"\b", re.I)
        if pattern.search(text) and not any(pattern.search(o) for o in others):
            return phrase
    return None


def test_distinctive_phrase_returns_its_sop_first(corpus):
    english = [(sop, rec) for sop, rec in corpus if sop.language_id == "en"]
    checked = 0
    for sop, record in english[::7]:
        others = [r["text"] for s, r in english if s.pk != sop.pk]
        phrase = _distinctive_phrase(record["text"], others)
        if phrase is None:
            continue
        results = search(ANON, f'"{phrase}"')
        assert results.hits and results.hits[0].pk == sop.pk, phrase
        checked += 1
    assert checked >= 5


def test_title_words_return_their_sop_first(corpus):
    english = [(sop, rec) for sop, rec in corpus if sop.language_id == "en"]
    titles_seen = [s.current_version.title for s, _ in english]
    for sop, _record in english[::9]:
        title = sop.current_version.title
        if titles_seen.count(title) > 1:
            continue
        assert search(ANON, title).hits[0].pk == sop.pk, title


def test_typo_still_finds_the_sop(corpus):
    english = [(sop, rec) for sop, rec in corpus if sop.language_id == "en"]
    texts = [r["text"].lower() + " " + s.current_version.title.lower() for s, r in english]
    checked = 0
    for i, (sop, _record) in enumerate(english):
        for word in re.findall(r"[a-z]{9,}", sop.current_version.title.lower()):
            if sum(word in t for t in texts) != 1 or texts[i].count(word) < 1:
                continue
            typo = word[:4] + word[5] + word[4] + word[6:]  # swap two letters
            results = search(ANON, typo)
            assert results.hits and results.hits[0].pk == sop.pk, (word, typo)
            assert results.suggestion
            checked += 1
            break
        if checked >= 3:
            break
    assert checked >= 1


def test_russian_inflected_form_finds_its_russian_sop(corpus):
    results = search(ANON, "досмотром грузу")  # instrumental and dative of the title words
    assert titles(results)[0] == "Досмотр грузов на пограничном пункте пропуска"
    assert titles(search(ANON, "ДОСМОТР"))[0] == "Досмотр грузов на пограничном пункте пропуска"


def test_unaccented_serbian_finds_the_accented_sop(corpus):
    assert titles(search(ANON, "granicni prelaz"))[0] == "Granični prelaz: kontrola pošiljki"
    assert titles(search(ANON, "posiljki"))[0] == "Granični prelaz: kontrola pošiljki"


def test_english_query_works_whatever_the_interface_language(corpus, client):
    sop, record = next((s, r) for s, r in corpus if s.language_id == "en")
    with_ru = client.get("/search/", {"q": sop.current_version.title}, HTTP_ACCEPT_LANGUAGE="ru")
    assert with_ru.status_code == 200
    assert with_ru.context["results"].hits[0].pk == sop.pk


# The judged questions of bench/relevance.py: every fourth of them (20, of every kind),
# over the documents that answer them and every fifteenth other corpus document of at
# most DISTRACTOR_CHARS (analysing long texts is most of the import's time).
SUBSET_EVERY = 4
DISTRACTOR_EVERY = 15
DISTRACTOR_CHARS = 12_000
# The project's hit@5 on this subset was 1.00 (MRR@10 1.00) when this floor was set (see
# BENCHMARKS.md for the whole set beside FTS5 and tantivy): one miss of 20 is allowed.
HIT5_FLOOR = 0.95


def test_judged_questions_find_their_documents(search_index):
    from bench import relevance

    queries = relevance.load_queries()[::SUBSET_EVERY]
    assert len(queries) == 20
    if not (CORPUS / "docs.jsonl").exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    wanted = {rid for q in queries for rid in q["relevant"]}
    every = relevance.corpus_records(CORPUS)
    records = [
        r
        for n, r in enumerate(every)
        if r["id"] in wanted or (n % DISTRACTOR_EVERY == 0 and len(r["text"]) <= DISTRACTOR_CHARS)
    ]
    pks, _user = relevance.import_corpus(records)
    by_ref = {relevance.reference_of(r["id"]): r["id"] for r in records}
    by_pk = {pk: by_ref[ref] for ref, pk in pks.items()}
    rows, _times = relevance.evaluate(relevance.project_engine(ANON, by_pk), queries)
    hit5, mrr, n = relevance.scores(rows)["all"]
    missed = [q["q"] for q, (_k, rank) in zip(queries, rows, strict=True) if not rank or rank > 5]
    print(f"judged subset: hit@5 {hit5:.2f}, MRR@10 {mrr:.2f} over {n} questions")
    assert hit5 >= HIT5_FLOOR, (hit5, mrr, missed)
