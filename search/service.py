"""The query service: the one function pages and the API call to search.

Visibility is applied inside the search, as a set of document numbers the user may
see, before anything is counted: a restricted SOP is neither returned nor counted in
a facet. Hits are checked once more against the database as they are shown, so an
SOP whose visibility just narrowed (its reindex still queued) never leaks.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from pyroaring import FrozenBitMap
from whoosh import collectors, sorting
from whoosh import query as wq

from network.permissions import approved_roles, is_vetted
from search import display
from search.engine import candidates, parsing, ranking, spelling
from search.engine.errors import is_index_error, raised_in_whoosh
from search.engine.matching import Budget, matching_docs, presolved, settable
from search.engine.reader import Reader, get_reader, report_broken
from search.schema import FACET_FIELDS, FACETS

log = logging.getLogger(__name__)

PER_PAGE = 10
MAX_PAGE = 50
# Seconds for finding every match of what needs Whoosh's matcher (a phrase) for the
# count and facets; past it they are cut short and flagged. The first page is always
# ranked in full (its cost is bounded by the expansion caps in ``search.parsing``).
TIME_LIMIT = 0.08
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
class SearchPage:
    """One page of search results, with the facets and notices that go with it."""

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
    # True when the last word, unknown as typed, was searched as a prefix.
    completed: bool = False
    # What was changed in the query to keep it cheap (a leading wildcard dropped).
    notice: str = ""
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
    return facets


class _Allowed(collectors.WrappingCollector):
    """Collect only allowed documents; every allowed match is also appended to ``seen``
    when one is given. Never stopped by the clock: the first page is always ranked in
    full, so a query gives the same page on a quiet or a busy machine."""

    def __init__(self, child, allow, seen: list | None = None):
        self.child = child
        self.allow = allow
        self.seen = seen

    def collect_matches(self):
        child, allow, seen = self.child, self.allow, self.seen
        offset = child.offset
        for sub_docnum in child.matches():
            if allow is None or offset + sub_docnum in allow:
                if seen is not None:
                    seen.append(offset + sub_docnum)
                child.collect(sub_docnum)


class _AdjustedTop(collectors.TopCollector):
    """Whoosh's top-N collector with a final score per document (``ranking.Adjustment``)
    given per search, where Whoosh takes it from the searcher's weighting model."""

    def __init__(self, adjust, **kwargs):
        super().__init__(**kwargs)
        self.adjust = adjust

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.final_fn = self.adjust


def _top(reader: Reader, q, allow, limit: int, sort: str, adjust, seen=None):
    searcher = reader.searcher
    # Whoosh skips blocks of matches that cannot rank ("usequality"): not when every
    # match is to be seen. The adjustment only lowers scores, so skipping stays exact.
    if sort == "date":
        child = searcher.collector(
            limit=limit, sortedby=sorting.FieldFacet("date", reverse=True), optimize=False
        )
    else:
        child = _AdjustedTop(adjust, limit=limit, usequality=seen is None)
    collector = _Allowed(child, allow, seen)
    searcher.search_with_collector(q, collector)
    return collector.results()


