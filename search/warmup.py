"""Warm a web process's search at start, off the request path.

A fresh process's first search used to open the index and read, from disk, the
document sets of the visibility filter and of every facet value, the field lengths
BM25F needs, the spelling lexicon and the stemmers: over a second at 20,000 SOPs. The
web process (``frontline.asgi``) starts ``start_in_background`` once; its thread runs
searches of each kind as an anonymous visitor, so the process-wide caches fill, then
hands its reader, filled, to the first request thread (``engine.reader.offer_reader``).
A request arriving meanwhile waits for the warm-up rather than repeating it from cold,
but only for the search the warm-up is running: the warm-up then stops and hands its
reader over as it is (what it did not fill fills on first use, as it would have cold).
"""

from __future__ import annotations

import logging
import threading
import time
from functools import partial

from django.conf import settings

log = logging.getLogger(__name__)
# What the warm-up searches: a word, a question (proximity phrases), a typo (the
# spelling lexicon), a prefix and a phrase, with facets and highlights.
WARM_TEXTS = (
    "procedure",
    "how to take a sample at the border",
    "decontaminaton",
    "labo*",
    '"sample collection"',
)
_started = False
_lock = threading.Lock()


def warm_up() -> float:
    """Fill this process's search caches; returns the seconds it took."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.template.loader import get_template

    from search import service
    from search.engine import reader as engine_reader
    from search.index import IndexUnavailable
    from search.schema import FACET_FIELDS

    started = time.monotonic()
    engine_reader.warming_here()
    anonymous = AnonymousUser()
    searches = [
        *(partial(service.search, user=anonymous, text=t, highlight=True) for t in WARM_TEXTS),
        partial(service.autocomplete, user=anonymous, text="proc"),
    ]
    try:
        # The templates first: compiling them (84 ms) is done even when a request cuts
        # the searches short, which it would otherwise pay itself.
        for name in ("search/search.html", "search/_results.html"):
            get_template(name)
        reader = engine_reader.get_reader()
        for fieldname in (*FACET_FIELDS.values(), "visibility", "allowed"):
            for value in reader.values(fieldname):
                reader.docset(fieldname, value)
        for done, run in enumerate(searches):
            if engine_reader.reader_wanted():
                log.info("search warm-up handed over after %d of %d searches", done, len(searches))
                break
            run()
    except IndexUnavailable as exc:  # no index yet: the first search builds or reports it
        log.info("search warm-up skipped: %s", exc)
    except Exception:  # a warm-up must never stop the process; searches report it
        log.warning("search warm-up failed", exc_info=True)
    finally:
        engine_reader.offer_reader()
        connection.close()
    return time.monotonic() - started


def start_in_background() -> threading.Thread | None:
    """Start the warm-up thread once per process (if ``FRONTLINE_SEARCH_WARM``); returns
    it, or None when it is off or already started."""
    global _started
    if not getattr(settings, "FRONTLINE_SEARCH_WARM", True):
        return None
    with _lock:
        if _started:
            return None
        _started = True
    from search.engine import reader as engine_reader

    engine_reader.warming_started()

    def run():
        from frontline.gc_freeze import freeze_long_lived

        seconds = warm_up()
        # What the warm-up filled lives as long as the process: out of the collector's walk.
        frozen = freeze_long_lived()
        log.info("search warmed up in %.2f s; %d long-lived objects frozen", seconds, frozen)

    thread = threading.Thread(target=run, name="search-warm-up", daemon=True)
    thread.start()
    return thread
