"""What is worth keeping about one index segment, kept for the life of the process.

A Whoosh segment never changes once written (deletions are recorded beside it), so what
is computed from it (its term lists, a term's documents) stays valid across commits; a
commit only adds segments, and a merge retires old ones, which then age out of here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable


class SegmentCache:
    """A least-recently-used map from (segment, key) to a value built on first use."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, segreader, *key) -> tuple:
        storage = getattr(segreader, "_storage", None)
        folder = getattr(storage, "folder", id(storage))
        return (folder, segreader.segment().segment_id(), *key)

    def __contains__(self, full_key: tuple) -> bool:
        return full_key in self._items

    def get(self, segreader, key: tuple, build: Callable[[], object]):
        full_key = self.key(segreader, *key)
        with self._lock:
            found = self._items.get(full_key)
            if found is not None:
                self._items.move_to_end(full_key)
                return found
        found = build()  # outside the lock: two threads may both build, harmlessly
        with self._lock:
            self._items[full_key] = found
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return found
