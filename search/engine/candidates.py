"""The first pass of ranking a query of several words, scoring only documents that can
reach the top.

Whoosh ranks an OR of words by stepping a union of every word's term matchers in each
of the eleven text fields, in Python, scoring every posting of every word (below 5,000
documents it preloads them all; above, a tree of union matchers moves one document at
a time). For a question of six words that is most of a search's time, though only the
first page plus the proximity depth is wanted.

Here the same top documents are found, with the same scores, from a bounded set of
candidates. The cached term sets split the matches into groups by which words a
document holds, and whether in a strong field (a title or the reference code: the
fields whose highest possible score is at least half the word's best) or only in weak
ones. Each group's highest possible score is Whoosh's own bound (the scorer's
``max_quality``: BM25F at the term's highest frequency and shortest field) summed over
the fields it can hold, times coordination for the words it lacks (the other final
factors are at most 1). Groups are scored best bound first, with Whoosh's term
matchers and scorer at exactly their documents, and once ``depth`` documents are held
a group whose bound is below the last of them cannot enter: it is not scored. A test
compares the result with Whoosh's one-pass ranking (``tests/search/test_candidates.py``).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from dataclasses import dataclass

from pyroaring import FrozenBitMap
from whoosh import query as wq

from search.engine import whoosh_private
from search.engine.caches import BoundedCache, segment_key
from search.engine.matching import DocSet
from search.engine.parsing import Fields, Words

EMPTY = FrozenBitMap()
# Documents scored per step before the groups left are bounded again.
STEP = 4
# A leaf whose bound is at least this share of its word's best leaf is strong.
STRONG_SHARE = 0.5
OR_CLAUSES = (Fields, wq.Or)
# Terms' postings kept per segment, shared by this process's readers: 8 bytes a posting,
# so about 40 MB for terms of 5,000 documents (240 MB if every one held 30,000).
MAX_SEGMENT_POSTINGS = 1000
_segment_postings = BoundedCache(MAX_SEGMENT_POSTINGS)


@dataclass
class Leaf:
    """One field's term of a word (or a prefix or fuzzy word's set): its documents and
    the most it can add to a document's score."""

    query: wq.Query
    docs: FrozenBitMap
    bound: float


@dataclass
class Clause:
    """One word of the query: its leaves, summed as Whoosh's ``Or`` sums them."""

    leaves: list[Leaf]
    boost: float
    docs: FrozenBitMap
    strong: FrozenBitMap
    bound: float
    weak_bound: float


def supported(q) -> bool:
    """True for what this pass ranks exactly: an OR (``Words``) of at least two words,
    each a term, a precomputed set, or an OR of those."""
    if type(q) is not Words or len(q.subqueries) < 2:
        return False
    for clause in q.subqueries:
        leaves = clause.subqueries if type(clause) in OR_CLAUSES else [clause]
        if not leaves or not all(type(leaf) in (wq.Term, DocSet) for leaf in leaves):
            return False
    return True


def top(reader, q: Words, allow: FrozenBitMap, depth: int, adjust) -> list[tuple[float, int]]:
    """The ``depth`` best (final score, docnum) of ``q`` among ``allow`` (a subset of its
    matches), best first, ties to the lower document number: what Whoosh's top collector
    gives with ``adjust`` (a ``ranking.Adjustment``) as final score."""
    searcher = reader.searcher
    clauses = [_clause(reader, c) for c in q.subqueries]
    per_missing = adjust.per_missing([c.docs for c in clauses])
    groups = _groups(clauses, allow, per_missing, q.boost)
    best: list[tuple[float, int]] = []  # a heap of (score, -docnum), the worst first
    n = 0
    while n < len(groups):
        floor = best[0][0] if len(best) >= depth else None
        if floor is not None and groups[n][0] < floor:
            break
        docs, size = [], 0
        while n < len(groups) and (floor is None or groups[n][0] >= floor):
            docs.append(groups[n][1])
            size += len(groups[n][1])
            n += 1
            if size >= STEP * depth:
                break
        chunk = FrozenBitMap.union(*docs) if len(docs) > 1 else docs[0]
        raw = _scores(reader, clauses, q.boost, chunk)
        for docnum, score in zip(chunk, raw, strict=True):
            item = (adjust(searcher, docnum, score), -docnum)
            if len(best) < depth:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
    return sorted(((s, -d) for s, d in best), key=lambda sd: (-sd[0], sd[1]))


