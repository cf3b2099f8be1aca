"""How matches are ordered: Whoosh's BM25F over boosted fields, then a final adjustment.

A query's words are all optional (OR); Whoosh's BM25F sums each word's score over the
fields with their boosts (reference and title above headings, headings above the body).
Adjacent words also score as a phrase in titles and bodies (proximity). Through the
collector's final-score hook (``WeightingModel.final``'s place) each document's score is
then multiplied by factors of at most 1, so Whoosh's block skipping stays exact:

- coordination: a document matching fewer of the query's words scores less;
- a question in Cyrillic prefers documents in a Cyrillic-script language;
- experts and agencies rank below procedures unless the words are about people.

Stop and question words ("how", "what", "для", "как") are left out of a query that has
other words: they would match everything and only add noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyroaring import FrozenBitMap
from whoosh import query as wq
from whoosh import scoring
from whoosh.lang import stopwords_for_language

from search.analysis import LANGUAGE_FAMILIES, fold
from search.engine import whoosh_private
from search.engine.parsing import Words

# Whoosh's BM25F: the default B (length normalisation) but none for reference codes,
# which are one token whatever their length.
WEIGHTING = scoring.BM25F(B=0.75, K1=1.2, reference_B=0.0)
# Each missing word multiplies a document's score by this.
COORDINATION = 0.6
# A document in a language of another script than the query's: a Russian question
# prefers Russian (and other Cyrillic) procedures, an English one Latin-script ones.
SCRIPT_PREFERENCE = 0.5
CYRILLIC_PREFERENCE = SCRIPT_PREFERENCE  # the name other code knew
NOT_A_PROCEDURE = 0.4
PROXIMITY_BOOST = 1.0
PROXIMITY_SLOP = 2
# First-pass matches beyond the page whose proximity phrases are scored.
PROXIMITY_DEPTH = 15
# All the words of a question of three or more, in order, in a title: a title pasted or
# remembered finds its procedure first.
TITLE_PHRASE_BOOST = 3.0

STOP_WORDS = (
    frozenset(stopwords_for_language("en"))
    | frozenset(stopwords_for_language("ru"))
    | {"what", "which", "who", "how", "why", "when", "where", "must", "need", "needs", "i"}
    | {"каков", "какие", "каких", "каким", "какое", "почему", "чем", "нужно", "надо"}
)
# Words that ask for people (then experts and agencies are not ranked down).
PEOPLE_WORDS = frozenset(
    {
        "expert",
        "experts",
        "trainer",
        "trainers",
        "specialist",
        "specialists",
        "person",
        "people",
        "contact",
        "contacts",
        "agency",
        "agencies",
        "institute",
        "ministry",
        "эксперт",
        "эксперты",
        "экспертов",
        "специалист",
        "специалисты",
        "специалистов",
        "тренер",
        "тренеры",
        "агентство",
        "ведомство",
        "институт",
    }
)
# Languages written in Cyrillic (codes as in network.Language).
CYRILLIC_LANGUAGES = ("ru", "uk", "be", "bg", "mk", "kk", "ky", "tg", "mn", "sr-cyrl")
# Languages written in neither Latin nor Cyrillic letters.
OTHER_SCRIPT_LANGUAGES = ("ka", "el", "hy", "ar", "he", "fa", "zh", "ja", "ko")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
WORD = re.compile(r"\w+")
QUOTED = re.compile(r'"[^"]*"?')


def without_stop_words(text: str) -> str:
    """``text`` with stop and question words outside quotes dropped, if any other word
    remains; syntax (quotes, ``*``, ``~``, AND/OR/NOT) is kept."""
    parts = re.split(r'("[^"]*"?)', text)
    kept_any = False
    out = []
    for part in parts:
        if part.startswith('"'):
            out.append(part)
            kept_any = kept_any or bool(WORD.search(part))
            continue
        tokens = part.split()
        kept = []
        for token in tokens:
            plain = token.strip(".,;:!?()[]")
            if plain and plain.lower() in STOP_WORDS and plain not in ("AND", "OR", "NOT"):
                continue
            kept.append(token)
        kept_any = kept_any or any(WORD.search(t) for t in kept)
        out.append(" ".join(kept))
    if not kept_any:
        return text
    return re.sub(r"\s+", " ", " ".join(p for p in out if p.strip())).strip()


def script_of(text: str) -> str:
    """ "cyrillic" or "latin" for the letters most of ``text`` is written in ("" when
    neither: Georgian, Greek, ...)."""
    cyrillic, latin = len(CYRILLIC.findall(text)), len(LATIN.findall(text))
    if cyrillic > latin:
        return "cyrillic"
    return "latin" if latin > cyrillic else ""


def is_cyrillic(text: str) -> bool:
    """True if most letters of ``text`` are Cyrillic."""
    return len(CYRILLIC.findall(text)) > len(LATIN.findall(text))


def about_people(text: str) -> bool:
    return any(fold(w) in PEOPLE_WORDS for w in WORD.findall(text))


@dataclass
class Plan:
    """The query that decides what matches and ranks first, the proximity phrases that
    add to the scores of its best matches, and the optional clauses coordination counts.
    """

    match: wq.Query
    near: list = field(default_factory=list)
    optional: list = field(default_factory=list)
    # The query's script ("cyrillic", "latin" or ""): documents in a language written
    # in another script rank lower.
    script: str = ""
    people: bool = False

    @property
    def cyrillic(self) -> bool:
        return self.script == "cyrillic"

    @property
    def rank(self) -> wq.Query:
        """The whole ranking as one Whoosh query (what ``with_proximity`` computes for
        the best first-pass matches): the match, plus each proximity phrase it holds."""
        return wq.AndMaybe(self.match, wq.Or(self.near)) if self.near else self.match


def _is_phrase(clause) -> bool:
    leaves = list(clause.leaves())
    return bool(leaves) and all(type(leaf) is wq.Phrase for leaf in leaves)


def plan(q: wq.Query, text: str, schema) -> Plan:
    """Split a parsed query into required phrases and optional words, and add the
    proximity phrases of adjacent words."""
    script, people = script_of(text), about_people(text)
    words = type(q) is Words
    clauses = list(q.subqueries) if words else [q]
    phrases = [c for c in clauses if _is_phrase(c)]
    optional = [c for c in clauses if not _is_phrase(c)]
    if not words and not phrases:
        # One word, or explicit AND/NOT: what was asked is what matches.
        optional = [q] if type(q) is not wq.And else list(q.subqueries)
        match = q
    elif phrases and optional:
        match = wq.AndMaybe(wq.And(phrases) if len(phrases) > 1 else phrases[0], Words(optional))
    elif phrases:
        match = wq.And(phrases) if len(phrases) > 1 else phrases[0]
        optional = []
    else:
        match = Words(optional) if len(optional) > 1 else optional[0]
    near = _proximity(QUOTED.sub(" ", text), schema)
    return Plan(match=match, near=near, optional=optional, script=script, people=people)


def _proximity(text: str, schema) -> list:
    """Phrases (with a little slop) of each pair of adjacent plain words, in the title
    and body fields of every language family; and of all the words, in the titles."""
    words = [w for w in text.split() if re.fullmatch(r"\w+", w)]
    near = []
    if len(words) >= 3:
        for fam in LANGUAGE_FAMILIES:
            name = f"title_{fam}"
            terms = [t for t in (_analysed(schema, name, w) for w in words) if t]
            if len(terms) >= 3:
                near.append(wq.Phrase(name, terms, slop=PROXIMITY_SLOP, boost=TITLE_PHRASE_BOOST))
    for first, second in zip(words, words[1:], strict=False):
        for fam in LANGUAGE_FAMILIES:
            for kind in ("title", "body"):
                name = f"{kind}_{fam}"
                terms = [_analysed(schema, name, w) for w in (first, second)]
                if all(terms):
                    near.append(wq.Phrase(name, terms, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST))
    return near


def _analysed(schema, fieldname: str, word: str) -> str:
    tokens = list(schema[fieldname].process_text(word, mode="query"))
    return tokens[0] if len(tokens) == 1 else ""


class Adjustment:
    """The final score of a document: Whoosh's score times the factors above."""

    def __init__(self, reader, plan: Plan, clause_docs: list[FrozenBitMap]):
        self.clause_docs = clause_docs
        self.wanted = len(clause_docs)
        self.others = FrozenBitMap() if plan.people else _not_procedures(reader)
        self.foreign = _other_script(reader, plan.script)

    def per_missing(self, clause_docs: list[FrozenBitMap]) -> float:
        """The factor a document's score is multiplied by for each of ``clause_docs`` it
        is not in: coordination, if those are the clauses counted here (else 1)."""
        if self.wanted > 1 and clause_docs == self.clause_docs:
            return COORDINATION
        return 1.0

    def __call__(self, searcher, docnum: int, score: float) -> float:
        if self.wanted > 1:
            missing = sum(1 for docs in self.clause_docs if docnum not in docs)
            if missing:
                score *= COORDINATION**missing
        if docnum in self.others:
            score *= NOT_A_PROCEDURE
        if docnum in self.foreign:
            score *= SCRIPT_PREFERENCE
        return score


