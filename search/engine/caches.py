"""Bounded caches for what the search reader computes, and a key for what is per segment.

A Whoosh segment never changes once written (deletions are recorded beside it), so what
is computed from it (its term lists, a term's documents) stays valid across commits; a
commit only adds segments, and a merge retires old ones, which then age out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from search.engine.whoosh_private import storage_folder


class BoundedCache:
    """A least-recently-used map whose values are built on first use."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def get(self, key: Hashable, build: Callable[[], object]):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        found = build()  # outside the lock: two threads may both build, harmlessly
        with self._lock:
            self._items[key] = found
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return found


def segment_key(segreader, *key) -> tuple:
    """``key`` made specific to one segment of one index directory."""
    return (storage_folder(segreader), segreader.segment().segment_id(), *key)
