"""Relevance benchmark: the project's search beside SQLite FTS5 and tantivy on real texts.

    .venv/bin/pip install -e ".[bench]"            # tantivy
    .venv/bin/python bench/relevance.py            # all of ../shared/corpus (a few minutes)

Imports the corpus (``docs.jsonl`` and ``multilingual.jsonl``) through the bulk import
(``sops.importing.records_import``, what ``manage.py import_sops`` runs) into a throw-away
SQLite database, builds the search index once, then runs the judged questions of
``bench/relevance_queries.jsonl`` (each with the ids of the documents that answer it,
judged by reading them) through ``search.query.search`` and through two plain keyword
engines given the same titles and texts in the same run: an SQLite FTS5 table (porter
tokenizer, bm25, the query's words OR-ed) and tantivy (its default BM25, an OR query).
Prints hit@5 and MRR@10 per kind of question and overall, and each engine's p50/p95
latency on the judged questions. Asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ROOT / "bench" / "relevance_queries.jsonl"
LANGUAGES = {
    "en": "English",
    "ru": "Russian",
    "uk": "Ukrainian",
    "sr": "Serbian",
    "ro": "Romanian",
    "ka": "Georgian",
    "el": "Greek",
    "hy": "Armenian",
    "sq": "Albanian",
}
CORPUS_FILES = ("docs.jsonl", "multilingual.jsonl")
TOP = 10


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    p.add_argument("--queries", default=str(QUERIES))
    p.add_argument("--workdir", default="", help="default: a temp dir")
    p.add_argument("--misses", action="store_true", help="list the project's misses")
    p.add_argument("--ranks", action="store_true", help="every question's rank per engine")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the database left in --workdir (the index is rebuilt)",
    )
    p.add_argument(
        "--keep-index",
        action="store_true",
        help="with --reuse: keep the index too (only if the schema has not changed)",
    )
    return p.parse_args()


# -- the corpus and the judged questions ---------------------------------------------------


def corpus_records(corpus: Path, wanted: set[str] | None = None) -> list[dict]:
    """The corpus records (all, or those whose id is in ``wanted``), in file order."""
    found = []
    for name in CORPUS_FILES:
        with (corpus / name).open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if wanted is None or record["id"] in wanted:
                    found.append(record)
    return found


def load_queries(path: Path = QUERIES) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def reference_of(record_id: str) -> str:
    """The SOP reference code a corpus id is imported under: codes are at most 60
    characters, so a longer id keeps its start and a hash of the whole."""
    if len(record_id) <= 60:
        return record_id
    return f"{record_id[:51]}-{hashlib.sha1(record_id.encode()).hexdigest()[:8]}"


def import_corpus(records: list[dict]):
    """Publish ``records`` as one agency's public procedures through the bulk import,
    then build the index once. Returns {reference: sop pk} and the publishing user."""
    from events import services as event_services
    from network.models import Agency, Country, Expert, Language, Membership, Region, Topic
    from search import index
    from sops.importing import RawRecord, records_import
    from sops.models import SOP

    region, _ = Region.objects.get_or_create(code="SEEE", defaults={"name": "SEEE"})
    country, _ = Country.objects.get_or_create(
        code="RS", defaults={"name": "Serbia", "region": region}
    )
    for code, name in LANGUAGES.items():
        Language.objects.get_or_create(code=code, defaults={"name": name})
    Topic.objects.get_or_create(slug="corpus", defaults={"name": "Corpus"})
    agency, _ = Agency.objects.get_or_create(
        code="corpus",
        defaults={"name": "Corpus agency", "acronym": "CA", "country": country},
    )
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(username="relevance-publisher")
    if created:
        expert = Expert.objects.create(user=user, full_name="Relevance Publisher")
        Membership.objects.create(
            expert=expert,
            agency=agency,
            role=Membership.Role.PUBLISHER,
            status=Membership.Status.APPROVED,
        )
    raw = [
        RawRecord(
            r["id"],
            data={
                "reference": reference_of(r["id"]),
                "title": r["title"][:300],
                "body": r["text"],
                "language": r["lang"],
                "topics": ["corpus"],
                "visibility": "public",
            },
        )
        for r in records
    ]
    # The index is built once below; one index update per imported record (what the
    # outbox would queue) is what a live import pays, not what is measured here.
    dispatch = event_services._enqueue_dispatch
    event_services._enqueue_dispatch = lambda event_id: None
    try:
        result = records_import(agency=agency, records=raw, by=user)
    finally:
        event_services._enqueue_dispatch = dispatch
    if result.skipped:
        print(f"skipped {len(result.skipped)}: {result.skipped[:3]}", file=sys.stderr)
    index.rebuild()
    pks = dict(SOP.objects.filter(agency=agency).values_list("reference", "pk"))
    return pks, user


# -- scoring -------------------------------------------------------------------------------


def ranks(results: list[str], relevant: list[str]) -> int | None:
    """1-based rank of the first relevant id in ``results``, or None."""
    wanted = set(relevant)
    for n, rid in enumerate(results[:TOP], start=1):
        if rid in wanted:
            return n
    return None


def scores(rows: list[tuple[str, int | None]]) -> dict[str, tuple[float, float, int]]:
    """Per kind and overall: (hit@5, MRR@10, questions)."""
    by_kind: dict[str, list[int | None]] = defaultdict(list)
    for kind, rank in rows:
        by_kind[kind].append(rank)
        by_kind["all"].append(rank)
    out = {}
    for kind, found in by_kind.items():
        hit5 = sum(1 for r in found if r is not None and r <= 5) / len(found)
        mrr = sum(1 / r for r in found if r is not None) / len(found)
        out[kind] = (hit5, mrr, len(found))
    return out


def percentile(values, pct):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(pct / 100 * (len(values) - 1))))]


# -- the engines ---------------------------------------------------------------------------

WORD = re.compile(r"\w+")
PHRASE = re.compile(r'"([^"]+)"')


def project_engine(user, by_pk: dict[int, str]):
    from search import query

    def run(text: str) -> list[str]:
        results = query.search(user=user, text=text, per_page=TOP)
        return [by_pk.get(hit.pk, f"?{hit.doctype}") for hit in results.hits]

    return run


def fts5_engine(records: list[dict]):
    """SQLite FTS5, porter tokenizer, bm25; the words OR-ed (a quoted phrase as one
    FTS5 phrase)."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(rid UNINDEXED, title, body, tokenize=porter)")
    db.executemany(
        "INSERT INTO docs VALUES (?, ?, ?)", [(r["id"], r["title"], r["text"]) for r in records]
    )

    def run(text: str) -> list[str]:
        terms = [
            '"' + " ".join(WORD.findall(p)) + '"' for p in PHRASE.findall(text) if WORD.search(p)
        ]
        terms += ['"' + w + '"' for w in WORD.findall(PHRASE.sub(" ", text))]
        if not terms:
            return []
        sql = "SELECT rid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?"
        return [row[0] for row in db.execute(sql, (" OR ".join(terms), TOP))]

    return run


