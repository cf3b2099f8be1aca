"""Warm a web process's search at start, before it serves, off the request path.

A fresh process's first search used to open the index and read, from disk, the
document sets of the visibility filter and of every facet value, the field lengths
BM25F needs, the spelling lexicon and the stemmers: over a second at 20,000 SOPs. The
web process (``frontline.asgi``) calls ``warm_before_serving`` once, while daphne
imports the application and before it listens: it runs searches of each kind as an
anonymous visitor, so the process-wide caches fill, and leaves its reader, filled, for
the first request thread (``engine.reader.release_reader``). It used to run in a thread
beside the open port; a search sent as the port opened then waited for the warm-up's
current search and paid its own one-time costs too (465 ms, against 377 ms cold).
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
    anonymous = AnonymousUser()
    searches = [
        *(partial(service.search, user=anonymous, text=t, highlight=True) for t in WARM_TEXTS),
        partial(service.autocomplete, user=anonymous, text="proc"),
    ]
    try:
        # The search page's templates: compiling them took a first request 84 ms.
        for name in ("search/search.html", "search/_results.html"):
            get_template(name)
        reader = engine_reader.get_reader()
        for fieldname in (*FACET_FIELDS.values(), "visibility", "allowed"):
            for value in reader.values(fieldname):
                reader.docset(fieldname, value)
        for run in searches:
            run()
    except IndexUnavailable as exc:  # no index yet: the first search builds or reports it
        log.info("search warm-up skipped: %s", exc)
    except Exception:  # a warm-up must never stop the process; searches report it
        log.warning("search warm-up failed", exc_info=True)
    finally:
        engine_reader.release_reader()
        connection.close()
    return time.monotonic() - started


def warm_before_serving() -> bool:
    """Warm this process once (if ``FRONTLINE_SEARCH_WARM``), then freeze what start-up
    made long-lived; returns whether it warmed."""
    global _started
    if not getattr(settings, "FRONTLINE_SEARCH_WARM", True):
        return False
    with _lock:
        if _started:
            return False
        _started = True
    from frontline.gc_freeze import freeze_long_lived

    seconds = warm_up()
    # What the warm-up filled lives as long as the process: out of the collector's walk.
    frozen = freeze_long_lived()
    log.info("search warmed up in %.2f s; %d long-lived objects frozen", seconds, frozen)
    return True
