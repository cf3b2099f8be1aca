"""Keep a web process's long-lived objects out of Python's cyclic garbage collector.

After start-up and the search warm-up a process holds about 200,000 tracked objects that
live as long as it does (Django's URL and template machinery, the search caches). Each
full (generation 2) collection walked all of them: 95 ms at 20,000 SOPs, a pause that
every request in flight at that moment waited through. ``gc.freeze()`` moves them to the
permanent generation, so a full collection walks only what requests made since (7-12 ms
measured). Frozen objects are still freed by reference counting; only a cycle among
them is never collected, so ``gc.collect()`` runs first.
"""

from __future__ import annotations

import gc


def freeze_long_lived() -> int:
    """Collect what start-up left behind, then freeze the rest; returns how many."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