def _clause(reader, clause) -> Clause:
    if type(clause) in OR_CLAUSES:
        leaf_queries, boost = clause.subqueries, clause.boost
    else:
        leaf_queries, boost = [clause], 1.0
    leaves = []
    for leaf in leaf_queries:
        if type(leaf) is DocSet:
            leaves.append(Leaf(leaf, leaf.docs, leaf.boost))
            continue
        docs = reader.docset(leaf.fieldname, leaf.text)
        if docs:
            leaves.append(Leaf(leaf, docs, _term_bound(reader, leaf)))
    best = max((leaf.bound for leaf in leaves), default=0.0)
    strong = [leaf for leaf in leaves if leaf.bound >= STRONG_SHARE * best]
    return Clause(
        leaves=leaves,
        boost=boost,
        docs=FrozenBitMap.union(EMPTY, *(leaf.docs for leaf in leaves)),
        strong=FrozenBitMap.union(EMPTY, *(leaf.docs for leaf in strong)),
        bound=boost * sum(leaf.bound for leaf in leaves),
        weak_bound=boost * sum(leaf.bound for leaf in leaves if leaf not in strong),
    )


def _term_bound(reader, term: wq.Term) -> float:
    """The most ``term`` scores at any document: its scorer's ``max_quality`` in each
    segment (Whoosh's own bound, used for its block skipping), times its boost."""
    bound = 0.0
    for number in range(len(reader.searcher.leaf_searchers())):
        scorer = _scorer(reader, number, term)
        if scorer is not None:
            bound = max(bound, scorer.max_quality())
    return bound * term.boost


def _scorer(reader, number: int, term: wq.Term):
    """Whoosh's scorer of ``term`` in the ``number``th segment (None if the segment does
    not hold it), kept for the reader's generation: its idf and average length are the
    whole index's."""

    def build():
        searcher = reader.searcher.leaf_searchers()[number][0]
        btext = searcher.schema[term.fieldname].to_bytes(term.text)
        if (term.fieldname, btext) not in searcher.reader():
            return False
        return searcher.weighting.scorer(searcher, term.fieldname, btext)

    return reader.terms.get(("scorer", number, term.fieldname, term.text), build) or None


def _postings(reader, number: int, term: wq.Term):
    """The term's (document numbers, weights) in the ``number``th segment, deletions not
    applied: a segment's postings never change, so they are kept across commits."""
    segreader = reader.searcher.leaf_searchers()[number][0].reader()
    btext = segreader.schema[term.fieldname].to_bytes(term.text)

    def build():
        matcher = whoosh_private.without_deletions(segreader.postings(term.fieldname, btext))
        return whoosh_private.postings(matcher)

    return _segment_postings.get(segment_key(segreader, "postings", term.fieldname, btext), build)


def _groups(clauses: list[Clause], allow: FrozenBitMap, per_missing: float, boost: float) -> list:
    """(bound, documents) for each set of documents holding the same words in the same
    kind of field, highest bound first."""
    groups = [((), allow)]
    for clause in clauses:
        split = []
        for key, docs in groups:
            strong = docs & clause.strong
            rest = docs - strong if strong else docs
            weak = rest & clause.docs
            absent = rest - weak if weak else rest
            for state, part in ((2, strong), (1, weak), (0, absent)):
                if part:
                    split.append(((*key, state), part))
        groups = split
    out = []
    for key, docs in groups:
        bound = 0.0
        for clause, state in zip(clauses, key, strict=True):
            bound += clause.bound if state == 2 else clause.weak_bound if state == 1 else 0.0
        missing = key.count(0)
        out.append((boost * bound * per_missing**missing, docs))
    out.sort(key=lambda bd: -bd[0])
    return out


def _scores(reader, clauses, boost, docs: FrozenBitMap) -> list[float]:
    """Whoosh's score of the OR of ``clauses`` at each of ``docs`` (in order): each
    leaf's term score where the document holds it (its scorer on its posting), summed per
    word in the leaves' order, then over the words, as Whoosh's union matchers add them."""
    segments = reader.searcher.leaf_searchers()
    per_clause = []
    for clause in clauses:
        sums: dict[int, float] = {}
        for leaf in clause.leaves:
            held = docs & leaf.docs
            if not held:
                continue
            q = leaf.query
            if type(q) is DocSet:
                for docnum in held:
                    sums[docnum] = sums.get(docnum, 0.0) + q.boost
                continue
            for number, (searcher, offset) in enumerate(segments):
                end = offset + searcher.doc_count_all()
                here = held[held.rank(offset - 1) if offset else 0 : held.rank(end - 1)]
                if not here:
                    continue
                scorer = _scorer(reader, number, q)
                ids, weights = _postings(reader, number, q)
                for docnum in here:
                    sub = docnum - offset
                    posting = whoosh_private.Posting(sub, weights[bisect_left(ids, sub)])
                    score = scorer.score(posting)
                    if q.boost != 1.0:
                        score *= q.boost
                    sums[docnum] = sums.get(docnum, 0.0) + score
        if clause.boost != 1.0:
            sums = {d: s * clause.boost for d, s in sums.items()}
        per_clause.append(sums)
    out = []
    for docnum in docs:
        total = 0.0
        for sums in per_clause:
            score = sums.get(docnum)
            if score is not None:
                total += score
        out.append(total * boost if boost != 1.0 else total)
    return out