def _run(reader: Reader, plan: ranking.Plan, mask, filters, page, per_page, sort, budget):
    limit = page * per_page
    match = presolved(reader, plan.match)
    # What coordination counts decides the ranking: never cut by the clock.
    untimed = Budget(float("inf"))
    clause_docs = [matching_docs(reader, presolved(reader, c), untimed) for c in plan.optional]
    adjust = ranking.Adjustment(reader, plan, clause_docs)
    near = plan.near if sort == "relevance" else []
    # The match ranks first; proximity phrases then re-score its best matches.
    depth = limit + ranking.PROXIMITY_DEPTH if near else limit
    if settable(match):
        matched = _matched(reader, match, mask, budget)
        if not matched:
            return [], 0, {}, budget.cut
        if sort == "relevance" and candidates.supported(match):
            scored = candidates.top(reader, match, matched, depth, adjust)
        else:
            scored = [
                (hit.score, hit.docnum) for hit in _top(reader, match, matched, depth, sort, adjust)
            ]
    else:
        # Phrases need Whoosh's matcher (word positions): one pass of it both ranks and
        # collects every match for the count and facets.
        seen: list[int] = []
        results = _top(reader, match, mask, depth, sort, adjust, seen)
        matched = FrozenBitMap(seen)
        if not matched:
            return [], 0, {}, budget.cut
        scored = [(hit.score, hit.docnum) for hit in results]
    scored = ranking.with_proximity(reader, near, scored, adjust)
    docnums = [d for _s, d in scored][(page - 1) * per_page : page * per_page]
    stored = [reader.searcher.stored_fields(d) for d in docnums]
    facets = _facets(reader, matched, filters)
    return stored, len(matched), facets, budget.cut


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


def _as_typed(text: str) -> str:
    return text


def _plain_words(text: str) -> str:
    return " ".join(parsing.plain_words(text))


# What is searched when what comes before it cannot run, in order: the text as typed,
# then its plain words (syntax Whoosh parsed but cannot run, e.g. a phrase of a field
# without positions). Each is tried only if it differs from the ones before.
FALLBACKS = (_as_typed, _plain_words)


def search(
    *,
    user,
    text: str = "",
    filters: dict | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
    highlight: bool = True,
) -> SearchPage:
    """Search what ``user`` may see. Never raises for what was typed; a broken index
    comes back as ``error`` (logged, and a rebuild is queued). A bug raises."""
    started = time.monotonic()
    text = (text or "").strip()[:300]
    filters = clean_filters(filters or {})
    sort = sort if sort in SORTS else "relevance"
    page = max(1, min(MAX_PAGE, int(page or 1)))
    res = SearchPage(text=text, page=page, per_page=per_page, sort=sort, filters=filters)
    if not text and not filters:
        return res
    shown = None
    try:
        reader = get_reader()
        shown = _with_fallbacks(res, reader, user, highlight, text)
    except Exception as exc:
        if not is_index_error(exc):
            raise
        # Cannot open, or Whoosh failing mid-read: a damaged index.
        report_broken(exc)
        res.error = _("Search is unavailable for a moment while its index is rebuilt.")
        res.total, res.facets, res.suggestion, shown = 0, {}, "", None
    # Outside the index's try: a bug in showing hits or labels raises, it is no broken
    # index.
    display.label_facets(res.facets)
    if shown:
        stored, terms = shown
        res.hits = display.hits_for(stored, user=user, terms=terms, highlight=highlight)
    res.elapsed_ms = (time.monotonic() - started) * 1000
    return res


def _with_fallbacks(res: SearchPage, reader: Reader, user, highlight: bool, text: str):
    """``_search_into`` for the text as typed, then each fall-back that differs from the
    ones tried, while Whoosh fails on them (a failure of our own code raises at once)."""
    tried: list[str] = []
    for n, fallback in enumerate(FALLBACKS):
        searched = fallback(text)
        if n and (not searched or searched in tried):
            continue
        if tried:
            log.info("query %r failed; searching %r", tried[-1], searched)
        tried.append(searched)
        try:
            return _search_into(res, reader, user, highlight, searched)
        except Exception as exc:
            if not raised_in_whoosh(exc):
                raise
            failed = exc
    raise failed


