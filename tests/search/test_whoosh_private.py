"""What ``search.engine.whoosh_private`` reads from Whoosh's internals, against Whoosh's
own public answers on an index of three segments with deletions; and the two-pass
proximity ranking against Whoosh ranking the whole query in one pass."""

from __future__ import annotations

import itertools

import pytest
import whoosh
from whoosh import query as wq

from search.engine import parsing, ranking, whoosh_private
from search.engine.matching import presolved
from tests.search.test_matching import WORDS, reader  # noqa: F401  (the fixture)

PAIRS = [(a, b) for a, b in itertools.product(WORDS[:9], WORDS[6:]) if a != b]


def test_the_pinned_version_is_the_installed_one():
    assert tuple(whoosh.__version__[:3]) == whoosh_private.TESTED_VERSION


def test_postings_read_a_block_at_a_time_are_whooshs(reader):  # noqa: F811
    for segreader, _offset in reader.searcher.reader().leaf_readers():
        for word in WORDS:
            btext = word.encode()
            if ("body_xx", btext) not in segreader:
                continue
            expected = list(segreader.postings("body_xx", btext).all_ids())
            got = list(
                whoosh_private.posting_ids(
                    whoosh_private.without_deletions(segreader.postings("body_xx", btext))
                )
            )
            deleted = set(segreader.deleted_docs_set) if segreader.has_deletions() else set()
            assert [d for d in got if d not in deleted] == expected


def test_offsets_and_folders_are_whooshs(reader, tmp_path):  # noqa: F811
    for leaf, offset in reader.searcher.leaf_searchers():
        assert whoosh_private.subsearcher_offset(leaf) == offset
        assert whoosh_private.storage_folder(leaf.reader()) == str(tmp_path / "ix")


def test_expansions_are_whooshs(reader):  # noqa: F811
    ixreader = reader.searcher.reader()
    plain = wq.Prefix("body_xx", "lab")
    assert sorted(whoosh_private.expansion_texts(plain, ixreader)) == sorted(
        t for _f, t in plain.expanded_terms(ixreader)
    )
    bounded = parsing.BoundedWildcard("body_xx", "sampl?")
    assert sorted(whoosh_private.expansion_texts(bounded, ixreader)) == sorted(
        whoosh_private.whoosh_expansion(wq.Wildcard, bounded, ixreader)
    )


@pytest.mark.parametrize("slop", [1, 2])
def test_phrase_scores_are_whooshs_at_every_document(reader, slop):  # noqa: F811
    searcher = reader.searcher
    everyone = list(reader.all_docs())
    checked = 0
    for first, second in PAIRS:
        phrase = wq.Phrase("body_xx", [first, second], slop=slop, boost=1.5)
        expected = {hit.docnum: hit.score for hit in searcher.search(phrase, limit=None)}
        got = whoosh_private.phrase_scores(searcher, phrase, everyone, searcher.context())
        assert got.keys() == expected.keys(), (first, second)
        for docnum, score in expected.items():
            assert got[docnum] == pytest.approx(score, rel=1e-9)
        # Asked for some documents only, it answers for those alone.
        some = everyone[::3]
        part = whoosh_private.phrase_scores(searcher, phrase, some, searcher.context())
        assert part == {d: s for d, s in got.items() if d in set(some)}
        checked += len(expected)
    assert checked  # the word pairs do occur as phrases


@pytest.mark.parametrize(
    "text", ["sample transport", "border crossing shipment", "triple packaging samples"]
)
def test_two_pass_proximity_ranks_as_whoosh_ranks_the_whole_query(reader, text):  # noqa: F811
    """With every match a first-pass candidate, adding the proximity phrases' scores
    gives the scores and order of Whoosh searching ``Plan.rank`` in one pass."""
    schema = reader.ix.schema
    plan = ranking.plan(parsing.parse(text, schema), text, schema)
    assert plan.near
    adjust = ranking.Adjustment(reader, plan, [reader.all_docs()] * len(plan.optional))
    searcher = reader.searcher
    first = searcher.search(presolved(reader, plan.match), limit=None)
    scored = [(adjust(searcher, hit.docnum, hit.score), hit.docnum) for hit in first]
    scored.sort(key=lambda sd: (-sd[0], sd[1]))
    two_pass = ranking.with_proximity(reader, plan.near, scored, adjust)
    whole = searcher.search(presolved(reader, plan.rank), limit=None)
    one_pass = sorted(
        ((adjust(searcher, hit.docnum, hit.score), hit.docnum) for hit in whole),
        key=lambda sd: (-sd[0], sd[1]),
    )
    assert [d for _s, d in two_pass] == [d for _s, d in one_pass]
    for (a, _d), (b, _e) in zip(two_pass, one_pass, strict=True):
        assert a == pytest.approx(b, rel=1e-9)
