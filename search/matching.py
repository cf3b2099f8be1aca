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
from whoosh.matching import ListMatcher, NullMatcher, WrappingMatcher

EMPTY = FrozenBitMap()


class Budget:
    """A deadline; whether something was cut short by it; and how many hits ranking must
    collect before the deadline may stop it (a page: a search that has matches shows
    them, however slow the machine)."""

    def __init__(self, seconds: float, enough: int = 0):
        self.deadline = time.monotonic() + seconds
        self.enough = enough
        self.collected = 0
        self.cut = False

    def past(self) -> bool:
        return time.monotonic() > self.deadline

    def left(self, at_least: float) -> float:
        """Seconds to the deadline, but no fewer than ``at_least``."""
        return max(self.deadline - time.monotonic(), at_least)

    def ranking_over(self) -> bool:
        return self.collected >= self.enough and time.monotonic() > self.deadline


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
        parent = searcher.get_parent()
        offset = 0 if parent is searcher else parent._offset_for_subsearcher(searcher)
        docs = self.docs
        lo = docs.rank(offset - 1) if offset else 0
        hi = docs.rank(offset + searcher.doc_count_all() - 1)
        if hi <= lo:
            return NullMatcher()
        here = docs[lo:hi].shift(-offset) if offset else docs[lo:hi]
        return ListMatcher(array("I", here), all_weights=self.boost)


class _TimedSpanMatcher(wq.SpanNear2.SpanNear2Matcher):
    """Whoosh's phrase matcher, giving up when its budget is spent. It checks word
    positions in every document holding all the words and yields only the ones that
    match, so a rare phrase of common words could run long between two matches, unseen
    by a collector's clock; this one looks at the clock every 32 documents it checks."""

    def __init__(self, ms, budget: Budget, **options):
        self.budget = budget
        self.checked = 0
        super().__init__(ms, **options)

    def _get_spans(self):
        self.checked += 1
        if self.checked & 31 == 0 and self.budget.ranking_over():
            raise TimeLimit
        return super()._get_spans()

    def copy(self):
        return self.__class__(
            [m.copy() for m in self.ms],
            self.budget,
            slop=self.slop,
            ordered=self.ordered,
            mindist=self.mindist,
        )


class TimedPhrase(wq.Phrase):
    """A phrase whose matcher stops when ``budget`` is spent (raising Whoosh's
    ``TimeLimit``)."""

    budget = Budget(float("inf"))

    def matcher(self, searcher, context=None):
        # As Whoosh's Phrase.matcher, with the timed span matcher.
        if self.fieldname not in searcher.schema or not self.words:
            return NullMatcher()
        field, reader = searcher.schema[self.fieldname], searcher.reader()
        words = [field.to_bytes(w) for w in self.words]
        if any((self.fieldname, w) not in reader for w in words):
            return NullMatcher()
        ms = [wq.Term(self.fieldname, w).matcher(searcher, context) for w in words]
        m = _TimedSpanMatcher(ms, self.budget, slop=self.slop, ordered=True, mindist=1)
        return WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


# Queries sets answer exactly (a subclass such as ``Ordered`` adds conditions: not here).
SET_KINDS = {wq.Term, wq.Or, wq.DisjunctionMax, wq.And, wq.AndNot, wq.AndMaybe, wq.Not}
SET_KINDS |= {wq.Every, DocSet, type(wq.NullQuery)}


def settable(q) -> bool:
    """True if sets answer ``q`` entirely (no phrase needs word positions)."""
    kind_ok = type(q) in SET_KINDS or isinstance(q, wq.MultiTerm)
    return kind_ok and all(settable(sub) for sub in q.children())


def presolved(reader, q, budget: Budget):
    """``q`` with each prefix, wildcard and fuzzy word replaced by its ``DocSet``."""

    def swap(node):
        if isinstance(node, wq.MultiTerm):
            docs = expansion_docs(reader, node, budget)
            return DocSet(node.field(), docs, node.boost, node.text)
        if type(node) is wq.Phrase:
            timed = TimedPhrase(node.fieldname, node.words, slop=node.slop, boost=node.boost)
            timed.budget = budget
            return timed
        return node

    return q.accept(swap)


def expansion_docs(reader, q: wq.MultiTerm, budget: Budget) -> FrozenBitMap:
    """Documents holding any of a prefix, wildcard or fuzzy word's (bounded) expansions,
    most common first. Reading a term's postings the first time is the slow part (about
    3 ms per 1,000 documents here), so once the budget is spent no more are read."""
    field, ixreader = q.field(), reader.searcher.reader()
    sets = []
    for btext in q._btexts(ixreader):
        text = btext.decode("utf-8")
        if sets and not reader.has_docset(field, text) and budget.past():
            budget.cut = True
            break
        sets.append(reader.docset(field, text))
    return _union(sets)


def matching_docs(reader, q, budget: Budget) -> FrozenBitMap:
    """The document numbers ``q`` matches, deleted documents excluded. A phrase still
    being checked when the budget runs out gives the documents found so far."""
    kind = type(q)
    if kind is wq.Term:
        return reader.docset(q.fieldname, q.text)
    if kind is DocSet:
        return q.docs
    if kind in (wq.Or, wq.DisjunctionMax):
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
        return expansion_docs(reader, q, budget)
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
