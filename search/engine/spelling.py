"""Typo correction drawn only from what the user may see.

A word is known if a document the user may see holds it (as typed, or any stem of it);
an unknown word is replaced by the closest word of the documents the user may see, the
most frequent among *those* documents winning. So whether a suggestion appears, and
which, depends only on visible documents: a word found only in an agency-only SOP is
unknown to an outsider, exactly as if that SOP did not exist. The corrected words are
then searched as if typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.engine import lexicon, parsing

CANDIDATES = 24
MIN_LENGTH = 3


@dataclass
class Correction:
    text: str  # what to search for
    corrected: bool = False  # a word was respelled
    completed: bool = False  # the last word was taken as a prefix


def _visible(reader, fieldname: str, text: str, mask) -> int:
    docs = reader.docset(fieldname, text)
    return len(docs) if mask is None else docs.intersection_cardinality(mask)


def known(reader, word: str, mask) -> bool:
    """True if a document ``mask`` allows holds ``word`` or one of its stems."""
    folded = parsing.normalise_word(word)
    if _visible(reader, "spell", folded, mask):
        return True
    q = parsing.parse(word, reader.schema)
    if q is None:
        return True  # nothing searchable: nothing to correct
    ixreader = reader.searcher.reader()
    for leaf in q.leaves():
        for fieldname, text in leaf.expanded_terms(ixreader, phrases=True):
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            if _visible(reader, fieldname, text, mask):
                return True
    return False


def closest(reader, word: str, mask, maxdist: int) -> str:
    """The visible word within ``maxdist`` edits of ``word`` (its first letter kept)
    found in the most visible documents; "" if none."""
    ixreader = reader.searcher.reader()
    candidates = lexicon.similar_terms(ixreader, "spell", word, maxdist, 1, limit=CANDIDATES)
    best, best_count = "", 0
    for btext in candidates:
        text = btext.decode("utf-8")
        count = _visible(reader, "spell", text, mask)
        if count > best_count or (count == best_count and count and text < best):
            best, best_count = text, count
    return best


def _prefix_visible(reader, word: str, mask) -> bool:
    ixreader = reader.searcher.reader()
    for btext in lexicon.prefix_terms(ixreader, "spell", word, CANDIDATES):
        if _visible(reader, "spell", btext.decode("utf-8"), mask):
            return True
    return False


def correct(reader, text: str, mask) -> Correction:
    """``text`` with each word unknown to this user respelled (or, for the last word,
    completed as a prefix when no word is one edit away)."""
    words = list(re.finditer(r"(?<![\w*~])(\w+)(?![\w*~])", _outside_quotes_mask(text)))
    out, pos = [], 0
    corrected = completed = False
    for n, match in enumerate(words):
        word = match.group(1)
        folded = parsing.normalise_word(word)
        if len(folded) < MIN_LENGTH or folded.isdigit() or known(reader, word, mask):
            continue
        last = n == len(words) - 1 and match.end() == len(text)
        replacement = closest(reader, folded, mask, 1)
        if not replacement and last and _prefix_visible(reader, folded, mask):
            replacement, completed = f"{word}*", True
        elif not replacement and len(folded) > 4:
            replacement = closest(reader, folded, mask, 2)
        if replacement:
            out.append(text[pos : match.start(1)])
            out.append(replacement)
            pos = match.end(1)
            corrected = corrected or not replacement.endswith("*")
    out.append(text[pos:])
    return Correction("".join(out), corrected=corrected, completed=completed)


def _outside_quotes_mask(text: str) -> str:
    """``text`` with quoted parts blanked (same length): words in quotes are kept as typed."""
    return re.sub(r'"[^"]*"?', lambda m: " " * len(m.group()), text)
