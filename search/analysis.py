"""Text analysis: which analyzer reads which language, and accent folding.

Whoosh analyzes a field with one analyzer, so a document's text goes to the field of
its language family: ``en`` (Porter stemming), ``ru`` (Snowball Russian stemming) or
``xx`` (every other language: case and accent folding only, so "granicni" finds
"granični" and Cyrillic is matched case-insensitively). A query is parsed against all
three, so English and Russian queries work whatever the interface language.
"""

from __future__ import annotations

import re

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stopwords_for_language
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

WORD = r"\w+(?:[.'’]\w+)*"
# Serbian/Croatian/Bosnian, Albanian, Romanian and Turkish letters fold to plain Latin;
# the Sphinx-derived map covers them (č ć ž š đ ë ç ş ţ ț ă â î ğ ı).
FOLD = accent_map
# Russian keeps й (the stemmer needs it) but reads ё as е, as Russian writers do.
YO = str.maketrans({"ё": "е", "Ё": "Е"})

LANGUAGE_FAMILIES = ("en", "ru", "xx")


def family(language_code: str | None) -> str:
    """The analyzer family a document in ``language_code`` is indexed with."""
    code = (language_code or "").lower().split("-")[0]
    return code if code in ("en", "ru") else "xx"


def english_analyzer():
    return (
        RegexTokenizer(WORD)
        | LowercaseFilter()
        | CharsetFilter(FOLD)
        | StopFilter(stoplist=stopwords_for_language("en"), minsize=1)
        | StemFilter(stemfn=porter_stem, cachesize=50000)
    )


def russian_analyzer():
    return (
        RegexTokenizer(WORD)
        | LowercaseFilter()
        | CharsetFilter(YO)
        | StopFilter(stoplist=stopwords_for_language("ru"), minsize=1)
        | StemFilter(lang="ru", cachesize=50000)
    )


def folding_analyzer(minsize: int = 1):
    analyzer = RegexTokenizer(WORD) | LowercaseFilter() | CharsetFilter(FOLD)
    if minsize > 1:
        analyzer = analyzer | StopFilter(stoplist=(), minsize=minsize)
    return analyzer


def reference_analyzer():
    """A reference code stays one token ("bp-sop-07"), so it is found as typed."""
    return RegexTokenizer(r"[\w][\w\-/.]*") | LowercaseFilter() | CharsetFilter(FOLD)


ANALYZERS = {"en": english_analyzer, "ru": russian_analyzer, "xx": folding_analyzer}


def distinct_words(text: str) -> str:
    """Each word of ``text`` once, in order: the spelling field needs a document's
    vocabulary, not its counts, and analysing a third of the words is cheaper."""
    return " ".join(dict.fromkeys(re.findall(WORD, text)))


def fold(text: str) -> str:
    """Accent-fold and lower-case ``text`` character for character: offsets are kept,
    so a match found in the folded text marks the same span of the original."""
    folded = text.translate(_FOLD_1TO1).lower()
    if len(folded) != len(text):  # a letter whose lower case is longer (e.g. "İ")
        folded = "".join((ch.translate(_FOLD_1TO1).lower() or ch)[0] for ch in text)
    return folded


def _one_to_one(mapping: dict) -> dict:
    kept = {}
    for code, value in mapping.items():
        if isinstance(value, str) and len(value) == 1 or isinstance(value, int):
            kept[code] = value
    return kept


_FOLD_1TO1 = _one_to_one(FOLD)
