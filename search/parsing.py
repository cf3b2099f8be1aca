"""From what a user typed to a Whoosh query: forgiving, bounded, never an error.

Multi-field parsing with boosts, phrases in quotes, ``prefix*``, ``fuzzy~``. Prefix,
wildcard and fuzzy terms expand to at most ``MAX_EXPANSIONS`` terms (the most common
ones), so "s*" costs no more than a few ordinary terms; prefix and fuzzy terms are
expanded from the term lists ``search.lexicon`` keeps in memory.
"""

from __future__ import annotations

import heapq
import re
from itertools import islice

from whoosh import qparser
from whoosh import query as wq

from search import lexicon
from search.analysis import fold
from search.schema import field_boosts, text_fields

MAX_EXPANSIONS = 24
MAX_SCAN = 3000
MIN_PREFIX = 2
PLAIN_WORD = re.compile(r"\w+")


def _bounded(btexts, reader, fieldname: str) -> list:
    candidates = list(islice(btexts, MAX_SCAN))
    if len(candidates) <= MAX_EXPANSIONS:
        return candidates
    return heapq.nlargest(
        MAX_EXPANSIONS, candidates, key=lambda t: reader.doc_frequency(fieldname, t)
    )


class BoundedPrefix(wq.Prefix):
    def _btexts(self, ixreader):
        return lexicon.prefix_terms(ixreader, self.fieldname, self.text, MAX_EXPANSIONS)


class BoundedWildcard(wq.Wildcard):
    def _btexts(self, ixreader):
        return _bounded(super()._btexts(ixreader), ixreader, self.fieldname)


class BoundedFuzzy(wq.FuzzyTerm):
    def _btexts(self, ixreader):
        return lexicon.similar_terms(
            ixreader, self.fieldname, self.text, self.maxdist, self.prefixlength, MAX_EXPANSIONS
        )


def _bound(q: wq.Query) -> wq.Query:
    """Swap expanding queries for bounded ones (and drop too-short prefixes)."""

    def swap(node):
        kind = type(node)
        if kind is wq.Prefix:
            if len(node.text) < MIN_PREFIX:
                return wq.Term(node.fieldname, node.text, boost=node.boost)
            return BoundedPrefix(node.fieldname, node.text, boost=node.boost)
        if kind is wq.Wildcard:
            return BoundedWildcard(node.fieldname, node.text, boost=node.boost)
        if kind is wq.FuzzyTerm:
            return BoundedFuzzy(
                node.fieldname,
                node.text,
                boost=node.boost,
                maxdist=min(node.maxdist, 2),
                prefixlength=max(node.prefixlength, 1),
            )
        return node

    return q.accept(swap)


def _parser(schema, group=qparser.AndGroup) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(
        text_fields(), schema, fieldboosts=field_boosts(), group=group
    )
    # Field syntax ("title:x") is not offered: our field names are not the user's.
    parser.remove_plugin_class(qparser.FieldsPlugin)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


def plain_words(text: str) -> list[str]:
    """The words of ``text``, syntax dropped."""
    return PLAIN_WORD.findall(text)


def parse(text: str, schema, *, any_word: bool = False) -> wq.Query | None:
    """A query for ``text``; if its syntax cannot be read, the query for its plain words.

    ``any_word`` joins words with OR (a last resort when AND finds nothing).
    """
    group = qparser.OrGroup if any_word else qparser.AndGroup
    parser = _parser(schema, group)
    try:
        q = parser.parse(text)
        if _has_error(q):
            raise ValueError("syntax")
    except Exception:
        words = plain_words(text)
        if not words:
            return None
        q = parser.parse(" ".join(words))
    if q is None or isinstance(q, type(wq.NullQuery)):
        return None
    return _bound(q.normalize())


def _has_error(q) -> bool:
    """Whoosh marks what it could not read with an ``error`` attribute."""
    if getattr(q, "error", None):
        return True
    return any(_has_error(child) for child in q.children())


def normalise_word(word: str) -> str:
    return fold(word)
