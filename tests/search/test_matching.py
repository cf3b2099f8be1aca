"""The set-based matcher and the in-memory term lists against Whoosh's own answers.

The index here is written directly (several commits, so several segments, and deleted
documents), so each query's documents can be compared with what Whoosh's own matcher
finds on the same index.
"""

from __future__ import annotations

import pytest

from search import index
from search.engine import lexicon, matching, parsing
from search.engine.reader import Reader
from search.engine.whoosh_private import posting_ids

WORDS = [
    "laboratory",
    "laboratories",
    "label",
    "labour",
    "decontamination",
    "decontaminate",
    "border",
    "crossing",
    "sample",
    "samples",
    "sampling",
    "shipment",
    "specimen",
    "transport",
    "triple",
    "packaging",
    "quarantine",
]


def _text(n: int) -> str:
    return " ".join(WORDS[(n * k) % len(WORDS)] for k in (1, 3, 7, 11) if (n + k) % 3)


@pytest.fixture
def reader(tmp_path):
    path = tmp_path / "ix"
    ix = index._create(path)
    for batch in range(3):  # three commits, not merged: three segments
        writer = ix.writer()
        for n in range(batch * 40, batch * 40 + 40):
            writer.add_document(
                key=f"sop:{n}",
                doctype="sop",
                body_en=_text(n),
                body_xx=_text(n + 1),
                title_en=WORDS[n % len(WORDS)],
                spell=_text(n),
                meta="triple packaging of samples" if n % 4 == 0 else "packaging triple",
            )
        writer.commit(merge=False)
    writer = ix.writer()  # deletions in the first and last segments
    for n in (3, 4, 5, 90, 91):
        writer.delete_by_term("key", f"sop:{n}")
    writer.commit(merge=False)
    opened = Reader(path, "test")
    assert len(opened.searcher.reader().leaf_readers()) > 1
    assert opened.searcher.reader().has_deletions()
    yield opened
    opened.close()


QUERIES = [
    "laboratory",
    "laboratory sample",
    "border OR quarantine",
    "sample NOT transport",
    "labo*",
    "sampl*",
    "decontaminaton~",
    "spcimen~2",
    '"triple packaging"',
    '"border crossing" shipment',
    "nosuchword",
]


@pytest.mark.parametrize("text", QUERIES)
def test_matching_docs_equal_whooshs_own(reader, text):
    q = parsing.parse(text, reader.ix.schema)
    expected = set(reader.searcher.docs_for_query(q))
    found = matching.matching_docs(reader, q, matching.Budget(5.0))
    assert set(found) == expected
    assert not set(found) & {3, 4, 5, 90, 91} or text == "nosuchword"


def test_posting_ids_read_by_block_equal_all_ids(reader):
    ixreader = reader.searcher.reader()
    for segreader, _offset in ixreader.leaf_readers():
        for fieldname in ("body_en", "title_en", "doctype"):
            for btext in segreader.lexicon(fieldname):
                raw = segreader.postings(fieldname, btext)
                raw = getattr(raw, "child", raw)  # without the deletion filter
                again = segreader.postings(fieldname, btext)
                again = getattr(again, "child", again)
                assert list(posting_ids(raw)) == list(again.all_ids())


def test_prefix_terms_are_the_most_common_ones(reader):
    ixreader = reader.searcher.reader()
    every = [t for t in ixreader.lexicon("body_en") if t.startswith(b"la")]
    assert len(every) > 2
    two = lexicon.prefix_terms(ixreader, "body_en", "la", 2)
    by_count = sorted(every, key=lambda t: -ixreader.doc_frequency("body_en", t))
    assert len(two) == 2
    assert {ixreader.doc_frequency("body_en", t) for t in two} == {
        ixreader.doc_frequency("body_en", t) for t in by_count[:2]
    }
    assert set(lexicon.prefix_terms(ixreader, "body_en", "la", 50)) == set(every)


def test_similar_terms_match_whooshs_terms_within(reader):
    ixreader = reader.searcher.reader()
    for word, maxdist in (("sampels", 1), ("quarantien", 1), ("transprot", 2), ("xyz", 2)):
        ours = lexicon.similar_terms(ixreader, "spell", word, maxdist, 1, 100)
        whooshs = {
            w.encode() if isinstance(w, str) else w
            for w in ixreader.terms_within("spell", word, maxdist, prefix=1)
        }
        assert set(ours) == whooshs


def test_a_new_segment_is_seen_after_a_commit(reader):
    ixreader = reader.searcher.reader()
    assert lexicon.prefix_terms(ixreader, "body_en", "zebr", 5) == []
    writer = reader.ix.writer()
    writer.add_document(key="sop:500", doctype="sop", body_en="zebra crossing")
    writer.commit(merge=False)
    reader.refresh_if_changed()
    ixreader = reader.searcher.reader()
    assert lexicon.prefix_terms(ixreader, "body_en", "zebr", 5) == [b"zebra"]
    q = parsing.parse("zebr*", reader.ix.schema)
    assert len(matching.matching_docs(reader, q, matching.Budget(5.0))) == 1


def test_a_phrase_past_its_deadline_returns_what_it_found(reader):
    q = parsing.parse('"triple packaging"', reader.ix.schema)
    budget = matching.Budget(-1.0)  # already over
    found = matching.matching_docs(reader, q, budget)
    assert budget.cut
    every = set(reader.searcher.docs_for_query(q))
    assert len(every) > 10
    assert set(found) < every
