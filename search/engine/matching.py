"""Every document a query matches, as a set built from cached per-term sets.

The page needs the count and facet counts of *all* matches, not just the ten shown.
Whoosh finds them by stepping its matcher tree one document at a time in Python, which
for a common prefix (``labo*``: a dozen terms in eight fields, 100,000 postings) takes
longer than the page's whole budget. Here each term is the reader's cached bitmap of
document numbers and ``and``/``or``/``not`` are bitmap operations in C. Phrases, which
need word positions, are left to Whoosh's matcher (see ``settable``).

``presolved`` also hands Whoosh's ranking a prefix or fuzzy word as one precomputed
set (``DocSet``) instead of a union of up to 24 term matchers per field.
"""

from __future__ import annotations

import time
from array import array

from pyroaring import FrozenBitMap
from whoosh import query as wq
from whoosh.collectors import TimeLimit
from whoosh.matching import ListMatcher, NullMatcher

from search.engine import whoosh_private
from search.engine.parsing import Fields, Words

EMPTY = FrozenBitMap()


class Budget:
    """A deadline for counting matches Whoosh's matcher must step through, and whether
    a count was cut short by it. Ranking never looks at it."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.cut = False

    def past(self) -> bool:
        return time.monotonic() > self.deadline


class DocSet(wq.Query):
    """The documents of a set computed beforehand (the expansions of a prefix or fuzzy
    word), each scoring the word's boost, as Whoosh's constant-score expansions do."""

    def __init__(self, fieldname: str, docs: FrozenBitMap, boost: float = 1.0, text: str = ""):
        self.fieldname = fieldname
        self.docs = docs
        self.boost = boost
        self.text = text

    def __repr__(self):
        return f"DocSet({self.fieldname!r}, {self.text!r}, {len(self.docs)} docs)"

    def __eq__(self, other):
        return type(other) is DocSet and (other.fieldname, other.docs) == (
            self.fieldname,
            self.docs,
        )

    def __hash__(self):
        return hash((self.fieldname, self.text, len(self.docs)))

    def field(self):
        return self.fieldname

    def estimate_size(self, ixreader):
        return len(self.docs)

    def matcher(self, searcher, context=None):
        # Whoosh matches segment by segment; its document numbers start at 0 in each.
        offset = whoosh_private.subsearcher_offset(searcher)
        docs = self.docs
        lo = docs.rank(offset - 1) if offset else 0
        hi = docs.rank(offset + searcher.doc_count_all() - 1)
        if hi <= lo:
            return NullMatcher()
        here = docs[lo:hi].shift(-offset) if offset else docs[lo:hi]
        return ListMatcher(array("I", here), all_weights=self.boost)


# Queries sets answer exactly (a subclass such as ``Ordered`` adds conditions: not here).
OR_KINDS = (wq.Or, wq.DisjunctionMax, Words, Fields)
SET_KINDS = {wq.Term, *OR_KINDS, wq.And, wq.AndNot, wq.AndMaybe, wq.Not}
SET_KINDS |= {wq.Every, DocSet, type(wq.NullQuery)}


def settable(q) -> bool:
    """True if sets answer ``q`` entirely (no phrase needs word positions)."""
    kind_ok = type(q) in SET_KINDS or isinstance(q, wq.MultiTerm)
    return kind_ok and all(settable(sub) for sub in q.children())


def presolved(reader, q):
    """``q`` with each prefix, wildcard and fuzzy word replaced by its ``DocSet``."""

    def swap(node):
        if isinstance(node, wq.MultiTerm):
            docs = expansion_docs(reader, node)
            return DocSet(node.field(), docs, node.boost, node.text)
        return node

    return q.accept(swap)


def expansion_docs(reader, q: wq.MultiTerm) -> FrozenBitMap:
    """Documents holding any of a prefix, wildcard or fuzzy word's expansions. All of
    them, whatever the time: they decide what ranks, and there are at most
    ``parsing.MAX_EXPANSIONS`` of them."""
    field, ixreader = q.field(), reader.searcher.reader()
    return _union(
        [
            reader.docset(field, b.decode("utf-8"))
            for b in whoosh_private.expansion_texts(q, ixreader)
        ]
    )


def matching_docs(reader, q, budget: Budget) -> FrozenBitMap:
    """The document numbers ``q`` matches, deleted documents excluded. A phrase still
    being checked when the budget runs out gives the documents found so far."""
    kind = type(q)
    if kind is wq.Term:
        return reader.docset(q.fieldname, q.text)
    if kind is DocSet:
        return q.docs
    if kind in OR_KINDS:
        return _union([matching_docs(reader, sub, budget) for sub in q.subqueries])
    if kind is wq.And:
        return _intersection([matching_docs(reader, sub, budget) for sub in q.subqueries])
    if kind is wq.AndNot:
        return matching_docs(reader, q.a, budget) - matching_docs(reader, q.b, budget)
    if kind is wq.AndMaybe:
        return matching_docs(reader, q.a, budget)
    if kind is wq.Not:
        return reader.all_docs() - matching_docs(reader, q.query, budget)
    if kind is wq.Every:
        return reader.all_docs()
    if isinstance(q, wq.MultiTerm):
        return expansion_docs(reader, q)
    if kind is type(wq.NullQuery):
        return EMPTY
    return _stepped(reader, q, budget)


def _union(sets):
    return FrozenBitMap.union(*sets) if sets else EMPTY


def _intersection(sets):
    sets.sort(key=len)
    found = sets[0]
    for other in sets[1:]:
        if not found:
            break
        found = found & other
    return found


def _stepped(reader, q, budget: Budget):
    """Whoosh's own matcher, for what sets cannot answer (word positions)."""
    found = []
    try:
        for n, docnum in enumerate(reader.searcher.docs_for_query(q)):
            found.append(docnum)
            if n & 255 == 0 and budget.past():
                raise TimeLimit
    except TimeLimit:
        budget.cut = True
    return FrozenBitMap(found)
