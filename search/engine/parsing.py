"""From what a user typed to a Whoosh query: forgiving, bounded, never an error.

Multi-field parsing with boosts, phrases in quotes, ``prefix*``, ``fuzzy~``. Words are
OR-ed (``search.ranking`` ranks documents matching more of them higher); a quoted
phrase is required. Prefix, wildcard and fuzzy terms expand to at most
``MAX_EXPANSIONS`` terms (the most common ones), at most ``MAX_EXPANDING`` of them a
query, and a leading wildcard ("*ase") is refused (``tidy`` drops it and says so): it
would walk every term of every field. Prefix and fuzzy terms are expanded from the
term lists ``search.lexicon`` keeps in memory.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from itertools import islice

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from whoosh import qparser
from whoosh import query as wq
from whoosh.qparser import syntax

from search.analysis import fold
from search.engine import lexicon, whoosh_private
from search.schema import field_boosts, text_fields

MAX_EXPANSIONS = 24
MAX_SCAN = 3000
MIN_PREFIX = 2
# Prefix, wildcard and fuzzy words a query may have; later ones are searched as typed.
MAX_EXPANDING = 4
PLAIN_WORD = re.compile(r"\w+")
# A word with a leading wildcard ("*ase", "?est*"): refused, its letters kept.
LEADING_WILDCARD = re.compile(r"(?<![\w*?])[*?]+(?=[\w*?])")
EXPANDING_WORD = re.compile(r"\w*[*?]\w*[*?\w]*|\w+~\d?")


def _bounded(btexts, reader, fieldname: str) -> list:
    candidates = list(islice(btexts, MAX_SCAN))
    if len(candidates) <= MAX_EXPANSIONS:
        return candidates
    return heapq.nlargest(
        MAX_EXPANSIONS, candidates, key=lambda t: reader.doc_frequency(fieldname, t)
    )


class BoundedPrefix(whoosh_private.Expansion, wq.Prefix):
    def expand(self, ixreader):
        return lexicon.prefix_terms(ixreader, self.fieldname, self.text, MAX_EXPANSIONS)


class BoundedWildcard(whoosh_private.Expansion, wq.Wildcard):
    def expand(self, ixreader):
        texts = whoosh_private.whoosh_expansion(wq.Wildcard, self, ixreader)
        return _bounded(texts, ixreader, self.fieldname)


class BoundedFuzzy(whoosh_private.Expansion, wq.FuzzyTerm):
    def expand(self, ixreader):
        return lexicon.similar_terms(
            ixreader, self.fieldname, self.text, self.maxdist, self.prefixlength, MAX_EXPANSIONS
        )


@dataclass
class Tidied:
    """What is searched for, and what the user is told about what was changed."""

    text: str
    notice: str = ""


def tidy(text: str) -> Tidied:
    """``text`` without what would make the search expensive: leading wildcards are
    dropped (their letters stay) and expanding words past ``MAX_EXPANDING`` are searched
    as plain words."""
    notices = []
    tidied = LEADING_WILDCARD.sub("", text)
    if tidied != text:
        notices.append(_("A word cannot start with * or ?: searched for %(text)s instead."))
    count = 0

    def keep(match):
        nonlocal count
        count += 1
        return (
            match.group()
            if count <= MAX_EXPANDING
            else re.sub(r"[*?~\d]+$|[*?]", "", match.group())
        )

    capped = EXPANDING_WORD.sub(keep, tidied)
    if capped != tidied:
        notices.append(
            ngettext(
                "At most %(n)d word with * or ~ is expanded; the others were searched as typed.",
                "At most %(n)d words with * or ~ are expanded; the others were searched as typed.",
                MAX_EXPANDING,
            )
            % {"n": MAX_EXPANDING, "text": "%(text)s"}
        )
    capped = re.sub(r"\s+", " ", capped).strip()
    notice = " ".join(notices)
    return Tidied(capped, notice % {"text": capped} if notice else "")


def _bound(q: wq.Query) -> wq.Query:
    """Swap expanding queries for bounded ones (and drop too-short prefixes)."""

    def swap(node):
        kind = type(node)
        if kind is wq.Or:
            return Fields(node.subqueries, boost=node.boost)
        if kind is wq.Wildcard and node.text[:1] in "*?":  # never walk a whole field
            return wq.NullQuery
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


class Words(wq.Or):
    """The OR of a query's words (each an ``Or`` of its fields). A class of its own so
    that normalising keeps one clause per word (an ``Or`` of fields inside an ``Or`` is
    merged into it), for coordination to count words, not fields."""


class Fields(wq.Or):
    """One word's alternatives: the OR of its fields. (Whoosh's automatic matcher
    choice is kept: its array matcher beat a union tree on the corpus's 2,800
    documents, 2.2 s against 1.6 s for 22 questions under the profiler.)"""


class WordsGroup(syntax.OrGroup):
    qclass = Words


# Parsers by schema: building one (its plugins and their syntax tables) cost more than
# parsing a question. A parser keeps no state between parses.
_parsers: dict[int, tuple] = {}


def _parser(schema) -> qparser.QueryParser:
    found = _parsers.get(id(schema))
    if found is not None and found[0] is schema:
        return found[1]
    parser = _new_parser(schema)
    if len(_parsers) > 8:
        _parsers.clear()
    _parsers[id(schema)] = (schema, parser)
    return parser


def _new_parser(schema) -> qparser.QueryParser:
    parser = qparser.QueryParser(None, schema, group=WordsGroup)
    parser.add_plugin(qparser.MultifieldPlugin(text_fields(), fieldboosts=field_boosts()))
    # Field syntax ("title:x") is not offered: our field names are not the user's.
    parser.remove_plugin_class(qparser.FieldsPlugin)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


def plain_words(text: str) -> list[str]:
    """The words of ``text``, syntax dropped."""
    return PLAIN_WORD.findall(text)


def parse(text: str, schema) -> wq.Query | None:
    """A query for ``text`` (its words OR-ed); if its syntax cannot be read, the query
    for its plain words."""
    parser = _parser(schema)
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
