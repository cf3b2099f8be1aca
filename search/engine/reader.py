"""One open searcher per thread, refreshed when the index changes, with cached doc sets.

Visibility filters, facet values and the terms searched for are sets of document
numbers (Roaring bitmaps: compact, and intersected and counted in C) computed once per
index generation and cached here, so a search combines sets instead of stepping
Whoosh's matchers. A rebuild swaps the directory and writes a new build id: that reopens.
"""

from __future__ import annotations

import logging
import threading
import time

from pyroaring import FrozenBitMap

from search.engine.caches import BoundedCache, segment_key
from search.engine.ranking import WEIGHTING
from search.engine.whoosh_private import posting_ids, without_deletions
from search.index import IndexUnavailable, index_dir, open_index, read_meta

log = logging.getLogger(__name__)
_local = threading.local()
REPAIR_EVERY = 60.0
# Term doc sets kept per reader (least recently used dropped first). A set of 30,000
# documents is at most ~4 KB as a bitmap, so this bounds the cache near 20 MB.
MAX_TERM_SETS = 5000
# The same per segment (see ``_segment_docs``), shared by this process's readers.
MAX_SEGMENT_SETS = 10000
_segment_sets = BoundedCache(MAX_SEGMENT_SETS)
# Index path -> when this process last asked for its repair.
_repairs_asked: dict[str, float] = {}


class Reader:
    """An open index, its searcher and the doc-set caches tied to its generation."""

    def __init__(self, path, build):
        self.path = path
        self.build = build
        self.ix = open_index(path)
        self.searcher = self.ix.searcher(weighting=WEIGHTING)
        self.cache: dict = {}
        self.terms = BoundedCache(MAX_TERM_SETS)

    def refresh_if_changed(self) -> None:
        """Open a new searcher after a commit.

        Not ``Searcher.refresh()``: it reuses segment readers keyed by segment id, so a
        segment that gained deletions keeps serving its deleted (replaced) documents.
        """
        if not self.searcher.up_to_date():
            old, self.searcher = self.searcher, self.ix.searcher(weighting=WEIGHTING)
            self.cache = {}
            self.terms = BoundedCache(MAX_TERM_SETS)
            old.close()

    def close(self) -> None:
        try:
            self.searcher.close()
            self.ix.close()
        except Exception:  # closing a broken index must not hide why it broke
            log.debug("closing search reader failed", exc_info=True)

    @property
    def schema(self):
        """The open searcher's schema. Not ``ix.schema``: Whoosh's FileIndex reads and
        unpickles its table of contents from disk on every access, which was 40% of a
        warm search page's time at 20,000 SOPs."""
        return self.searcher.schema

    def docset(self, fieldname: str, text: str) -> FrozenBitMap:
        """Document numbers holding the term ``text`` in ``fieldname`` (deleted ones
        excluded)."""
        return self.terms.get((fieldname, text), lambda: self._docset(fieldname, text))

    def _docset(self, fieldname: str, text: str) -> FrozenBitMap:
        btext = self.schema[fieldname].to_bytes(text)
        parts = []
        for segreader, offset in self.searcher.reader().leaf_readers():
            docs = _segment_docs(segreader, fieldname, btext)
            if docs:
                parts.append(docs.shift(offset) if offset else docs)
        found = FrozenBitMap.union(*parts) if parts else FrozenBitMap()
        return found - self.deleted() if self.deleted() else found

    def has_docset(self, fieldname: str, text: str) -> bool:
        """True if ``docset`` would answer without reading postings."""
        if (fieldname, text) in self.terms:
            return True
        btext = self.schema[fieldname].to_bytes(text)
        return all(
            segment_key(segreader, fieldname, btext) in _segment_sets
            for segreader, _offset in self.searcher.reader().leaf_readers()
        )

    def deleted(self) -> FrozenBitMap:
        """The deleted (replaced) documents still in the segments."""
        key = ("deleted",)
        found = self.cache.get(key)
        if found is None:
            parts = [
                FrozenBitMap(segreader.deleted_docs_set).shift(offset)
                for segreader, offset in self.searcher.reader().leaf_readers()
                if segreader.has_deletions()
            ]
            found = self.cache[key] = FrozenBitMap.union(*parts) if parts else FrozenBitMap()
        return found

    def values(self, fieldname: str) -> list[str]:
        """Every value indexed in a facet field."""
        key = ("values", fieldname)
        found = self.cache.get(key)
        if found is None:
            found = [v.decode("utf-8") for v in self.searcher.reader().lexicon(fieldname)]
            self.cache[key] = found
        return found

    def all_docs(self) -> FrozenBitMap:
        key = ("all",)
        found = self.cache.get(key)
        if found is None:
            found = FrozenBitMap(self.searcher.reader().all_doc_ids())
            self.cache[key] = found
        return found


