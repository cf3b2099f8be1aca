"""Search benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/search.py                 # 2,000 SOPs, 1,000 experts (a few minutes)
    .venv/bin/python bench/search.py --sops 20000 --experts 10000   # the issue's size

Builds a throw-away database (SQLite in a temp dir unless --database-url) and index,
with SOP texts of about --words words cut from the real documents in ../shared/corpus
(each current version has an older, edited version in the database too), then reports
index build rate, size and peak memory, publish-to-searchable time, and query latency
p50/p95 per query kind through the project's query service and through plain Whoosh
calls on the same index. Raw Whoosh is imported here only to measure it side by side.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sops", type=int, default=2000)
    p.add_argument("--experts", type=int, default=1000)
    p.add_argument("--words", type=int, default=1500)
    p.add_argument("--queries", type=int, default=100, help="queries per kind")
    p.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    p.add_argument(
        "--database-url",
        default="",
        help="default: SQLite in a temp dir; a PostgreSQL database is dropped and made anew",
    )
    p.add_argument("--workdir", default="", help="default: a temp dir")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-raw", action="store_true", help="skip the plain-Whoosh columns")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="query figures only, on the database and index an earlier run left in --workdir",
    )
    return p.parse_args()


def setup_django(args, workdir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["FRONTLINE_INDEX_DIR"] = str(workdir / "index")
    os.environ["FRONTLINE_VAR_DIR"] = str(workdir)
    os.environ.pop("REDIS_URL", None)  # eager tasks: publish runs its index update inline
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_corpus(path: Path) -> list[str]:
    texts = []
    for name in ("docs.jsonl", "multilingual.jsonl"):
        with (path / name).open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record["lang"] == "en" and len(record["text"]) > 500:
                    texts.append(record["text"])
    return texts


def paragraphs_of(texts: list[str]) -> list[str]:
    paras = []
    for text in texts:
        paras += [p.strip() for p in re.split(r"\n\s*\n", text) if len(p.split()) > 8]
    return paras


def make_text(rng: random.Random, paras: list[str], words: int) -> str:
    out, count = [], 0
    start = rng.randrange(len(paras))
    i = start
    while count < words:
        para = paras[i % len(paras)]
        out.append(para)
        count += len(para.split())
        i += 1 + rng.randrange(3)
    return "\n\n".join(out)


def build_data(args, rng, paras):
    """Rows written in bulk (a benchmark fixture, not a business path)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from network.models import Agency, Country, Expert, Language, Membership, Region, Topic
    from sops.models import SOP, SOPVersion

    region = Region.objects.create(code="SEEE", name="South-East and Eastern Europe")
    countries = [
        Country.objects.create(code=c, name=f"Country {c}", region=region)
        for c in ("RS", "UA", "AL", "MD", "GE", "AM", "KZ", "UZ")
    ]
    en = Language.objects.create(code="en", name="English")
    topics = [
        Topic.objects.create(slug=f"t{i}", name=f"Topic {i}", kind=Topic.Kind.AREA)
        for i in range(12)
    ] + [Topic.objects.create(slug=c.lower(), name=c, kind=Topic.Kind.CATEGORY) for c in "CBRN"]
    agencies = [
        Agency.objects.create(
            code=f"ag-{i}",
            name=f"Agency {i}",
            acronym=f"AG{i}",
            country=countries[i % 8],
            kind="public_health",
        )
        for i in range(40)
    ]
    User = get_user_model()
    now = timezone.now()
    sops = SOP.objects.bulk_create(
        SOP(
            agency=agencies[i % 40],
            reference=f"B-{i:05d}",
            title=f"Procedure {i}",
            language=en,
            visibility=("public", "network", "agency")[i % 3],
        )
        for i in range(args.sops)
    )
    versions_old, versions_new = [], []
    for sop in sops:
        text = make_text(rng, paras, args.words)
        title = " ".join(text.split()[:8])[:200]  # a corpus line can lack spaces
        old = "\n\n".join(p for j, p in enumerate(text.split("\n\n")) if j % 4 != 1)
        versions_old.append(
            SOPVersion(
                sop=sop, major=1, minor=0, title=title, body=old, status="superseded", published=now
            )
        )
        versions_new.append(
            SOPVersion(
                sop=sop,
                major=1,
                minor=1,
                title=title,
                body=text,
                status="published",
                published=now,
                change_summary="Edited passages",
            )
        )
    SOPVersion.objects.bulk_create(versions_old, batch_size=500)
    SOPVersion.objects.bulk_create(versions_new, batch_size=500)
    for sop, version in zip(sops, versions_new, strict=True):
        sop.current_version = version
        sop.title = version.title
    SOP.objects.bulk_update(sops, ["current_version", "title"], batch_size=500)
    through = SOP.topics.through
    through.objects.bulk_create(
        [through(sop_id=s.pk, topic_id=topics[(s.pk + k) % 16].pk) for s in sops for k in (0, 5)],
        batch_size=1000,
    )
    users = User.objects.bulk_create(
        User(username=f"bx{i}", email=f"bx{i}@example.org") for i in range(args.experts)
    )
    experts = Expert.objects.bulk_create(
        Expert(
            user=u,
            full_name=f"Expert {i} {rng.choice(paras).split()[0]}",
            position="Specialist",
            bio=make_text(rng, paras, 60),
            country=countries[i % 8],
        )
        for i, u in enumerate(users)
    )
    Membership.objects.bulk_create(
        Membership(expert=e, agency=agencies[i % 40], status="approved", role="member")
        for i, e in enumerate(experts)
    )
    publisher_user = User.objects.create_user("bench-publisher", password="x")
    publisher = Expert.objects.create(user=publisher_user, full_name="Bench Publisher")
    Membership.objects.create(
        expert=publisher, agency=agencies[0], status="approved", role="publisher"
    )
    # Only the ids leave: the texts built here (about 2 GB of objects) must not stay in
    # this process while it times searches, or Python's full garbage collections over
    # them land in the figures (a web process holds no such heap).
    from django.db import connection

    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum gives a real database after a while: without
        # them the pages' plans guessed 3,000 rows for 20,000.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return publisher_user, [sop.pk for sop in sops]


