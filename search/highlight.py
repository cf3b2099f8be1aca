"""Cheap highlighting of only the hits shown on a page.

Whoosh's highlighter re-runs the full analyzer over each document; here a word is
marked if its folded form, or its English or Russian stem, is one of the query's
indexed terms (expansions of prefixes and fuzzy terms included). The best window is
the one holding the most matches; everything else is escaped.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh.lang.porter import stem as porter_stem
from whoosh.lang.snowball.russian import RussianStemmer

from search.analysis import fold

_russian = RussianStemmer()


@lru_cache(maxsize=100_000)
def _forms(word: str) -> tuple[str, ...]:
    """The indexed forms a folded word may take, whatever field it went to."""
    if not word.isascii() and any("\u0400" <= ch <= "\u04ff" for ch in word):
        return (word, _russian.stem(word.replace("ё", "е")))
    return (word, porter_stem(word))


@lru_cache(maxsize=256)
def _candidates(terms: frozenset[str]) -> re.Pattern | None:
    """Words that may be a form of one of ``terms``: those starting like one of them.

    A stem is nearly a prefix of its words ("laboratori" of "laboratory"), so its first
    letters find the candidates in C; ``_forms`` then decides. Checking every word of a
    1,500-word procedure in Python took 3 ms a hit.
    """
    heads = sorted({t[: max(2, len(t) - 2)] for t in terms if t}, key=len, reverse=True)
    if not heads:
        return None
    return re.compile(r"\b(?:" + "|".join(map(re.escape, heads)) + r")\w*")


def _spans(text: str, terms: frozenset[str], *, rough: bool = False) -> list[tuple[int, int]]:
    """Where the words of ``terms`` are in ``text``. ``rough``: in lower case rather than
    accent-folded (in C, for choosing a passage of a whole procedure; the snippet cut
    from it is marked exactly)."""
    finder = _candidates(terms)
    if finder is None:
        return []
    spans = []
    folded = text.lower() if rough else fold(text)
    if len(folded) != len(text):
        folded = fold(text)
    for match in finder.finditer(folded):
        if any(form in terms for form in _forms(match.group())):
            spans.append(match.span())
    return spans


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


def mark(text: str, terms: frozenset[str]) -> SafeString:
    """The whole (short) text with matching words marked: titles."""
    return mark_safe(_render(text, _spans(text, terms), 0, len(text)))


BLOCK_RE = re.compile(r"\n\s*\n")


def passage(markdown_text: str, terms: frozenset[str], size: int = 260) -> str:
    """The Markdown block (paragraph, list, heading) with the most distinct matches, and
    those after it up to twice ``size``: all of a snippet that needs rendering, instead
    of a whole procedure (7 ms a hit at 1,500 words)."""
    text = markdown_text or ""
    starts = [0] + [m.end() for m in BLOCK_RE.finditer(text)]
    found: dict[int, set[str]] = {}
    first: dict[int, int] = {}
    for a, b in _spans(text, terms, rough=True):
        block = bisect.bisect_right(starts, a) - 1
        found.setdefault(block, set()).add(text[a:b].lower())
        first.setdefault(block, a)
    best = max(found, key=lambda i: (len(found[i]), -i)) if found else 0
    start, end = starts[best], best + 1
    while end < len(starts) and starts[end] - start < 2 * size:
        end += 1
    stop = starts[end] if end < len(starts) else len(text)
    if stop - start > 4 * size:
        # A long block (a paragraph of thousands of characters, a big table): render
        # only the stretch around its first match, cut at spaces.
        at = first.get(best, start)
        cut = max(start, at - size)
        space = text.find(" ", cut, at)
        start = space + 1 if cut > start and space >= 0 else cut
        stop = min(stop, start + 3 * size)
        space = text.rfind(" ", start, stop)
        stop = space if space > at else stop
    return text[start:stop].strip()


def snippet(text: str, terms: frozenset[str], size: int = 260) -> SafeString:
    """The ``size``-character window of ``text`` with the most matches, marked."""
    text = " ".join(text.split())
    if not text:
        return mark_safe("")
    spans = _spans(text, terms)
    if not spans:
        cut = text[:size].rsplit(" ", 1)[0] if len(text) > size else text
        return mark_safe(escape(cut) + ("…" if len(text) > size else ""))
    best, best_count, j = 0, 0, 0
    for i, (s, _e) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= s + size:
            j += 1
        distinct = len({text[a:b].lower() for a, b in spans[i:j]})
        if distinct > best_count:
            best, best_count = i, distinct
    start = max(0, spans[best][0] - size // 5)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[best][0] else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > spans[best][1] else end
    html = _render(text, spans, start, end)
    return mark_safe(("…" if start else "") + html + ("…" if end < len(text) else ""))
