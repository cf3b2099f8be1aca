"""The query service: the one function pages and the API call to search.

Visibility is applied inside the search, as a set of document numbers the user may
see, before anything is counted: a restricted SOP is neither returned nor counted in
a facet. Hits are checked once more against the database as they are shown, so an
SOP whose visibility just narrowed (its reindex still queued) never leaks.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from pyroaring import FrozenBitMap
from whoosh import collectors, sorting
from whoosh import query as wq

from network.permissions import approved_roles, is_vetted
from search import display, lexicon, parsing
from search.matching import Budget, matching_docs, presolved, settable
from search.reader import Reader, get_reader, report_broken
from search.schema import FACET_FIELDS, FACETS

log = logging.getLogger(__name__)

PER_PAGE = 10
MAX_PAGE = 50
# Seconds for finding every match (counts, facets); ranking the shown page gets a little
# more. A pathological query (a short prefix, a loose fuzzy term over 20,000 procedures)
# then returns the best hits found so far, flagged on the page, instead of stalling it.
TIME_LIMIT = 0.08
RANKING_GRACE = 0.03
# What a fall-back query still gets once the time limit is spent (its first page is
# always ranked; see ``Budget.enough``).
SLICE = 0.01
FACET_VALUES_SHOWN = 12
SORTS = ("relevance", "date")


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    url: str = ""


@dataclass
class SearchResults:
    text: str = ""
    hits: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    sort: str = "relevance"
    filters: dict = field(default_factory=dict)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # "Did you mean": a spelling that finds visible results; ``corrected`` when the
    # results shown are for it because the text as typed found nothing.
    suggestion: str = ""
    corrected: bool = False
    # True when nothing matched the words as typed but the last one, as a prefix, did.
    completed: bool = False
    error: str = ""
    timed_out: bool = False
    elapsed_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, -(-self.total // self.per_page)))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def visible_docs(reader: Reader, user) -> FrozenBitMap | None:
    """Document numbers ``user`` may see; ``None`` means everything (platform staff)."""
    if user is not None and user.is_authenticated and user.is_staff:
        return None
    vetted = is_vetted(user)
    agencies = tuple(sorted(approved_roles(user))) if vetted else ()
    key = ("visible", vetted, agencies)
    found = reader.cache.get(key)
    if found is None:
        allowed = [reader.docset("visibility", "public")]
        if vetted:
            allowed.append(reader.docset("visibility", "network"))
            allowed += [reader.docset("allowed", str(agency_id)) for agency_id in agencies]
        found = reader.cache[key] = FrozenBitMap.union(*allowed)
    return found


def _mask(reader: Reader, user, filters: dict) -> FrozenBitMap | None:
    mask = visible_docs(reader, user)
    for name, value in filters.items():
        docs = reader.docset(FACET_FIELDS[name], value)
        mask = docs if mask is None else mask & docs
    return mask


def clean_filters(raw) -> dict[str, str]:
    """Known facets only, one value each (what a query string may carry)."""
    filters = {}
    for name in FACETS:
        value = (raw.get(name) or "").strip() if raw else ""
        if value:
            filters[name] = value[:100]
    return filters


def _matched(reader: Reader, q, mask, budget: Budget) -> FrozenBitMap:
    """Every visible match (for the count and facets)."""
    found = matching_docs(reader, q, budget)
    return found if mask is None else found & mask


def _facets(reader: Reader, matched, filters: dict) -> dict[str, list[FacetValue]]:
    facets = {}
    for name in FACETS:
        fieldname = FACET_FIELDS[name]
        counts = []
        for value in reader.values(fieldname):
            count = reader.docset(fieldname, value).intersection_cardinality(matched)
            if count or filters.get(name) == value:
                counts.append((count, value))
        counts.sort(key=lambda cv: (-cv[0], cv[1]))
        facets[name] = [
            FacetValue(value=v, label=v, count=c, selected=filters.get(name) == v)
            for c, v in counts[:FACET_VALUES_SHOWN]
        ]
    display.label_facets(facets)
    return facets


class _AllowedWithinTime(collectors.WrappingCollector):
    """Collect only allowed documents, and stop when the budget is spent (once a page of
    hits is found) keeping what was found; every allowed match is also appended to ``seen``
    when one is given.

    Whoosh's FilterCollector and TimeLimitCollector each do their work in
    ``collect_matches`` and so cannot wrap one another; this does both in one loop.
    """

    def __init__(self, child, allow, budget: Budget, seen: list | None = None):
        self.child = child
        self.allow = allow
        self.budget = budget
        self.seen = seen

    def collect_matches(self):
        child, allow, budget, seen = self.child, self.allow, self.budget, self.seen
        offset = child.offset
        for n, sub_docnum in enumerate(child.matches()):
            if n & 63 == 0 and budget.ranking_over():
                raise collectors.TimeLimit
            if allow is None or offset + sub_docnum in allow:
                if seen is not None:
                    seen.append(offset + sub_docnum)
                budget.collected += 1
                child.collect(sub_docnum)


def _top(reader: Reader, q, allow, limit: int, sort: str, budget: Budget, seen=None):
    searcher = reader.searcher
    sortedby = sorting.FieldFacet("date", reverse=True) if sort == "date" else None
    # Whoosh skips blocks of matches that cannot rank ("optimize"): not when every
    # match is to be seen.
    child = searcher.collector(limit=limit, sortedby=sortedby, optimize=seen is None)
    collector = _AllowedWithinTime(child, allow, budget, seen)
    timed_out = False
    try:
        searcher.search_with_collector(q, collector)
    except collectors.TimeLimit:
        timed_out = True
    return collector.results(), timed_out


def _run(reader: Reader, q, mask, filters, page, per_page, sort, seconds=TIME_LIMIT):
    limit = page * per_page
    budget = Budget(seconds, enough=limit)
    fast = presolved(reader, q, budget)
    if settable(fast):
        matched = _matched(reader, fast, mask, budget)
        if not matched:
            return [], 0, {}, budget.cut, q
        ranking = Budget(budget.left(RANKING_GRACE), enough=limit)
        results, cut = _top(reader, fast, matched, limit, sort, ranking)
        cut = cut or budget.cut
    else:
        # Phrases need Whoosh's matcher (word positions): one pass of it both ranks and
        # collects every match for the count and facets.
        seen: list[int] = []
        results, cut = _top(reader, fast, mask, limit, sort, budget, seen)
        matched = FrozenBitMap(seen)
        cut = cut or budget.cut
        if not matched:
            return [], 0, {}, cut, q
    docnums = [hit.docnum for hit in results][(page - 1) * per_page : page * per_page]
    stored = [reader.searcher.stored_fields(d) for d in docnums]
    return stored, len(matched), _facets(reader, matched, filters), cut, q


def _existing_terms(ixreader, q) -> set[tuple[str, str]]:
    """(field, text) of the query's terms the index holds, expansions included.

    Whoosh's own ``Query.existing_terms`` skips every field after the first one (its
    loop variable shadows its ``fieldname`` argument), so this walks the leaves itself.
    """
    found = set()
    for leaf in q.leaves():
        for fieldname, text in leaf.expanded_terms(ixreader, phrases=True):
            btext = text if isinstance(text, bytes) else text.encode("utf-8")
            if (fieldname, btext) in ixreader:
                found.add((fieldname, btext.decode("utf-8")))
    return found


def _highlight_terms(reader: Reader, q) -> frozenset[str]:
    try:
        return frozenset(t for _f, t in _existing_terms(reader.searcher.reader(), q))
    except Exception:  # highlighting is a nicety; the hits stand without it
        log.debug("could not expand terms for highlighting", exc_info=True)
        return frozenset()


def search(
    *,
    user,
    text: str = "",
    filters: dict | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
    highlight: bool = True,
) -> SearchResults:
    """Search what ``user`` may see. Never raises for what was typed; a broken index
    comes back as ``error`` (logged, and a rebuild is queued)."""
    started = time.monotonic()
    text = (text or "").strip()[:300]
    filters = clean_filters(filters or {})
    sort = sort if sort in SORTS else "relevance"
    page = max(1, min(MAX_PAGE, int(page or 1)))
    res = SearchResults(text=text, page=page, per_page=per_page, sort=sort, filters=filters)
    if not text and not filters:
        return res
    try:
        reader = get_reader()
        try:
            _search_into(res, reader, user, highlight, text)
        except Exception:
            # Syntax Whoosh parsed but cannot run: search the plain words instead.
            plain = " ".join(parsing.plain_words(text))
            if not plain or plain == text:
                raise
            log.info("query %r failed; searching its plain words", text, exc_info=True)
            _search_into(res, reader, user, highlight, plain)
    except Exception as exc:  # cannot open, or Whoosh failing mid-read: a damaged index
        report_broken(exc)
        res.error = _("Search is unavailable for a moment while its index is rebuilt.")
        res.hits, res.total, res.facets, res.suggestion = [], 0, {}, ""
    res.elapsed_ms = (time.monotonic() - started) * 1000
    return res


def _search_into(res: SearchResults, reader: Reader, user, highlight: bool, text: str) -> None:
    schema = reader.ix.schema
    mask = _mask(reader, user, res.filters)
    q = parsing.parse(text, schema) if text else wq.Every()
    if q is None:  # nothing searchable was typed ("*", "~", quotes)
        q = wq.Every() if res.filters else None
    if q is None:
        return
    if not text:
        res.sort = "date"
    args = (mask, res.filters, res.page, res.per_page, res.sort)
    # One time limit for the whole search: the fall-backs below (tried only when the
    # words as typed found nothing) share what the first try left.
    clock = Budget(TIME_LIMIT)

    def run(query):
        return _run(reader, query, *args, seconds=clock.left(SLICE))

    stored, total, facets, cut, used = run(q)
    if text and not total:
        # Typing: the last word may be unfinished ("decontam" -> "decontam*").
        prefixed = _last_word_as_prefix(text)
        pq = parsing.parse(prefixed, schema) if prefixed else None
        if pq is not None:
            stored, total, facets, cut, used = run(pq)
            if total:
                res.completed = True
    if text and not res.completed:
        suggestion, sq = _suggest(reader, text, schema, mask, clock)
        if not total and sq is not None:
            stored, total, facets, cut, used = run(sq)
            res.corrected = bool(total)
        if suggestion and (total or res.corrected):
            res.suggestion = suggestion
        if not total and len(parsing.plain_words(text)) > 1:
            anyq = parsing.parse(text, schema, any_word=True)
            if anyq is not None:
                stored, total, facets, cut, used = run(anyq)
    res.total, res.facets, res.timed_out = total, facets, cut
    terms = _highlight_terms(reader, used) if (highlight and stored and text) else frozenset()
    res.hits = display.hits_for(stored, user=user, terms=terms, highlight=highlight)


def _last_word_as_prefix(text: str) -> str:
    match = re.search(r"(\w{3,})$", text)
    return f"{text}*" if match and not text.rstrip().endswith(('"', "*", "~")) else ""


def _suggest(reader: Reader, text: str, schema, mask, clock: Budget) -> tuple[str, object]:
    """A respelling of unknown words that finds something this user may see."""
    ixreader = reader.searcher.reader()
    words = parsing.plain_words(text)
    prefixes = set(re.findall(r"(\w+)\*", text))  # asked for as typed: not respelled
    changed, out = False, []
    for word in words:
        folded = parsing.normalise_word(word)
        if (
            len(folded) < 3
            or word in prefixes
            or ixreader.doc_frequency("spell", folded)
            or _known(ixreader, word)
        ):
            out.append(word)
            continue
        best = _closest(ixreader, folded)
        if best:
            out.append(best)
            changed = True
        else:
            out.append(word)
    if not changed:
        return "", None
    suggestion = " ".join(out)
    sq = parsing.parse(suggestion, schema)
    if sq is None:
        return "", None
    matched = _matched(reader, sq, mask, Budget(clock.left(SLICE)))
    return (suggestion, sq) if matched else ("", None)


def _known(ixreader, word: str) -> bool:
    """True if any form of ``word`` (its stem in some language) is in the index."""
    q = parsing.parse(word, ixreader.schema)
    return q is not None and bool(_existing_terms(ixreader, q))


def _closest(ixreader, word: str) -> str:
    for maxdist in (1, 2) if len(word) > 4 else (1,):
        candidates = lexicon.similar_terms(ixreader, "spell", word, maxdist, 1, limit=1)
        if candidates:
            return candidates[0].decode("utf-8")
    return ""


def autocomplete(*, user, text: str, limit: int = 8) -> list:
    """Titles, reference codes, experts and agencies starting with the words typed."""
    words = [parsing.normalise_word(w)[:16] for w in parsing.plain_words(text or "")]
    words = [w for w in words if len(w) >= 2][:6]
    if not words:
        return []
    try:
        reader = get_reader()
        q = wq.And([wq.Term("complete", w) for w in words])
        mask = visible_docs(reader, user)
        if mask is not None and not mask:
            return []
        results = reader.searcher.search(q, limit=limit, filter=None if mask is None else set(mask))
        stored = [hit.fields() for hit in results]
    except Exception as exc:
        report_broken(exc)
        return []
    return display.hits_for(stored, user=user, terms=frozenset(), highlight=False)


def related_sops(*, user, sop, limit: int = 5) -> list:
    """Procedures like ``sop`` (Whoosh's more-like-this on its text) that ``user`` may see."""
    from search.analysis import family

    version = sop.current_version
    if version is None:
        return []
    try:
        reader = get_reader()
        searcher = reader.searcher
        docnum = searcher.document_number(key=f"sop:{sop.pk}")
        if docnum is None:
            return []
        mask = visible_docs(reader, user)
        sops = reader.docset("doctype", "sop")
        allow = set(sops if mask is None else sops & mask)
        allow.discard(docnum)
        if not allow:
            return []
        fam = family(sop.language_id)
        text = f"{version.title}\n{version.body}"
        # Whoosh's more-like-this key terms, looked up in the title as well as the body.
        keys = searcher.key_terms_from_text(f"body_{fam}", text, numterms=12)
        if not keys:
            return []
        like = wq.Or(
            [wq.Term(f"body_{fam}", term, boost=weight) for term, weight in keys]
            + [wq.Term(f"title_{fam}", term, boost=2 * weight) for term, weight in keys]
        )
        results = searcher.search(like, limit=limit, filter=allow)
        stored = [hit.fields() for hit in results]
    except Exception as exc:
        report_broken(exc)
        return []
    return display.hits_for(stored, user=user, terms=frozenset(), highlight=False)
