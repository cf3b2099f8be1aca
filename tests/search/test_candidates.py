"""The bounded first pass (``search.engine.candidates``) against Whoosh ranking the same
query in one pass over every match, on an index of three segments with deletions and
terms with many blocks of postings."""

from __future__ import annotations

import random

import pytest
from pyroaring import FrozenBitMap
from whoosh import query as wq

from search import index
from search.engine import candidates, parsing, ranking, whoosh_private
from search.engine.matching import Budget, matching_docs, presolved
from search.engine.reader import Reader

WORDS = [
    *("sample", "transport", "border", "crossing", "shipment", "specimen", "triple"),
    *("packaging", "quarantine", "laboratory", "decontamination", "cold", "chain"),
    *("courier", "permit", "customs", "label", "box", "ice"),
]


def _words(rng: random.Random, low: int, high: int) -> str:
    # A skewed draw: the first words are common (many blocks), the last rare.
    return " ".join(
        WORDS[min(int(rng.expovariate(0.25)), len(WORDS) - 1)]
        for _ in range(rng.randint(low, high))
    )


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    rng = random.Random(5)
    path = tmp_path_factory.mktemp("candidates") / "ix"
    ix = index._create(path)
    for batch in range(3):  # three commits, not merged: three segments
        writer = ix.writer()
        for n in range(batch * 300, batch * 300 + 300):
            writer.add_document(
                key=f"doc:{n}",
                doctype="expert" if n % 7 == 0 else "sop",
                language="ru" if n % 11 == 0 else "en",
                title_en=_words(rng, 1, 5),
                heading_en=_words(rng, 0, 4),
                body_en=_words(rng, 5, 60),
                body_xx=_words(rng, 0, 8),
                meta=_words(rng, 0, 2),
            )
        writer.commit(merge=False)
    writer = ix.writer()  # deletions in two segments
    for n in (3, 4, 5, 250, 610, 611, 899):
        writer.delete_by_term("key", f"doc:{n}")
    writer.commit(merge=False)
    opened = Reader(path, "test")
    assert len(opened.searcher.reader().leaf_readers()) == 3
    yield opened
    opened.close()


def test_postings_and_their_scores_are_whooshs_at_every_document(reader):
    """A term's (ids, weights) read a block at a time, and its scorer on one posting,
    give Whoosh's matcher's ids and scores."""
    searcher = reader.searcher
    context = searcher.context()
    checked, longest = 0, 0
    for word in WORDS:
        for fieldname in ("body_en", "title_en", "meta"):
            term = wq.Term(fieldname, word)
            for leaf, _offset in searcher.leaf_searchers():
                btext = word.encode()
                if (fieldname, btext) not in leaf.reader():
                    continue
                m = whoosh_private.without_deletions(leaf.reader().postings(fieldname, btext))
                ids, weights = whoosh_private.postings(m)
                longest = max(longest, len(ids))
                scorer = searcher.weighting.scorer(leaf, fieldname, btext)
                expected = {}
                m = term.matcher(leaf, context)
                while m.is_active():
                    expected[m.id()] = (m.weight(), m.score())
                    m.next()
                assert [d for d in ids if d in expected] == sorted(expected)
                for docnum, weight in zip(ids, weights, strict=True):
                    if docnum in expected:
                        posting = whoosh_private.Posting(docnum, weight)
                        assert (weight, scorer.score(posting)) == expected[docnum]
                        checked += 1
    assert checked > 3000
    assert longest > 128  # terms of several blocks of postings were read


def _one_pass(reader, plan, adjust):
    """Whoosh's own ranking of the whole match (every match scored by its matcher)."""
    searcher = reader.searcher
    whole = searcher.search(presolved(reader, plan.match), limit=None)
    return sorted(
        ((adjust(searcher, hit.docnum, hit.score), hit.docnum) for hit in whole),
        key=lambda sd: (-sd[0], sd[1]),
    )


@pytest.mark.parametrize(
    "text",
    [
        "sample transport",
        "border crossing shipment of specimen",
        "triple packaging for cold chain courier permit",
        "customs label ice box",
        "sampl* transport border",
        "laboratory decontaminaton~ quarantine",
        "experts on sample shipment",
        "sample^3 transport border^0.5",
    ],
)
@pytest.mark.parametrize("depth", [1, 3, 10, 25, None])
def test_the_bounded_pass_ranks_as_whoosh_ranks_every_match(reader, text, depth):
    """The best ``depth`` documents and their scores are Whoosh's one-pass ones, whether
    few (most groups never scored) or every match is asked for."""
    schema = reader.ix.schema
    plan = ranking.plan(parsing.parse(text, schema), text, schema)
    match = presolved(reader, plan.match)
    assert candidates.supported(match)
    clause_docs = [matching_docs(reader, presolved(reader, c), Budget(9)) for c in plan.optional]
    adjust = ranking.Adjustment(reader, plan, clause_docs)
    expected = _one_pass(reader, plan, adjust)
    allow = matching_docs(reader, match, Budget(9))
    assert len(allow) == len(expected) > 50
    got = candidates.top(reader, match, allow, depth or len(allow), adjust)
    expected = expected[: depth or len(allow)]
    assert [d for _s, d in got] == [d for _s, d in expected]
    for (a, _d), (b, _e) in zip(got, expected, strict=True):
        assert a == pytest.approx(b, rel=1e-9)


def test_the_bounded_pass_ranks_only_the_allowed(reader):
    schema = reader.ix.schema
    text = "border crossing shipment of specimen"
    plan = ranking.plan(parsing.parse(text, schema), text, schema)
    match = presolved(reader, plan.match)
    clause_docs = [matching_docs(reader, presolved(reader, c), Budget(9)) for c in plan.optional]
    adjust = ranking.Adjustment(reader, plan, clause_docs)
    allow = FrozenBitMap(d for d in matching_docs(reader, match, Budget(9)) if d % 2)
    expected = [sd for sd in _one_pass(reader, plan, adjust) if sd[1] in allow][:10]
    got = candidates.top(reader, match, allow, 10, adjust)
    assert [d for _s, d in got] == [d for _s, d in expected]


def test_what_the_bounded_pass_cannot_rank_goes_to_whoosh(reader):
    schema = reader.ix.schema
    for text in ("sample", '"border crossing" shipment', "sample NOT transport"):
        assert not candidates.supported(presolved(reader, parsing.parse(text, schema)))