def tantivy_engine(records: list[dict], workdir: Path):
    """tantivy with its default tokenizer and BM25; ``parse_query`` ORs the words."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("rid", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=False)
    builder.add_text_field("body", stored=False)
    schema = builder.build()
    path = workdir / "tantivy"
    shutil.rmtree(path, ignore_errors=True)  # a fresh index each run (--reuse)
    path.mkdir()
    ix = tantivy.Index(schema, path=str(path))
    writer = ix.writer()
    for r in records:
        writer.add_document(tantivy.Document(rid=r["id"], title=r["title"], body=r["text"]))
    writer.commit()
    writer.wait_merging_threads()
    ix.reload()
    searcher = ix.searcher()

    def run(text: str) -> list[str]:
        phrases = [" ".join(WORD.findall(p)) for p in PHRASE.findall(text)]
        parts = [f'"{p}"' for p in phrases if p] + WORD.findall(PHRASE.sub(" ", text))
        if not parts:
            return []
        q = ix.parse_query(" ".join(parts), ["title", "body"])
        hits = searcher.search(q, TOP).hits
        return [searcher.doc(address)["rid"][0] for _score, address in hits]

    return run


# -- the run -------------------------------------------------------------------------------


def evaluate(run, queries: list[dict]) -> tuple[list[tuple[str, int | None]], list[float]]:
    rows, times = [], []
    for q in queries:
        start = time.perf_counter()
        found = run(q["q"])
        times.append((time.perf_counter() - start) * 1000)
        rows.append((q["kind"], ranks(found, q["relevant"])))
    return rows, times


def setup_django(workdir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'relevance.sqlite3'}"
    os.environ["FRONTLINE_INDEX_DIR"] = str(workdir / "index")
    os.environ["FRONTLINE_VAR_DIR"] = str(workdir)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main():
    args = parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="frontline-relevance-"))
    workdir.mkdir(parents=True, exist_ok=True)
    setup_django(workdir)
    queries = load_queries(Path(args.queries))
    records = corpus_records(Path(args.corpus))
    known = {r["id"] for r in records}
    for q in queries:
        unknown = set(q["relevant"]) - known
        if unknown:
            raise SystemExit(f"{q['q']!r}: no such corpus ids {sorted(unknown)}")
    started = time.perf_counter()
    if args.reuse:
        from django.contrib.auth import get_user_model

        from search import index
        from sops.models import SOP

        pks = dict(SOP.objects.values_list("reference", "pk"))
        user = get_user_model().objects.get(username="relevance-publisher")
        if not (args.keep_index and index.read_meta()):
            index.rebuild()  # the code's schema may have changed since
    else:
        pks, user = import_corpus(records)
    by_ref = {reference_of(r["id"]): r["id"] for r in records}
    by_pk = {pk: by_ref[ref] for ref, pk in pks.items() if ref in by_ref}
    print(
        f"corpus: {len(records)} documents imported and indexed in "
        f"{time.perf_counter() - started:.0f} s; {len(queries)} judged questions; "
        f"workdir {workdir}"
    )
    from django.contrib.auth.models import AnonymousUser

    engines = {
        "project": project_engine(AnonymousUser(), by_pk),
        "fts5": fts5_engine(records),
        "tantivy": tantivy_engine(records, workdir),
    }
    # The project's first search of a process loads its caches: not a question's cost.
    engines["project"]("warm up the caches")
    results = {name: evaluate(run, queries) for name, run in engines.items()}
    kinds = sorted({q["kind"] for q in queries}) + ["all"]
    table = {name: scores(rows) for name, (rows, _t) in results.items()}
    print(
        f"\n{'kind':<10}{'n':>4}"
        + "".join(f"{name + ' hit@5':>16}{'MRR@10':>8}" for name in engines)
    )
    for kind in kinds:
        n = table["project"][kind][2]
        cells = "".join(
            f"{table[name][kind][0]:>16.2f}{table[name][kind][1]:>8.2f}" for name in engines
        )
        print(f"{kind:<10}{n:>4}{cells}")
    print(f"\n{'latency ms':<14}{'p50':>8}{'p95':>8}{'max':>8}  (all {len(queries)} questions)")
    for name, (_rows, times) in results.items():
        print(
            f"{name:<14}{statistics.median(times):>8.1f}{percentile(times, 95):>8.1f}"
            f"{max(times):>8.1f}"
        )
    asked = [n for n, q in enumerate(queries) if q["kind"] == "question"]
    print(
        f"\n{'latency ms':<14}{'p50':>8}{'p95':>8}{'max':>8}  (the {len(asked)} of kind question)"
    )
    for name, (_rows, times) in results.items():
        picked = [times[n] for n in asked]
        print(
            f"{name:<14}{statistics.median(picked):>8.1f}{percentile(picked, 95):>8.1f}"
            f"{max(picked):>8.1f}"
        )
    print(
        "\nproject = search.query.search as an anonymous visitor (facets, highlights, "
        "spelling included); fts5 = SQLite FTS5 porter, bm25, words OR-ed; "
        "tantivy = default tokenizer, BM25, OR query. Both peers index title and text only."
    )
    if args.ranks:
        print("\nrank of the first relevant document (- : not in the top 10)")
        for n, q in enumerate(queries):
            cells = " ".join(f"{results[name][0][n][1] or '-':>3}" for name in engines)
            print(f"  {cells}  [{q['kind']}] {q['q']}")
    if args.misses:
        rows = results["project"][0]
        print("\nproject misses (not in the top 5):")
        for q, (_kind, rank) in zip(queries, rows, strict=True):
            if rank is None or rank > 5:
                found = engines["project"](q["q"])[:5]
                print(
                    f"  [{q['kind']}] {q['q']!r} rank={rank} want={q['relevant'][:3]} got={found}"
                )


if __name__ == "__main__":
    main()