def percentile(values, pct):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(pct / 100 * (len(values) - 1))))]


def timed(fn, inputs):
    times = []
    for item in inputs:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1000)
    return times


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="frontline-bench-"))
    if args.database_url.startswith("postgres") and not args.reuse:
        import common  # bench/common.py

        common.recreate_database(args.database_url)  # a throw-away name, made anew
    setup_django(args, workdir)
    texts = load_corpus(Path(args.corpus))
    paras = paragraphs_of(texts)
    print(f"corpus: {len(texts)} English documents, {len(paras)} passages; workdir {workdir}")
    if args.reuse:
        from django.contrib.auth import get_user_model

        publisher = get_user_model().objects.get(username="bench-publisher")
        query_figures(args, rng, paras, publisher)
        return

    started = time.perf_counter()
    publisher, sops = build_data(args, rng, paras)
    gc.collect()
    print(
        f"database: {args.sops} SOPs x 2 versions (~{args.words} words), {args.experts} experts"
        f" in {time.perf_counter() - started:.1f} s"
    )

    from search import documents, index

    # The rebuild runs as an operator runs it, `manage.py search_rebuild` in its own
    # process, so its peak memory is the rebuild's own, not this script's corpus.
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "search_rebuild", "--quiet-progress"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    build_s = time.perf_counter() - started
    count = documents.count_documents()
    # The command reports its own peak (VmHWM); the children's ru_maxrss would include
    # this script's memory, which a spawned child shares until it execs.
    peak_mb = float(re.search(r"peak memory (\d+) MB", done.stdout).group(1))
    child = re.search(r"(\d+) MB in the largest analysing process", done.stdout)
    child_mb = float(child.group(1)) if child else 0.0
    size_mb = dir_size(index.index_dir()) / 1e6
    print(
        f"rebuild (manage.py search_rebuild): {count} documents in {build_s:.1f} s = "
        f"{count / build_s:.0f} docs/s; index {size_mb:.0f} MB; peak RSS of the rebuild "
        f"process {peak_mb:.0f} MB, of its largest analysing child {child_mb:.0f} MB"
    )

    # A fresh process's first search loads the term sets of the visibility filter and of
    # every facet value; measured on its own, so that the publish figures below are
    # those of a server that has answered searches before.
    from search import query

    started = time.perf_counter()
    query.search(user=publisher, text="procedure")
    print(f"first search of a fresh process: {time.perf_counter() - started:.2f} s")
    publish_figures(publisher, sops, rng)
    query_figures(args, rng, paras, publisher)


