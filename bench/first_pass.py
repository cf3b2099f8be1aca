"""The bounded first pass of a question against Whoosh's one pass, in one process.

    .venv/bin/python bench/first_pass.py --relevance DIR     # what bench/relevance.py left
    .venv/bin/python bench/first_pass.py --search DIR        # what bench/search.py left

Runs questions through ``search.query.search`` with ``search.engine.candidates`` on and
off (off: every query goes to Whoosh's collector), interleaved per query (a warm-up run,
then on, off, off, on; each side's two averaged), so both sides see the same load and
the same caches. Prints p50/p95 in ms per side and how many first pages were the same.
With ``--relevance``: the judged questions of kind "question", as an anonymous visitor;
with ``--search``: questions drawn as ``bench/search.py`` draws them, as its vetted
member (and ``type=sop`` when highlighting). Asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--relevance", default="", help="a bench/relevance.py workdir")
    where.add_argument("--search", default="", help="a bench/search.py workdir")
    p.add_argument("--queries", type=int, default=40, help="with --search: how many")
    p.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args()


def questions(args):
    """(texts, user, filters when highlighting)."""
    if args.relevance:
        from bench import relevance

        relevance.setup_django(Path(args.relevance))
        from django.contrib.auth.models import AnonymousUser

        texts = [q["q"] for q in relevance.load_queries() if q["kind"] == "question"]
        return texts, AnonymousUser(), None
    from bench import search as bench_search

    args.database_url = ""
    bench_search.setup_django(args, Path(args.search))
    paras = bench_search.paragraphs_of(bench_search.load_corpus(Path(args.corpus)))
    rng = random.Random(args.seed)
    texts = []
    for _ in range(args.queries):
        words = re.findall(r"[A-Za-z][A-Za-z'-]*", rng.choice(paras))
        size = rng.randint(4, 8)
        start = rng.randrange(max(1, len(words) - size))
        texts.append(" ".join(words[start : start + size]))
    from django.contrib.auth import get_user_model

    return texts, get_user_model().objects.get(username="bench-publisher"), {"type": "sop"}


def main():
    args = parse_args()
    texts, user, filters = questions(args)
    from bench.relevance import percentile
    from search import query
    from search.engine import candidates

    bounded = candidates.supported

    def run(on: bool, text: str, highlight: bool):
        candidates.supported = bounded if on else (lambda q: False)
        start = time.perf_counter()
        page = query.search(
            user=user, text=text, highlight=highlight, filters=filters if highlight else None
        )
        return (time.perf_counter() - start) * 1000, [hit.pk for hit in page.hits]

    query.search(user=user, text="warm up the caches")
    for highlight in (False, True):
        on, off, same = [], [], 0
        for text in texts:
            run(True, text, highlight)
            a1, first = run(True, text, highlight)
            b1, whoosh = run(False, text, highlight)
            b2, _ = run(False, text, highlight)
            a2, _ = run(True, text, highlight)
            on.append((a1 + a2) / 2)
            off.append((b1 + b2) / 2)
            same += first == whoosh
        print(
            f"highlight={highlight} questions={len(texts)} same first page {same}/{len(texts)}; "
            f"Whoosh one pass p50 {statistics.median(off):.1f} p95 {percentile(off, 95):.1f}; "
            f"bounded first pass p50 {statistics.median(on):.1f} p95 {percentile(on, 95):.1f}"
        )
    candidates.supported = bounded


if __name__ == "__main__":
    main()