def _segment_docs(segreader, fieldname: str, btext: bytes) -> FrozenBitMap:
    """A term's documents within one segment, deletions not applied: a segment's
    postings never change, so a commit (which adds a segment) leaves these valid and
    the first search after a publish reads only the new segment's postings."""

    def build():
        if (fieldname, btext) not in segreader:
            return FrozenBitMap()
        # Deletions are applied by the caller.
        matcher = without_deletions(segreader.postings(fieldname, btext))
        return FrozenBitMap(posting_ids(matcher))

    return _segment_sets.get(segment_key(segreader, fieldname, btext), build)


def get_reader() -> Reader:
    """This thread's reader for the current index; raises ``IndexUnavailable``."""
    path = index_dir()
    meta = read_meta(path)
    build = meta.get("build") if meta else None
    reader: Reader | None = getattr(_local, "reader", None)
    if reader is not None and (reader.path != path or reader.build != build):
        reader.close()
        reader = _local.reader = None
    if reader is None:
        reader = _take_spare(path, build) or Reader(path, build)
        _local.reader = reader
        _repairs_asked.pop(str(path), None)
    reader.refresh_if_changed()
    return reader


# Readers no thread is using, filled, waiting for the next thread that needs one: the
# warm-up's, and each finished request's (a reader is used by one thread at a time: it
# is handed over, never shared). Under ASGI every request runs in a new thread, so
# without this each one opened the index and refilled its caches from cold.
_spare: list[Reader] = []
MAX_SPARE = 4
_spare_lock = threading.Lock()


def release_reader(**_signal) -> None:
    """Hand this thread's reader to the next thread that needs one. Connected to
    Django's ``request_finished``, which runs in the request's own thread."""
    reader = getattr(_local, "reader", None)
    if reader is None:
        return
    _local.reader = None
    with _spare_lock:
        if len(_spare) < MAX_SPARE:
            _spare.append(reader)
            return
    reader.close()


def _take_spare(path, build) -> Reader | None:
    with _spare_lock:
        while _spare:
            reader = _spare.pop()
            if reader.path == path and reader.build == build:
                return reader
            reader.close()
    return None


def drop_reader() -> None:
    """Close this thread's reader and the spare ones: the next search opens afresh."""
    reader = getattr(_local, "reader", None)
    if reader is not None:
        reader.close()
        _local.reader = None
    with _spare_lock:
        spares = _spare[:]
        _spare.clear()
    for spare in spares:
        spare.close()


def report_broken(exc: Exception) -> None:
    """Log a broken index loudly and ask the search worker to rebuild it (once a minute)."""
    drop_reader()
    log.error("search index unusable: %s", exc)
    path, now = str(index_dir()), time.monotonic()
    if now - _repairs_asked.get(path, -REPAIR_EVERY) < REPAIR_EVERY:
        return
    _repairs_asked[path] = now
    from search.tasks import repair

    try:
        repair.delay()
    except Exception:
        log.exception("could not queue the search index repair")


__all__ = [
    "IndexUnavailable",
    "Reader",
    "get_reader",
    "drop_reader",
    "release_reader",
    "report_broken",
    "posting_ids",
]