def publish_figures(publisher, sops, rng):
    """Publish a revision (eager: the outbox runs the index update inline), then time
    until a word only it contains is found."""
    from search import query
    from sops import services
    from sops.models import SOP, AgencyPolicy

    delays = []
    for n in range(5):
        sop = SOP.objects.get(pk=sops[n * 40])  # agency 0: the publisher's
        # One bench account drafts and publishes: its agency works without four eyes.
        AgencyPolicy.objects.update_or_create(
            agency_id=sop.agency_id, defaults={"four_eyes": False}
        )
        marker = f"benchmarker{n}qz"
        start = time.perf_counter()
        draft = services.version_start_revision(sop=sop, by=publisher)
        services.version_update(
            version=draft, by=publisher, expected_edit_count=None, body=draft.body + f"\n\n{marker}"
        )
        services.version_publish(version=draft, by=publisher, change_summary="bench")
        while query.search(user=publisher, text=marker).total == 0:
            if time.perf_counter() - start > 30:
                break
        delays.append(time.perf_counter() - start)
    print(
        f"publish to searchable (in-process, eager): median {statistics.median(delays):.2f} s,"
        f" max {max(delays):.2f} s"
    )


def query_figures(args, rng, paras, user):
    from whoosh import qparser, sorting

    from search import query
    from search.reader import get_reader
    from search.schema import field_boosts, text_fields

    counts = Counter(w.lower() for p in paras for w in re.findall(r"[A-Za-z]{5,}", p))
    common = sorted(w for w, c in counts.items() if c > 3)
    rng.shuffle(common)
    n = args.queries

    def phrase():
        p = rng.choice(paras).split()
        i = rng.randrange(max(1, len(p) - 3))
        return '"' + " ".join(re.sub(r"\W", "", w) for w in p[i : i + 3]) + '"'

    def question():
        # Four to eight words running on in one of the corpus's own sentences.
        words = re.findall(r"[A-Za-z][A-Za-z'-]*", rng.choice(paras))
        size = rng.randint(4, 8)
        start = rng.randrange(max(1, len(words) - size))
        return " ".join(words[start : start + size])

    def typo(w):
        i = rng.randrange(1, len(w) - 1)
        return w[:i] + w[i + 1] + w[i] + w[i + 2 :]

    makers = {
        "one-term": lambda: rng.choice(common),
        "two-term": lambda: f"{rng.choice(common)} {rng.choice(common)}",
        "phrase": phrase,
        "prefix": lambda: rng.choice(common)[:4] + "*",
        "fuzzy": lambda: typo(rng.choice(common)) + "~",
        "question": question,
    }
    # Each row draws its own queries, so no row is timed on term sets (cached by the
    # service) that the row before it warmed with the same words.
    rows = {
        (kind, faceted): [make() for _ in range(n)]
        for kind, make in makers.items()
        for faceted in (False, True)
    }
    reader = get_reader()
    searcher = reader.searcher
    parser = qparser.MultifieldParser(text_fields(), reader.ix.schema, fieldboosts=field_boosts())
    parser.add_plugin(qparser.FuzzyTermPlugin())
    facets = [
        sorting.FieldFacet(f, allow_overlap=True)
        for f in ("doctype", "topics", "categories", "country", "agency", "language")
    ]

    def raw(text, faceted=False):
        q = parser.parse(text)
        results = searcher.search(q, limit=10, groupedby=facets if faceted else None)
        for name in ("doctype", "topics") if faceted else ():
            results.groups(name)
        if faceted:
            for hit in results:
                hit.highlights("title_en", text=hit.get("title", ""))

    print(f"\nquery latency, ms (first page of 10; {n} queries per kind; user: a vetted member)")
    print(f"{'kind':<26}{'service p50':>12}{'p95':>8}{'raw p50':>10}{'p95':>8}")
    # Every service row first: raw Whoosh's grouped searches leave large caches on the
    # searcher, and Python's garbage collections over them would land in service rows.
    service = {
        key: timed(
            lambda t, f=key[1]: query.search(
                user=user, text=t, highlight=f, filters={"type": "sop"} if f else None
            ),
            inputs,
        )
        for key, inputs in rows.items()
    }
    plain = {
        key: [0.0] if args.no_raw else timed(lambda t, f=key[1]: raw(t, f), inputs)
        for key, inputs in rows.items()
    }
    for (kind, faceted), times in service.items():
        label = kind + (" +facets+hl" if faceted else "")
        raw_times = plain[(kind, faceted)]
        print(
            f"{label:<26}{percentile(times, 50):>12.1f}{percentile(times, 95):>8.1f}"
            f"{percentile(raw_times, 50):>10.1f}{percentile(raw_times, 95):>8.1f}"
        )
    print(
        "\nservice = search.query.search (visibility filter, facet counts, spelling, "
        "bounded expansion, time limit; highlights only in +facets+hl rows);"
        "\nraw = MultifieldParser + Searcher.search(limit=10) on the same index; +facets+hl adds "
        "groupedby on six facets and Whoosh highlights of the titles."
    )


if __name__ == "__main__":
    main()
