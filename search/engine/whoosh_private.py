"""Every use of Whoosh's private attributes, in one place, pinned to the tested version.

Whoosh offers no public way to read a term's postings a block at a time, to tell a
sub-searcher's document offset, to find a segment's directory, to list a bounded
expansion's terms, to check word positions at one given document without scanning
on to the next match, to read a term's weights a block at a time, or to score one
posting without a matcher moved to it. The engine needs each of these; they live here, and
``tests/search/test_whoosh_private.py`` compares every one with Whoosh's own answers.
A different Whoosh may lay its internals out differently: importing this module with
any other version raises, so an upgrade is a deliberate change (run those tests, then
move ``TESTED_VERSION``).
"""

from __future__ import annotations

from array import array

import whoosh
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.filestore import OverlayStorage
from whoosh.matching.mcore import NullMatcherClass
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import Term
from whoosh.query.spans import SpanNear2

TESTED_VERSION = (2, 7, 5)

if tuple(whoosh.__version__[:3]) != TESTED_VERSION:  # pragma: no cover - an upgrade
    raise ImportError(
        f"search.engine was tested with Whoosh {TESTED_VERSION}, found {whoosh.__version__}: "
        "run tests/search/test_whoosh_private.py against it and update TESTED_VERSION"
    )


def posting_ids(matcher):
    """One term's document numbers, a block at a time where the codec allows (Whoosh's
    generic ``all_ids`` makes three method calls per posting)."""
    if type(matcher) is not W3LeafMatcher:
        yield from matcher.all_ids()
        return
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        yield from matcher._ids[matcher._i :]
        matcher._next_block()


def without_deletions(matcher):
    """A segment's postings matcher without its deleted-documents filter (the caller
    applies deletions itself)."""
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def subsearcher_offset(searcher) -> int:
    """The first document number of a sub-searcher within its parent's numbering."""
    parent = searcher.get_parent()
    return 0 if parent is searcher else parent._offset_for_subsearcher(searcher)


def storage_folder(segreader):
    """Where a segment reader's files live (to key caches per index directory). A
    compound segment is read through an ``OverlayStorage`` over the directory's."""
    storage = getattr(segreader, "_storage", None)
    while isinstance(storage, OverlayStorage):
        storage = storage.b
    return getattr(storage, "folder", id(storage))


def expansion_texts(q, ixreader) -> list[bytes]:
    """The terms a prefix, wildcard or fuzzy query expands to (``MultiTerm._btexts``,
    which ``Expansion`` subclasses answer with their ``expand``)."""
    return list(q._btexts(ixreader))


class Expansion:
    """Mixed into a ``MultiTerm`` (prefix, wildcard, fuzzy) to expand it with
    ``expand(ixreader)`` instead of Whoosh's walk of its terms file: Whoosh asks every
    expanding query for its terms through the private ``_btexts``."""

    def expand(self, ixreader):
        raise NotImplementedError

    def _btexts(self, ixreader):
        return self.expand(ixreader)


def whoosh_expansion(cls, q, ixreader):
    """Whoosh's own expansion of ``q`` as a ``cls`` (before any bounding)."""
    return cls._btexts(q, ixreader)


def phrase_scores(searcher, phrase, docnums, context) -> dict[int, float]:
    """Whoosh's score of ``phrase`` (a ``whoosh.query.Phrase``) at each of ``docnums``
    (top-level document numbers) that holds it; the others are left out.

    What ``Phrase.matcher`` scores: the sum of its terms' scores at the document, times
    the phrase's boost, when the terms' positions satisfy ``SpanNear2`` (in order,
    within the slop). Whoosh's phrase matcher, once asked for a document, checks the
    positions of every following document holding all the words until one holds the
    phrase; here only the given documents are checked (``SpanNear2Matcher._get_spans``
    on term matchers moved to each of them).
    """
    wanted = sorted(docnums)
    if not wanted:
        return {}
    if phrase.fieldname not in searcher.schema:
        return {}
    field = searcher.schema[phrase.fieldname]
    if not field.format or not field.format.supports("positions"):
        return {}
    try:
        btexts = [field.to_bytes(word) for word in phrase.words]
    except ValueError:
        return {}
    found: dict[int, float] = {}
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        docs = [d for d in wanted if offset <= d < end]
        if not docs:
            continue
        reader = leaf.reader()
        if any((phrase.fieldname, b) not in reader for b in btexts):
            continue
        ms = [Term(phrase.fieldname, b).matcher(leaf, context) for b in btexts]
        if any(isinstance(m, NullMatcherClass) for m in ms):
            continue
        near = SpanNear2.SpanNear2Matcher.__new__(SpanNear2.SpanNear2Matcher)
        near.ms, near.slop, near.ordered, near.mindist = ms, phrase.slop, True, 1
        for docnum in docs:
            sub = docnum - offset
            here = True
            for m in ms:
                if m.is_active() and m.id() < sub:
                    m.skip_to(sub)
                if not m.is_active() or m.id() != sub:
                    here = False
                    break
            if here and near._get_spans():
                found[docnum] = phrase.boost * sum(m.score() for m in ms)
            if not all(m.is_active() for m in ms):
                break
    return found


def postings(matcher) -> tuple[array, array]:
    """One term's (document numbers, weights) in a segment, read a block at a time as
    ``posting_ids`` reads them (``W3LeafMatcher`` block state); other matchers through
    their public ``id``/``weight``."""
    ids, weights = array("I"), array("f")
    if type(matcher) is not W3LeafMatcher:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return ids, weights
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids.extend(matcher._ids[matcher._i :])
        weights.extend(matcher._weights[matcher._i :])
        matcher._next_block()
    return ids, weights


class Posting:
    """What a Whoosh scorer reads of the matcher it scores (``BaseScorer.score(matcher)``
    calls only ``id()`` and ``weight()``; ``WeightLengthScorer`` then looks up the
    document's field length): one posting, to score it without moving a matcher."""

    __slots__ = ("docnum", "posting_weight")

    def __init__(self, docnum: int, weight: float):
        self.docnum = docnum
        self.posting_weight = weight

    def id(self) -> int:
        return self.docnum

    def weight(self) -> float:
        return self.posting_weight