def _search_into(res: SearchPage, reader: Reader, user, highlight: bool, text: str):
    """Fill ``res`` but its hits; returns the stored fields of the hits to show and the
    terms to highlight (None when nothing searchable was typed)."""
    schema = reader.schema
    mask = _mask(reader, user, res.filters)
    if not text:
        res.sort = "date"
        q = wq.Every() if res.filters else None
        searched = ""
    else:
        tidied = parsing.tidy(text)
        res.notice = tidied.notice
        words = ranking.without_stop_words(tidied.text)
        fix = spelling.correct(reader, words, mask)
        if fix.corrected:
            res.suggestion, res.corrected = spelling.correct(reader, tidied.text, mask).text, True
        res.completed = fix.completed
        searched = fix.text
        q = parsing.parse(searched, schema)
        if q is None and res.filters:
            q = wq.Every()
    if q is None:  # nothing searchable was typed ("*", "~", quotes)
        return None
    plan = ranking.plan(q, searched, schema)
    budget = Budget(TIME_LIMIT)
    args = (mask, res.filters, res.page, res.per_page, res.sort, budget)
    stored, total, facets, cut = _run(reader, plan, *args)
    if res.corrected and not total:
        res.suggestion, res.corrected = "", False
    res.total, res.facets, res.timed_out = total, facets, cut
    terms = _highlight_terms(reader, q) if (highlight and stored and text) else frozenset()
    return stored, terms


@dataclass
class SuggestionsPage:
    """What autocomplete shows: hits whose titles, codes or names start with the words."""

    text: str
    hits: list = field(default_factory=list)

    def __iter__(self):
        return iter(self.hits)

    def __len__(self):
        return len(self.hits)


@dataclass
class RelatedPage:
    """Procedures like one procedure, that the user may see."""

    hits: list = field(default_factory=list)

    def __iter__(self):
        return iter(self.hits)

    def __len__(self):
        return len(self.hits)


def autocomplete(*, user, text: str, limit: int = 8) -> SuggestionsPage:
    """Titles, reference codes, experts and agencies starting with the words typed."""
    page = SuggestionsPage(text=(text or "").strip())
    words = [parsing.normalise_word(w)[:16] for w in parsing.plain_words(text or "")]
    words = [w for w in words if len(w) >= 2][:6]
    if not words:
        return page
    try:
        reader = get_reader()
        q = wq.And([wq.Term("complete", w) for w in words])
        mask = visible_docs(reader, user)
        if mask is not None and not mask:
            return page
        results = reader.searcher.search(q, limit=limit, filter=None if mask is None else set(mask))
        stored = [hit.fields() for hit in results]
    except Exception as exc:
        if not is_index_error(exc):
            raise
        report_broken(exc)
        return page
    page.hits = display.hits_for(stored, user=user, terms=frozenset(), highlight=False)
    return page


def related(*, user, sop, limit: int = 5) -> RelatedPage:
    """Procedures like ``sop`` (Whoosh's more-like-this on its text) that ``user`` may see."""
    from search.analysis import family

    page = RelatedPage()
    version = sop.current_version
    if version is None:
        return page
    try:
        reader = get_reader()
        searcher = reader.searcher
        docnum = searcher.document_number(key=f"sop:{sop.pk}")
        if docnum is None:
            return page
        mask = visible_docs(reader, user)
        sops = reader.docset("doctype", "sop")
        allow = set(sops if mask is None else sops & mask)
        allow.discard(docnum)
        if not allow:
            return page
        fam = family(sop.language_id)
        text = f"{version.title}\n{version.body}"
        # Whoosh's more-like-this key terms, looked up in the title as well as the body.
        keys = searcher.key_terms_from_text(f"body_{fam}", text, numterms=12)
        if not keys:
            return page
        like = wq.Or(
            [wq.Term(f"body_{fam}", term, boost=weight) for term, weight in keys]
            + [wq.Term(f"title_{fam}", term, boost=2 * weight) for term, weight in keys]
        )
        results = searcher.search(like, limit=limit, filter=allow)
        stored = [hit.fields() for hit in results]
    except Exception as exc:
        if not is_index_error(exc):
            raise
        report_broken(exc)
        return page
    page.hits = display.hits_for(stored, user=user, terms=frozenset(), highlight=False)
    return page


# The names pages and other apps have imported.
SearchResults = SearchPage
related_sops = related