def _not_procedures(reader) -> FrozenBitMap:
    return reader.docset("doctype", "expert") | reader.docset("doctype", "agency")


def _languages(reader, codes) -> FrozenBitMap:
    return FrozenBitMap.union(FrozenBitMap(), *(reader.docset("language", c) for c in codes))


def _other_script(reader, script: str) -> FrozenBitMap:
    """Procedures in a language written in another script than ``script``. Experts and
    agencies have no document language of their own here (their languages are those
    they speak)."""
    if script not in ("cyrillic", "latin"):
        return FrozenBitMap()
    key = ("other-script", script)
    found = reader.cache.get(key)
    if found is None:
        sops = reader.docset("doctype", "sop")
        cyrillic = _languages(reader, CYRILLIC_LANGUAGES)
        if script == "cyrillic":
            found = reader.all_docs() - cyrillic
        else:
            found = (cyrillic | _languages(reader, OTHER_SCRIPT_LANGUAGES)) & sops
        reader.cache[key] = found
    return found


def with_proximity(reader, near: list, scored: list, adjust) -> list[tuple[float, int]]:
    """``scored`` ((final score, docnum), best first, from ranking the match alone) with
    Whoosh's score of each proximity phrase a document holds added, times the document's
    adjustment, as ranking ``Plan.rank`` would give it; re-sorted as Whoosh sorts (higher
    score first, then lower document number).

    Checking word positions is the costly part of ranking a question (Whoosh does it in
    Python for every document holding two adjacent words), so it is done only for the
    best matches of the first pass (``PROXIMITY_DEPTH`` beyond the page), and only for
    those holding all of a phrase's words (the reader's cached term sets say which).
    """
    if not near or not scored:
        return scored
    searcher = reader.searcher
    candidates = FrozenBitMap(d for _s, d in scored)
    context = searcher.context()
    extra: dict[int, float] = {}
    for phrase in near:
        holders = candidates
        for word in phrase.words:
            holders = holders & reader.docset(phrase.fieldname, word)
            if not holders:
                break
        if not holders:
            continue
        found = whoosh_private.phrase_scores(searcher, phrase, list(holders), context)
        for docnum, score in found.items():
            extra[docnum] = extra.get(docnum, 0.0) + score
    if not extra:
        return scored
    out = [
        (score + adjust(searcher, d, extra[d]) if d in extra else score, d) for score, d in scored
    ]
    out.sort(key=lambda sd: (-sd[0], sd[1]))
    return out
