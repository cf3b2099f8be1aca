"""One open searcher per thread, refreshed when the index changes, with cached doc sets.

Visibility and facet filters are sets of document numbers computed once per index
generation (cached here), so a search intersects sets in C instead of running filter
queries. A rebuild swaps the directory and writes a new build id: that reopens.
"""

from __future__ import annotations

import logging
import threading
import time

from whoosh import query as wq

from search.index import IndexUnavailable, index_dir, open_index, read_meta

log = logging.getLogger(__name__)
_local = threading.local()
REPAIR_EVERY = 60.0
# Index path -> when this process last asked for its repair.
_repairs_asked: dict[str, float] = {}


class Reader:
    """An open index, its searcher and the doc-set caches tied to its generation."""

    def __init__(self, path, build):
        self.path = path
        self.build = build
        self.ix = open_index(path)
        self.searcher = self.ix.searcher()
        self.cache: dict = {}

    def refresh_if_changed(self) -> None:
        """Open a new searcher after a commit.

        Not ``Searcher.refresh()``: it reuses segment readers keyed by segment id, so a
        segment that gained deletions keeps serving its deleted (replaced) documents.
        """
        if not self.searcher.up_to_date():
            old, self.searcher = self.searcher, self.ix.searcher()
            self.cache = {}
            old.close()

    def close(self) -> None:
        try:
            self.searcher.close()
            self.ix.close()
        except Exception:  # closing a broken index must not hide why it broke
            log.debug("closing search reader failed", exc_info=True)

    def docset(self, fieldname: str, value: str) -> frozenset:
        """Document numbers holding ``value`` in ``fieldname`` (deleted ones excluded)."""
        key = ("term", fieldname, value)
        found = self.cache.get(key)
        if found is None:
            found = frozenset(self.searcher.docs_for_query(wq.Term(fieldname, value)))
            self.cache[key] = found
        return found

    def values(self, fieldname: str) -> list[str]:
        """Every value indexed in a facet field."""
        key = ("values", fieldname)
        found = self.cache.get(key)
        if found is None:
            found = [v.decode("utf-8") for v in self.searcher.reader().lexicon(fieldname)]
            self.cache[key] = found
        return found

    def all_docs(self) -> frozenset:
        key = ("all",)
        found = self.cache.get(key)
        if found is None:
            found = frozenset(self.searcher.reader().all_doc_ids())
            self.cache[key] = found
        return found


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
        reader = Reader(path, build)
        _local.reader = reader
        _repairs_asked.pop(str(path), None)
    else:
        reader.refresh_if_changed()
    return reader


def drop_reader() -> None:
    reader = getattr(_local, "reader", None)
    if reader is not None:
        reader.close()
        _local.reader = None


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


__all__ = ["IndexUnavailable", "Reader", "get_reader", "drop_reader", "report_broken"]
