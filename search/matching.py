"""Every document a query matches, as a set built from cached per-term sets.

The page needs the count and facet counts of *all* matches, not just the ten shown.
Whoosh finds them by stepping its matcher tree one document at a time in Python, which
for a common prefix (``labo*``: a dozen terms in eight fields, 100,000 postings) takes
longer than the page's whole budget. Here each term is the reader's cached bitmap of
document numbers and ``and``/``or``/``not`` are bitmap operations in C. Phrases, which
need word positions, are left to Whoosh's matcher, under the deadline.
"""

from __future__ import annotations

import time

from pyroaring import FrozenBitMap
from whoosh import query as wq

EMPTY = FrozenBitMap()


class Budget:
    """A deadline, and whether some part of the query was cut short by it."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.cut = False


def matching_docs(reader, q, budget: Budget) -> FrozenBitMap:
    """The document numbers ``q`` matches, deleted documents excluded. A phrase still
    being checked when the budget runs out gives the documents found so far."""
    kind = type(q)
    if kind is wq.Term:
        return reader.docset(q.fieldname, q.text)
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        return _union([matching_docs(reader, sub, budget) for sub in q.subqueries])
    if isinstance(q, wq.And):
        return _intersection([matching_docs(reader, sub, budget) for sub in q.subqueries])
    if isinstance(q, wq.AndNot):
        return matching_docs(reader, q.a, budget) - matching_docs(reader, q.b, budget)
    if isinstance(q, wq.AndMaybe):
        return matching_docs(reader, q.a, budget)
    if isinstance(q, wq.Not):
        return reader.all_docs() - matching_docs(reader, q.query, budget)
    if isinstance(q, wq.Every):
        return reader.all_docs()
    if isinstance(q, wq.MultiTerm):  # prefix, wildcard, fuzzy: their bounded expansions
        field, ixreader = q.field(), reader.searcher.reader()
        return _union([reader.docset(field, bt.decode("utf-8")) for bt in q._btexts(ixreader)])
    if isinstance(q, type(wq.NullQuery)):
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
    for n, docnum in enumerate(reader.searcher.docs_for_query(q)):
        found.append(docnum)
        if n & 255 == 0 and time.monotonic() > budget.deadline:
            budget.cut = True
            break
    return FrozenBitMap(found)
